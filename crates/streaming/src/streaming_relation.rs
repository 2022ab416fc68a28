//! `StreamingTableSource`: the leaf a streaming DataFrame's plan reads (Spark's
//! `StreamingRelation`). It holds the source and is never scanned itself: each
//! micro-batch replaces it with the table of that batch's rows.

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use ember_plan::{LogicalPlan, TableSource};
use ember_common::tree_node::TreeNode;

use crate::source::Source;

/// How a streaming source was asked for (`format`, options, path): enough to build
/// the source again when a query starts with its checkpoint.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    pub format: String,
    pub options: Vec<(String, String)>,
    pub path: Option<String>,
}

/// A streaming source in a plan.
#[derive(Debug)]
pub struct StreamingTableSource {
    pub spec: SourceSpec,
    pub schema: SchemaRef,
    /// A source made when the DataFrame was built (a memory stream); file and rate
    /// sources are made when the query starts, beside its checkpoint.
    pub prebuilt: Option<Arc<dyn Source>>,
}

impl TableSource for StreamingTableSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        match &self.spec.path {
            Some(p) => format!("streaming {} [{p}]", self.spec.format),
            None => format!("streaming {}", self.spec.format),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Does `plan` read a streaming source?
pub fn is_streaming(plan: &LogicalPlan) -> bool {
    plan.exists(|p| matches!(p, LogicalPlan::TableScan(s) if s.source.as_any().is::<StreamingTableSource>()))
}
