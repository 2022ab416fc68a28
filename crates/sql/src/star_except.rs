//! `SELECT * EXCEPT (a, b)` and `t.* EXCEPT (…)` (Spark 4): the star's columns without
//! the named ones; an unknown name is UNRESOLVED_COLUMN, a repeated one
//! EXCEPT_OVERLAPPING_COLUMNS.

use ember_common::{suggest, Error, ErrorKind, Result};
use ember_plan::{Expr, PlanSchema};
use sqlparser::ast::ExceptSelectItem;
use sqlparser::tokenizer::{Token, TokenWithSpan};

/// The expanded star columns `cols` minus those named in `except`.
pub(crate) fn remove_excepted(cols: Vec<Expr>, except: &ExceptSelectItem, schema: &PlanSchema) -> Result<Vec<Expr>> {
    let names: Vec<&str> =
        std::iter::once(&except.first_element).chain(&except.additional_elements).map(|i| i.value.as_str()).collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].iter().any(|m| m.eq_ignore_ascii_case(n)) {
            return Err(Error::spark("EXCEPT_OVERLAPPING_COLUMNS", &[("columns", &names.join(", "))]));
        }
    }
    let out_name = |e: &Expr| match e {
        Expr::Column(c) => c.name.clone(),
        other => other.output_name(),
    };
    for n in &names {
        if !cols.iter().any(|c| out_name(c).eq_ignore_ascii_case(n)) {
            let all: Vec<String> = schema.fields().iter().map(|f| f.name().to_string()).collect();
            let suggestions = suggest::closest(n, all.iter().map(|s| s.as_str()), 5);
            return Err(Error::new(ErrorKind::UnresolvedColumn { name: n.to_string(), suggestions }));
        }
    }
    Ok(cols.into_iter().filter(|c| !names.iter().any(|n| out_name(c).eq_ignore_ascii_case(n))).collect())
}

/// sqlparser reads `* EXCEPT (…)` as a list of plain names; Spark also takes qualified
/// ones (`* EXCEPT (t.a)`), which name the same star columns: the qualifiers are dropped.
pub(crate) fn strip_except_qualifiers(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let starts = matches!(tokens[i].token, Token::Mul)
            && tokens.get(i + 1).is_some_and(|t| crate::parser::is_word(t, "EXCEPT"))
            && tokens.get(i + 2).is_some_and(|t| t.token == Token::LParen);
        if !starts {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        out.extend(tokens[i..i + 3].iter().cloned());
        i += 3;
        while i < tokens.len() && tokens[i].token != Token::RParen {
            let qualifier = matches!(tokens[i].token, Token::Word(_)) && tokens.get(i + 1).is_some_and(|t| t.token == Token::Period);
            if qualifier {
                i += 2;
            } else {
                out.push(tokens[i].clone());
                i += 1;
            }
        }
    }
    out
}
