//! `sentences(str[, lang, country])`: the words of each sentence, as Spark splits text
//! with Java's sentence and word `BreakIterator`s (approximated: a sentence ends with
//! `!` or `?` before white space, or `.` before white space and a capital; a word is letters and digits, joined across an
//! apostrophe, hyphen or period between letters, or a comma or period between digits).
//! The language and country are shown as `''` when omitted.

use std::sync::Arc;

use arrow::array::{ListBuilder, StringBuilder};
use arrow::datatypes::DataType;
use ember_plan::ScalarValue;

use super::defaults::WithDefaults;
use super::string_fn::{Param, StringFunction};
use super::utils::as_strings;

fn split_sentences(s: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let (mut start, mut k) = (0, 0);
    while k < chars.len() {
        if !matches!(chars[k].1, '.' | '!' | '?') {
            k += 1;
            continue;
        }
        // a run of terminators, then white space, then what follows
        let run_start = k;
        while k < chars.len() && matches!(chars[k].1, '.' | '!' | '?') {
            k += 1;
        }
        let strong = chars[run_start..k].iter().any(|c| c.1 != '.');
        let mut after = k;
        while after < chars.len() && chars[after].1.is_whitespace() {
            after += 1;
        }
        let spaced = after > k || k == chars.len();
        let next = chars.get(after).map(|c| c.1);
        // `?` and `!` end a sentence before white space; `.` only before a capital
        if spaced && (strong || next.is_none_or(char::is_uppercase)) {
            let end = chars.get(k).map_or(s.len(), |c| c.0);
            out.push(&s[start..end]);
            start = end;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn words(sentence: &str) -> Vec<String> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (k, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            cur.push(c);
            continue;
        }
        let (prev, next) = (k.checked_sub(1).map(|p| chars[p]), chars.get(k + 1).copied());
        let joins = match (prev, next) {
            (Some(p), Some(n)) if p.is_alphanumeric() && n.is_alphanumeric() && !cur.is_empty() => match c {
                '\'' | '’' | '-' => true,
                '.' => (p.is_alphabetic() && n.is_alphabetic()) || (p.is_ascii_digit() && n.is_ascii_digit()),
                ',' => p.is_ascii_digit() && n.is_ascii_digit(),
                _ => false,
            },
            _ => false,
        };
        if joins {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn sentences() -> WithDefaults<StringFunction> {
    let inner = StringFunction {
        name: "sentences",
        params: &[Param::Str, Param::Str, Param::Str],
        min_args: 1,
        returns: DataType::new_list(DataType::new_list(DataType::Utf8, true), true),
        kernel: |a, _, _| {
            let s = as_strings(&a[0])?;
            let mut out = ListBuilder::new(ListBuilder::new(StringBuilder::new()));
            for v in s.iter() {
                match v {
                    None => out.append(false),
                    Some(v) => {
                        for sentence in split_sentences(v) {
                            let ws = words(sentence);
                            if ws.is_empty() {
                                continue;
                            }
                            for w in ws {
                                out.values().values().append_value(w);
                            }
                            out.values().append(true);
                        }
                        out.append(true);
                    }
                }
            }
            Ok(Arc::new(out.finish()))
        },
    };
    WithDefaults { inner, defaults: || vec![ScalarValue::from(""), ScalarValue::from("")], min_given: 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_examples() {
        let all = |s: &str| split_sentences(s).into_iter().map(words).filter(|w| !w.is_empty()).collect::<Vec<_>>();
        assert_eq!(all("Hi there! Good morning."), vec![vec!["Hi", "there"], vec!["Good", "morning"]]);
        assert_eq!(all("a b, c? d'e f-g 123"), vec![vec!["a", "b", "c"], vec!["d'e", "f-g", "123"]]);
        assert!(all("").is_empty());
        assert_eq!(all("Hello.World  is. e.g. fine. 1,000 and 3.14 mr. Smith").len(), 2);
        assert_eq!(all("Wait... what?!  Yes"), vec![vec!["Wait", "what"], vec!["Yes"]]);
    }
}
