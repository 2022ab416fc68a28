//! Plan rendering for EXPLAIN, in Spark's tree style (`+- ` and `:- ` prefixes).

use std::fmt;

use ember_common::{Transformed, TreeNode};

use crate::expr::{Column, Expr};
use crate::logical_plan::LogicalPlan;

/// An expression as EXPLAIN shows it: columns with their qualifier (`a.id = b.id`),
/// unlike `Display`, which gives Spark's unqualified output names.
pub fn qualified(e: &Expr) -> String {
    let rewritten = e.clone().transform_up(|x| match x {
        Expr::Column(c) if c.relation.is_some() => Ok(Transformed::yes(Expr::Column(Column::from_name(c.flat_name())))),
        other => Ok(Transformed::no(other)),
    });
    match rewritten {
        Ok(t) => t.data.to_string(),
        Err(_) => e.to_string(),
    }
}

fn list(exprs: &[Expr]) -> String {
    exprs.iter().map(qualified).collect::<Vec<_>>().join(", ")
}

impl LogicalPlan {
    /// One line describing this node alone.
    pub fn node_line(&self) -> String {
        match self {
            LogicalPlan::Projection(p) => format!("Project [{}]", list(&p.exprs)),
            LogicalPlan::Filter(f) => format!("Filter {}", qualified(&f.predicate)),
            LogicalPlan::Aggregate(a) => format!("Aggregate [{}], [{}]", list(&a.group_exprs), list(&a.aggr_exprs)),
            LogicalPlan::Sort(s) => {
                let keys = s
                    .exprs
                    .iter()
                    .map(|e| {
                        let dir = if e.asc { "ASC" } else { "DESC" };
                        let nulls = if e.nulls_first { "NULLS FIRST" } else { "NULLS LAST" };
                        format!("{} {dir} {nulls}", qualified(&e.expr))
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                match s.fetch {
                    Some(n) => format!("Sort [{keys}], fetch={n}"),
                    None => format!("Sort [{keys}]"),
                }
            }
            LogicalPlan::Limit(l) => match (l.skip, l.fetch) {
                (0, Some(n)) => format!("Limit {n}"),
                (s, Some(n)) => format!("Limit {n}, offset={s}"),
                (s, None) => format!("Offset {s}"),
            },
            LogicalPlan::LocalLimit(l) => format!("LocalLimit {}", l.fetch),
            LogicalPlan::Sample(s) => s.to_string(),
            LogicalPlan::Join(j) => match &j.condition {
                Some(c) => format!("Join {}, {}", j.join_type, qualified(c)),
                None => format!("Join {}", j.join_type),
            },
            LogicalPlan::Union(_) => "Union".to_string(),
            LogicalPlan::Distinct(_) => "Distinct".to_string(),
            LogicalPlan::SubqueryAlias(s) => format!("SubqueryAlias {}", s.alias),
            LogicalPlan::Values(v) => {
                let cols = v.schema.fields().iter().map(|f| f.name().to_string()).collect::<Vec<_>>().join(", ");
                format!("LocalRelation [{cols}], {} rows", v.rows.len())
            }
            LogicalPlan::TableScan(t) => {
                let cols = t.schema.fields().iter().map(|f| f.name().to_string()).collect::<Vec<_>>().join(",");
                let mut s = format!("Relation {}[{}] {}", t.table_name, cols, t.source.describe());
                if !t.filters.is_empty() {
                    s.push_str(&format!(", PushedFilters: [{}]", list(&t.filters)));
                }
                if let Some(n) = t.fetch {
                    s.push_str(&format!(", fetch={n}"));
                }
                s
            }
            LogicalPlan::EmptyRelation(e) => {
                if e.produce_one_row {
                    "OneRowRelation".to_string()
                } else {
                    "EmptyRelation".to_string()
                }
            }
            LogicalPlan::Window(w) => {
                let order = w.order_by().iter().map(|o| format!("{} {} {}", qualified(&o.expr), if o.asc { "ASC" } else { "DESC" }, if o.nulls_first { "NULLS FIRST" } else { "NULLS LAST" })).collect::<Vec<_>>().join(", ");
                format!("Window [{}], [{}], [{order}]", list(&w.window_exprs), list(w.partition_by()))
            }
            LogicalPlan::Generate(g) => format!("Generate {}, [{}]", Expr::Generator(g.generator.clone()), g.output_names.join(", ")),
            LogicalPlan::Expand(e) => {
                let rows = e.projections.iter().map(|p| format!("[{}]", list(p))).collect::<Vec<_>>().join(", ");
                let cols = e.schema.fields().iter().map(|f| f.name().to_string()).collect::<Vec<_>>().join(", ");
                format!("Expand [{rows}], [{cols}]")
            }
            LogicalPlan::SetOperation(s) => format!("{} {}", self.name(), s.all),
            LogicalPlan::EventTimeWatermark(w) => {
                format!("EventTimeWatermark {}, {}", qualified(&w.event_time), crate::event_time::delay_text(w.delay_ms))
            }
            LogicalPlan::Deduplicate(d) => format!("{} [{}]", self.name(), list(&d.keys)),
            LogicalPlan::FlatMapGroupsWithState(g) => format!("FlatMapGroupsWithState [{}], {:?}", list(&g.keys), g.timeout),
            LogicalPlan::UpdateSessions(u) => u.to_string(),
        }
    }

    /// The whole tree, one node per line.
    pub fn display_indent(&self) -> String {
        let mut out = String::new();
        render_tree(self, &mut out, "", "", &|p: &LogicalPlan| p.node_line(), &|p: &LogicalPlan| {
            p.inputs().into_iter().map(|c| c.as_ref()).collect()
        });
        out
    }
}

/// Renders any tree in Spark's style. `children` returns a node's children in order.
pub fn render_tree<'a, T>(
    node: &'a T,
    out: &mut String,
    first_prefix: &str,
    rest_prefix: &str,
    line: &dyn Fn(&T) -> String,
    children: &dyn Fn(&'a T) -> Vec<&'a T>,
) {
    out.push_str(first_prefix);
    out.push_str(&line(node));
    out.push('\n');
    let kids = children(node);
    let n = kids.len();
    for (i, c) in kids.into_iter().enumerate() {
        let last = i + 1 == n;
        let (fp, rp) = if last { ("+- ", "   ") } else { (":- ", ":  ") };
        render_tree(c, out, &format!("{rest_prefix}{fp}"), &format!("{rest_prefix}{rp}"), line, children);
    }
}

impl fmt::Display for LogicalPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.display_indent().trim_end())
    }
}
