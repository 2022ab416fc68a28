//! Planning an `UpdateSessions` node: an exchange on the group keys (one partition when
//! there are none) unless the input is already distributed that way, a `SortExec` on
//! keys + session, then `UpdatingSessionsExec`.

use std::sync::Arc;

use arrow::compute::SortOptions;
use ember_common::{Error, Result};
use ember_plan::{Expr, UpdateSessions};

use super::PhysicalPlanner;
use crate::ensure_requirements::satisfies_hash;
use crate::execution_plan::{Distribution, ExecutionPlan, Partitioning};
use crate::expressions::{create_physical_expr, PhysicalSortExpr};
use crate::operators::exchange::ExchangeExec;
use crate::operators::sort::SortExec;
use crate::operators::updating_sessions::UpdatingSessionsExec;

impl PhysicalPlanner {
    pub(super) fn plan_update_sessions(&self, u: &UpdateSessions) -> Result<Arc<dyn ExecutionPlan>> {
        let in_schema = u.input.schema();
        let input = self.plan(&u.input)?;
        let keys = u.keys.iter().map(|e| create_physical_expr(e, in_schema)).collect::<Result<Vec<_>>>()?;
        let session = in_schema.find(&u.session).ok_or_else(|| Error::internal(format!("session column {} not found", u.session.name)))?;
        let n = self.config().shuffle_partitions();
        let input: Arc<dyn ExecutionPlan> = match UpdatingSessionsExec::distribution(&keys) {
            Distribution::SinglePartition if input.output_partitioning().partition_count() != 1 => {
                Arc::new(ExchangeExec::new(input, Partitioning::Single))
            }
            Distribution::HashPartitioned(k) if !satisfies_hash(&input.output_partitioning(), &k, n, false) => {
                Arc::new(ExchangeExec::new(input, Partitioning::Hash(k, n)))
            }
            _ => input,
        };
        let ascending = SortOptions { descending: false, nulls_first: true };
        let mut sort_keys: Vec<PhysicalSortExpr> = keys.iter().map(|k| PhysicalSortExpr { expr: k.clone(), options: ascending }).collect();
        sort_keys.push(PhysicalSortExpr { expr: create_physical_expr(&Expr::Column(u.session.clone()), in_schema)?, options: ascending });
        let sorted = Arc::new(SortExec::new(sort_keys, input, None));
        Ok(Arc::new(UpdatingSessionsExec::new(sorted, keys, session)))
    }
}
