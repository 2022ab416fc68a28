//! Limits on the size of a plan, checked without recursion before the recursive passes
//! (analyzer, optimizer, physical planner) run, so a plan nested thousands deep (a
//! chain of CTEs, views or joins, or DataFrame calls in a loop) fails with
//! `FAILED_TO_PARSE_TOO_COMPLEX` instead of overflowing the stack. Plans nested in
//! subquery expressions count as children.

use std::collections::HashMap;

use ember_common::{Error, Result, TreeNode, TreeNodeRecursion};

use crate::expr::Expr;
use crate::logical_plan::LogicalPlan;

/// The deepest plan accepted. Every recursive pass over a plan stays within a 2 MiB
/// thread stack at this depth, also in debug builds.
pub const MAX_PLAN_DEPTH: usize = 300;

/// The most nodes a plan may have once shared subtrees (a CTE used twice) are
/// counted for each use: the passes visit each use.
pub const MAX_PLAN_NODES: usize = 1_000_000;

/// Spark's error for a statement too complex to handle: what deep nesting gives.
pub fn too_complex(what: impl Into<String>) -> Error {
    Error::spark("FAILED_TO_PARSE_TOO_COMPLEX", &[]).context(what.into())
}

/// Fails with `FAILED_TO_PARSE_TOO_COMPLEX` if `plan` is nested deeper than
/// [`MAX_PLAN_DEPTH`] or has more than [`MAX_PLAN_NODES`] nodes.
pub fn check_plan_size(plan: &LogicalPlan) -> Result<()> {
    let (depth, nodes) = plan_size(plan);
    if depth > MAX_PLAN_DEPTH {
        return Err(too_complex(format!("The plan is nested {depth} levels deep; at most {MAX_PLAN_DEPTH} are supported.")));
    }
    if nodes > MAX_PLAN_NODES {
        return Err(too_complex(format!("The plan has more than {MAX_PLAN_NODES} operators once shared subqueries are expanded.")));
    }
    Ok(())
}

/// The children of a node: its inputs and the plans of its subquery expressions.
fn children(plan: &LogicalPlan) -> Vec<&LogicalPlan> {
    let mut out: Vec<&LogicalPlan> = plan.inputs().into_iter().map(|p| p.as_ref()).collect();
    for e in plan.expressions() {
        let _ = e.apply(|x| {
            match x {
                Expr::ScalarSubquery(s) => out.push(s.plan.as_ref()),
                Expr::InSubquery(i) => out.push(i.subquery.plan.as_ref()),
                Expr::Exists(x) => out.push(x.subquery.plan.as_ref()),
                _ => {}
            }
            Ok(TreeNodeRecursion::Continue)
        });
    }
    out
}

/// (depth, node count with shared subtrees counted per use), by an explicit
/// post-order walk that visits each shared node once.
fn plan_size(root: &LogicalPlan) -> (usize, usize) {
    let mut done: HashMap<*const LogicalPlan, (usize, usize)> = HashMap::new();
    let mut stack: Vec<(&LogicalPlan, bool)> = vec![(root, false)];
    while let Some((node, expanded)) = stack.pop() {
        let key = node as *const LogicalPlan;
        if done.contains_key(&key) {
            continue;
        }
        let kids = children(node);
        if !expanded {
            stack.push((node, true));
            stack.extend(kids.into_iter().filter(|k| !done.contains_key(&(*k as *const _))).map(|k| (k, false)));
            continue;
        }
        let (mut depth, mut nodes) = (0usize, 1usize);
        for k in kids {
            let (d, n) = done.get(&(k as *const LogicalPlan)).copied().unwrap_or((0, 0));
            depth = depth.max(d);
            nodes = nodes.saturating_add(n);
        }
        done.insert(key, (depth + 1, nodes));
    }
    done.get(&(root as *const LogicalPlan)).copied().unwrap_or((1, 1))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::builder::LogicalPlanBuilder;

    #[test]
    fn deep_and_wide_plans() {
        let mut b = LogicalPlanBuilder::one_row();
        for _ in 0..10 {
            b = b.limit(0, Some(1)).unwrap();
        }
        let plan = b.build();
        assert_eq!(plan_size(&plan), (11, 11));
        assert!(check_plan_size(&plan).is_ok());
        let mut b = LogicalPlanBuilder::from(plan);
        for _ in 0..MAX_PLAN_DEPTH {
            b = b.limit(0, Some(1)).unwrap();
        }
        let e = check_plan_size(&b.build()).unwrap_err();
        assert_eq!(e.class(), "FAILED_TO_PARSE_TOO_COMPLEX");
        assert_eq!(e.sqlstate(), Some("54001"));
        // A shared subtree counts once per use: 2^25 uses of a leaf.
        let mut p = Arc::new(LogicalPlanBuilder::one_row().build());
        for _ in 0..25 {
            p = Arc::new(LogicalPlan::Union(crate::logical_plan::Union::try_new(vec![p.clone(), p]).unwrap()));
        }
        assert_eq!(plan_size(&p).0, 26);
        assert!(check_plan_size(&p).unwrap_err().to_string().contains("more than"));
    }
}
