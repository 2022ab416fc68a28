//! The contracts between plans and the function library: scalar functions, aggregate
//! functions with vectorized group accumulators, and the registry the binder looks
//! names up in. Implementations live in `ember-functions`.

use std::fmt::Debug;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray};
use arrow::datatypes::{DataType, Field};
use ember_common::interval_type::IntervalType;
use ember_common::Result;

use crate::scalar::ScalarValue;

/// A function argument or result: a whole column or one value for every row.
#[derive(Debug, Clone)]
pub enum ColumnarValue {
    Array(ArrayRef),
    Scalar(ScalarValue),
}

impl ColumnarValue {
    pub fn data_type(&self) -> arrow::datatypes::DataType {
        match self {
            ColumnarValue::Array(a) => a.data_type().clone(),
            ColumnarValue::Scalar(s) => s.data_type(),
        }
    }

    /// The value as an array of `num_rows` rows.
    pub fn into_array(self, num_rows: usize) -> Result<ArrayRef> {
        match self {
            ColumnarValue::Array(a) => Ok(a),
            ColumnarValue::Scalar(s) => s.to_array(num_rows),
        }
    }
}

/// Settings a function may depend on, fixed for a query, and where it runs.
#[derive(Debug, Clone)]
pub struct FunctionContext {
    /// `spark.sql.ansi.enabled`
    pub ansi: bool,
    /// `spark.sql.session.timeZone`
    pub time_zone: Arc<str>,
    /// The partition being computed (`spark_partition_id()`, the seed of `rand`).
    pub partition: usize,
    /// State a nondeterministic function keeps across the batches of a partition.
    pub task_state: TaskState,
}

impl Default for FunctionContext {
    fn default() -> Self {
        FunctionContext { ansi: true, time_zone: Arc::from("UTC"), partition: 0, task_state: TaskState::default() }
    }
}

impl FunctionContext {
    /// This context for computing `partition`, with state of its own.
    pub fn for_partition(&self, partition: usize) -> FunctionContext {
        FunctionContext { partition, task_state: TaskState::default(), ..self.clone() }
    }
}

/// Per-task state of nondeterministic functions (a generator, a row counter), keyed by
/// the function instance and the partition, as Spark initializes such expressions once
/// per partition. Shared by clones of one context.
#[derive(Clone, Default)]
pub struct TaskState(Arc<std::sync::Mutex<std::collections::HashMap<(usize, usize), Box<dyn std::any::Any + Send>>>>);

impl Debug for TaskState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TaskState")
    }
}

impl TaskState {
    /// Runs `f` on the state of `key` in `partition`, made by `init` the first time.
    pub fn with<T: Send + 'static, R>(&self, key: usize, partition: usize, init: impl FnOnce() -> T, f: impl FnOnce(&mut T) -> R) -> R {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let slot = map.entry((key, partition)).or_insert_with(|| Box::new(()));
        if let Some(state) = slot.downcast_mut::<T>() {
            return f(state);
        }
        let mut fresh = init();
        let out = f(&mut fresh);
        *slot = Box::new(fresh);
        out
    }
}

/// A scalar (row-wise) function, e.g. `upper`, `coalesce`, `split`.
pub trait ScalarFunctionImpl: Send + Sync + Debug {
    /// Spark's name, lower case.
    fn name(&self) -> &str;

    /// The types the arguments must be cast to before `invoke` (Spark's implicit
    /// coercion for this function). Errors say which argument has which wrong type.
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>>;

    /// The result type, given already-coerced argument types.
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType>;

    /// The start and end fields of an ANSI interval result, given the interval types of
    /// the arguments (`None` for other arguments). See [`widest_interval`], the default.
    fn result_interval_type(&self, arg_types: &[Option<IntervalType>]) -> Option<IntervalType> {
        widest_interval(arg_types)
    }

    /// Checks arguments that are ANSI intervals against their Spark types (`None` for
    /// other arguments), where their Arrow types are not enough: `extract(hour FROM
    /// INTERVAL '1' DAY)` is an error. Called when the call is typed.
    fn check_interval_args(&self, _arg_types: &[Option<IntervalType>]) -> Result<()> {
        Ok(())
    }

    /// Evaluates the function on a batch of `num_rows` rows.
    fn invoke(&self, args: &[ColumnarValue], num_rows: usize, ctx: &FunctionContext) -> Result<ColumnarValue>;

    /// False for functions whose result changes between calls (`rand`, `uuid`).
    fn is_deterministic(&self) -> bool {
        true
    }

    /// This function specialized for the arguments that are literals (`None` where an
    /// argument is not), for functions whose result type depends on an argument's value,
    /// e.g. `round(d, 2)` on decimals. `Ok(None)` keeps this function as it is. Called
    /// when a call is built (SQL binder and DataFrame API alike).
    fn specialize(&self, _literals: &[Option<&ScalarValue>]) -> Result<Option<Arc<dyn ScalarFunctionImpl>>> {
        Ok(None)
    }

