//! EXPLAIN: the plans of a query, as Spark prints them (`== Physical Plan ==` …).

use ember_common::Result;
use ember_execution::explain_with_stages;
use ember_plan::LogicalPlan;

use crate::query::QueryExecution;
use crate::session::Session;

/// `EXPLAIN` prints the physical plan; `EXPLAIN EXTENDED` every plan of the chain.
pub(crate) fn explain(session: &Session, plan: &LogicalPlan, extended: bool) -> Result<String> {
    let qe = QueryExecution::for_explain(session, plan.clone())?;
    let physical = explain_with_stages(&qe.physical);
    if !extended {
        return Ok(format!("== Physical Plan ==\n{}", physical.trim_end()));
    }
    let output: Vec<String> = qe
        .analyzed
        .schema()
        .fields()
        .iter()
        .map(|f| format!("{}: {}", f.name(), ember_common::types::catalog_string(f.data_type())))
        .collect();
    Ok(format!(
        "== Parsed Logical Plan ==\n{}\n\n== Analyzed Logical Plan ==\n{}\n{}\n\n== Optimized Logical Plan ==\n{}\n\n== Physical Plan ==\n{}",
        plan.display_indent().trim_end(),
        output.join(", "),
        qe.analyzed.display_indent().trim_end(),
        qe.optimized.display_indent().trim_end(),
        physical.trim_end()
    ))
}
