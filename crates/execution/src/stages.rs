//! The stage builder: a stage is the part of a physical plan between exchanges. Each
//! exchange ends the stage below it; the root stage produces the result.

use std::sync::Arc;

use ember_physical::operators::exchange::ExchangeExec;
use ember_physical::ExecutionPlan;

/// One stage: the operators from `root` down to (not including) the exchanges below.
#[derive(Debug, Clone)]
pub struct Stage {
    pub id: usize,
    /// The exchange this stage writes, or `None` for the result stage.
    pub output: Option<Arc<dyn ExecutionPlan>>,
    /// The top operator of the stage (the exchange's input, or the plan root).
    pub root: Arc<dyn ExecutionPlan>,
    /// Stages whose exchanges this stage reads.
    pub inputs: Vec<usize>,
}

/// The stages of a plan in an order where every stage follows the stages it reads.
#[derive(Debug, Clone)]
pub struct StageGraph {
    pub stages: Vec<Stage>,
}

impl StageGraph {
    pub fn build(plan: &Arc<dyn ExecutionPlan>) -> StageGraph {
        let mut stages = Vec::new();
        let inputs = stages_read_by(plan, &mut stages);
        let id = stages.len() + 1;
        stages.push(Stage { id, output: None, root: plan.clone(), inputs });
        StageGraph { stages }
    }

    /// The stage id an exchange (by pointer) ends, if any.
    pub fn stage_of_exchange(&self, exchange: &Arc<dyn ExecutionPlan>) -> Option<usize> {
        self.stages.iter().find(|s| s.output.as_ref().is_some_and(|o| same(o, exchange))).map(|s| s.id)
    }
}

/// True if `plan` is an `ExchangeExec`.
pub fn is_exchange(plan: &Arc<dyn ExecutionPlan>) -> bool {
    plan.as_any().downcast_ref::<ExchangeExec>().is_some()
}

fn same(a: &Arc<dyn ExecutionPlan>, b: &Arc<dyn ExecutionPlan>) -> bool {
    std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
}

/// The stages a stage rooted at `root` reads. A root that is itself an exchange (a plan
/// that ends in one, or an exchange right above another) reads the stage writing it.
fn stages_read_by(root: &Arc<dyn ExecutionPlan>, stages: &mut Vec<Stage>) -> Vec<usize> {
    if is_exchange(root) {
        vec![exchange_stage(root, stages)]
    } else {
        collect_inputs(root, stages)
    }
}

/// Finds the exchanges directly below `node`'s stage, building their stages first.
fn collect_inputs(node: &Arc<dyn ExecutionPlan>, stages: &mut Vec<Stage>) -> Vec<usize> {
    let mut inputs = Vec::new();
    for child in node.children() {
        if is_exchange(child) {
            inputs.push(exchange_stage(child, stages));
        } else {
            inputs.extend(collect_inputs(child, stages));
        }
    }
    inputs
}

/// The id of the stage that writes `exchange`, building it (and what it reads) first.
fn exchange_stage(exchange: &Arc<dyn ExecutionPlan>, stages: &mut Vec<Stage>) -> usize {
    if let Some(existing) = stages.iter().find(|s| s.output.as_ref().is_some_and(|o| same(o, exchange))) {
        return existing.id;
    }
    let input = match exchange.as_any().downcast_ref::<ExchangeExec>() {
        Some(ex) => ex.input().clone(),
        None => exchange.clone(),
    };
    let below = stages_read_by(&input, stages);
    let id = stages.len() + 1;
    stages.push(Stage { id, output: Some(exchange.clone()), root: input, inputs: below });
    id
}

/// The physical plan as text, each operator prefixed with the id of the stage it runs
/// in (`*(2)`), as Spark marks whole-stage code generation; exchanges sit between.
pub fn explain_with_stages(plan: &Arc<dyn ExecutionPlan>) -> String {
    let graph = StageGraph::build(plan);
    let result_stage = graph.stages.len();
    let mut out = String::new();
    render(plan, &graph, result_stage, "", "", &mut out);
    out
}

fn render(node: &Arc<dyn ExecutionPlan>, graph: &StageGraph, stage: usize, first: &str, rest: &str, out: &mut String) {
    let details = node.details();
    let text = if details.is_empty() { node.name().to_string() } else { format!("{} {}", node.name(), details) };
    let (line, child_stage) = if is_exchange(node) {
        let id = graph.stage_of_exchange(node).unwrap_or(0);
        (format!("{text} [stage {id} → stage {stage}]"), id)
    } else {
        (format!("*({stage}) {text}"), stage)
    };
    out.push_str(first);
    out.push_str(&line);
    out.push('\n');
    let kids = node.children();
    let n = kids.len();
    for (i, c) in kids.into_iter().enumerate() {
        let (f, r) = if i + 1 == n { ("+- ", "   ") } else { (":- ", ":  ") };
        render(c, graph, child_stage, &format!("{rest}{f}"), &format!("{rest}{r}"), out);
    }
}