    /// The values Spark passes for arguments omitted from a call with `given` arguments,
    /// which it also shows in column names: `round(x)` is `round(x, 0)`.
    fn implicit_args(&self, _given: usize) -> Vec<ScalarValue> {
        Vec::new()
    }

    /// True for Spark's TRY mode (`try_add`, `try_to_timestamp`, …): the arguments are
    /// evaluated with ANSI errors on, and a row whose arguments fail to evaluate gives
    /// NULL instead of an error.
    fn try_eval(&self) -> bool {
        false
    }

    /// How a call shows in plans and column names, given its rendered arguments, when
    /// Spark does not write it as `name(args)` (e.g. `a[0]`, `s.f`); `None` for `name(args)`.
    fn display_call(&self, _args: &[String]) -> Option<String> {
        None
    }
}

/// The narrowest interval type all interval arguments fit in (`coalesce(INTERVAL '1' DAY,
/// INTERVAL '1' HOUR)` is an `interval day to hour`, as the arguments are widened to one
/// type); `None` without interval arguments or when they mix classes. A result whose
/// Arrow type does not match takes its Arrow type's default instead.
pub fn widest_interval(types: &[Option<IntervalType>]) -> Option<IntervalType> {
    let mut it = types.iter().flatten();
    let first = *it.next()?;
    it.try_fold(first, |acc, t| acc.widen(*t))
}

/// Prepares a call of `func`: appends the arguments Spark fills in for omitted ones
/// (see [`ScalarFunctionImpl::implicit_args`]) and specializes `func` for the literal
/// arguments (see [`ScalarFunctionImpl::specialize`]).
pub fn specialize_for_args(func: Arc<dyn ScalarFunctionImpl>, args: &mut Vec<crate::Expr>) -> Result<Arc<dyn ScalarFunctionImpl>> {
    args.extend(func.implicit_args(args.len()).into_iter().map(crate::Expr::Literal));
    let literals: Vec<Option<&ScalarValue>> = args
        .iter()
        .map(|a| match a {
            crate::Expr::Literal(v) => Some(v),
            _ => None,
        })
        .collect();
    Ok(func.specialize(&literals)?.unwrap_or(func))
}

/// Accumulates one aggregate for many groups at once, indexed by group number.
pub trait GroupsAccumulator: Send {
    /// Adds input rows: `values[i]` is argument `i`, `group_indices[r]` the group of
    /// row `r`; rows where `opt_filter` is not true are skipped.
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()>;

    /// Merges partial states (as produced by [`GroupsAccumulator::state`]).
    fn merge_batch(&mut self, states: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()>;

    /// Final values, one per group, in group order.
    fn evaluate(&mut self) -> Result<ArrayRef>;

    /// Partial states, one array per state field, one row per group.
    fn state(&mut self) -> Result<Vec<ArrayRef>>;

    /// Approximate heap size in bytes.
    fn size(&self) -> usize;
}

/// An aggregate function, e.g. `sum`, `count`, `avg`.
pub trait AggregateFunctionImpl: Send + Sync + Debug {
    fn name(&self) -> &str;

    /// Target types for the arguments (see [`ScalarFunctionImpl::coerce_types`]).
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>>;

    /// The result type, given coerced argument types.
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType>;

    /// The start and end fields of an ANSI interval result (see
    /// [`ScalarFunctionImpl::result_interval_type`]): by default the arguments' (`sum`,
    /// `min`, `max` keep them).
    fn result_interval_type(&self, arg_types: &[Option<IntervalType>]) -> Option<IntervalType> {
        widest_interval(arg_types)
    }

    /// Whether the result can be NULL (count cannot).
    fn nullable(&self) -> bool {
        true
    }

    /// How many of a call's `given` arguments show in plans and column names: Spark
    /// shows `first(x, true)` as `first(x)` (the flag is not an argument there).
    fn shown_args(&self, given: usize) -> usize {
        given
    }

    /// How a call shows in plans and column names, given its rendered arguments, when
    /// Spark does not write it as `name(args)`: `percentile_cont(0.5) WITHIN GROUP (ORDER
    /// BY x)`. `None` for `name(args)`.
    fn display_call(&self, _args: &[String]) -> Option<String> {
        None
    }

    /// The partial-state fields, given coerced argument types.
    fn state_fields(&self, arg_types: &[DataType]) -> Result<Vec<Field>>;

    /// A fresh accumulator for coerced argument types.
    fn create_accumulator(&self, arg_types: &[DataType], ctx: &FunctionContext) -> Result<Box<dyn GroupsAccumulator>>;
}

/// Where the binder and the DataFrame API look functions up.
pub trait FunctionRegistry: Send + Sync {
    fn scalar(&self, name: &str) -> Option<Arc<dyn ScalarFunctionImpl>>;
    fn aggregate(&self, name: &str) -> Option<Arc<dyn AggregateFunctionImpl>>;
    /// Every function name, for "did you mean" suggestions.
    fn names(&self) -> Vec<String>;
}
