//! `ExtractCommonPredicates`: conjuncts shared by every branch of an OR move out of
//! it (part of Spark's `BooleanSimplification`), so a join key hidden in each branch
//! (TPC-H Q19) becomes a join condition instead of a filter over a cross join.
//!
//! ```text
//! (a = b AND x > 1) OR (a = b AND y < 2)   →   (a = b) AND ((x > 1) OR (y < 2))
//! (a = b AND x > 1) OR (a = b)             →   (a = b)
//! ```
//!
//! Exact in three-valued logic: `(c ∧ p) ∨ (c ∧ q) ≡ c ∧ (p ∨ q)` holds for NULLs
//! too. Only deterministic conjuncts move.

use ember_common::{Result, Transformed, TreeNode};
use ember_plan::expr::split_conjunction_owned;
use ember_plan::{conjunction, Expr, LogicalPlan, Operator};

use crate::rule::{Rule, RuleContext};
use crate::utils::rewrite_plan_exprs;

pub struct ExtractCommonPredicates;

impl Rule for ExtractCommonPredicates {
    fn name(&self) -> &'static str {
        "extract_common_predicates"
    }

    fn apply(&self, plan: LogicalPlan, _ctx: &RuleContext) -> Result<Transformed<LogicalPlan>> {
        rewrite_plan_exprs(plan, &|e, _schema| e.transform_up(|x| Ok(extract(x))))
    }
}

/// `a OR b OR c` → `[a, b, c]`
pub(crate) fn split_disjunction(e: Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::BinaryExpr(b) if b.op == Operator::Or => {
            split_disjunction(*b.left, out);
            split_disjunction(*b.right, out);
        }
        other => out.push(other),
    }
}

fn extract(e: Expr) -> Transformed<Expr> {
    if !matches!(&e, Expr::BinaryExpr(b) if b.op == Operator::Or) {
        return Transformed::no(e);
    }
    let mut branches = Vec::new();
    split_disjunction(e.clone(), &mut branches);
    let branches: Vec<Vec<Expr>> = branches.into_iter().map(split_conjunction_owned).collect();
    let common: Vec<Expr> = branches[0]
        .iter()
        .filter(|c| c.is_deterministic() && branches[1..].iter().all(|b| b.contains(c)))
        .cloned()
        .fold(Vec::new(), |mut acc, c| {
            if !acc.contains(&c) {
                acc.push(c);
            }
            acc
        });
    if common.is_empty() {
        return Transformed::no(e);
    }
    let rests: Vec<Vec<Expr>> = branches.into_iter().map(|b| b.into_iter().filter(|c| !common.contains(c)).collect()).collect();
    let mut out = conjunction(common.clone()).unwrap_or(e);
    // A branch left with nothing is TRUE: the whole OR is then just the common part.
    if rests.iter().all(|r| !r.is_empty()) {
        let ors = rests.into_iter().filter_map(conjunction).reduce(|a, b| a.or(b));
        if let Some(o) = ors {
            out = out.and(o);
        }
    }
    Transformed::yes(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_plan::{col, lit};

    #[test]
    fn moves_shared_conjuncts_out_of_or() {
        let k = col("a").eq(col("b"));
        let e = k.clone().and(col("x").gt(lit(1))).or(k.clone().and(col("y").lt(lit(2))));
        assert_eq!(extract(e).data.to_string(), "((a = b) AND ((x > 1) OR (y < 2)))");
        let e = k.clone().and(col("x").gt(lit(1))).or(k.clone());
        assert_eq!(extract(e).data.to_string(), "(a = b)");
        let e = col("x").gt(lit(1)).or(col("y").lt(lit(2)));
        assert!(!extract(e).transformed);
    }
}
