//! Planning a `Window` node: an exchange on the partition keys (one partition when
//! there are none) unless the input is already distributed that way, a `SortExec` on
//! partition + order keys, then `WindowExec` with arguments cast to what each
//! function takes.

use std::sync::Arc;

use arrow::compute::SortOptions;
use ember_common::{Error, Result};
use ember_plan::{BuiltinWindowFunction, Expr, ScalarValue, Window, WindowFrameBound, WindowFunctionKind};

use super::PhysicalPlanner;
use crate::ensure_requirements::satisfies_hash;
use crate::execution_plan::{Distribution, ExecutionPlan, Partitioning};
use crate::expressions::planner::cast_if_needed;
use crate::expressions::{create_physical_expr, PhysicalSortExpr};
use crate::operators::exchange::ExchangeExec;
use crate::operators::sort::SortExec;
use crate::operators::window::{WindowExec, WindowExpr, WindowFunctionExec};

impl PhysicalPlanner {
    pub(super) fn plan_window(&self, w: &Window) -> Result<Arc<dyn ExecutionPlan>> {
        let in_schema = w.input.schema();
        let input = self.plan(&w.input)?;
        let partition_by = w.partition_by().iter().map(|e| create_physical_expr(e, in_schema)).collect::<Result<Vec<_>>>()?;
        let order_by = w
            .order_by()
            .iter()
            .map(|o| {
                Ok(PhysicalSortExpr {
                    expr: create_physical_expr(&o.expr, in_schema)?,
                    options: SortOptions { descending: !o.asc, nulls_first: o.nulls_first },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let n = self.config().shuffle_partitions();
        let input: Arc<dyn ExecutionPlan> = match WindowExec::distribution(&partition_by) {
            Distribution::SinglePartition if input.output_partitioning().partition_count() != 1 => {
                Arc::new(ExchangeExec::new(input, Partitioning::Single))
            }
            Distribution::HashPartitioned(keys) if !satisfies_hash(&input.output_partitioning(), &keys, n, false) => {
                Arc::new(ExchangeExec::new(input, Partitioning::Hash(keys, n)))
            }
            _ => input,
        };
        let mut sort_keys: Vec<PhysicalSortExpr> = partition_by
            .iter()
            .map(|p| PhysicalSortExpr { expr: p.clone(), options: SortOptions { descending: false, nulls_first: true } })
            .collect();
        sort_keys.extend(order_by.iter().cloned());
        let sorted: Arc<dyn ExecutionPlan> = if sort_keys.is_empty() { input } else { Arc::new(SortExec::new(sort_keys, input, None)) };
        let mut exprs = Vec::with_capacity(w.window_exprs.len());
        for (i, e) in w.window_exprs.iter().enumerate() {
            let Expr::WindowFunction(f) = e.unalias() else {
                return Err(Error::internal(format!("window expression expected, found {e}")));
            };
            let name = w.schema.field(in_schema.len() + i).name().to_string();
            let return_type = e.data_type(in_schema)?;
            let types = f.args.iter().map(|a| a.data_type(in_schema)).collect::<Result<Vec<_>>>()?;
            let physical = |k: usize, target: &arrow::datatypes::DataType| -> Result<_> {
                Ok(cast_if_needed(create_physical_expr(&f.args[k], in_schema)?, &types[k], target))
            };
            let (func, args) = match &f.func {
                WindowFunctionKind::Aggregate(a) => {
                    let arg_types = a.coerce_types(&types)?;
                    let args = (0..f.args.len()).map(|k| physical(k, arg_types.get(k).unwrap_or(&types[k]))).collect::<Result<Vec<_>>>()?;
                    (WindowFunctionExec::Aggregate { func: a.clone(), arg_types }, args)
                }
                WindowFunctionKind::Builtin(b) => {
                    use BuiltinWindowFunction as B;
                    let param = match b {
                        B::Ntile => literal_int(&f.args[0])?,
                        B::NthValue => literal_int(&f.args[1])?,
                        B::Lag | B::Lead => match &f.frame.start {
                            WindowFrameBound::Following(v) => scalar_int(v)?,
                            other => return Err(Error::internal(format!("{} with frame bound {other}", b.name()))),
                        },
                        _ => 0,
                    };
                    let args = match b {
                        B::Lag | B::Lead => vec![physical(0, &return_type)?, physical(2, &return_type)?],
                        B::FirstValue | B::LastValue | B::NthValue => vec![physical(0, &return_type)?],
                        _ => vec![],
                    };
                    (WindowFunctionExec::Builtin { func: *b, param }, args)
                }
            };
            exprs.push(WindowExpr {
                func,
                args,
                frame: f.frame.clone(),
                ignore_nulls: f.ignore_nulls,
                name,
                return_type,
                nullable: f.nullable(),
            });
        }
        Ok(Arc::new(WindowExec::try_new(sorted, partition_by, order_by, exprs)?))
    }
}

fn scalar_int(v: &ScalarValue) -> Result<i64> {
    match v {
        ScalarValue::Int8(Some(x)) => Ok(*x as i64),
        ScalarValue::Int16(Some(x)) => Ok(*x as i64),
        ScalarValue::Int32(Some(x)) => Ok(*x as i64),
        ScalarValue::Int64(Some(x)) => Ok(*x),
        other => Err(Error::internal(format!("integer literal expected, found {other}"))),
    }
}

fn literal_int(e: &Expr) -> Result<i64> {
    match e.unalias() {
        Expr::Literal(v) => scalar_int(v),
        Expr::Negative(inner) => literal_int(inner).map(|v| -v),
        other => Err(Error::internal(format!("integer literal expected, found {other}"))),
    }
}
