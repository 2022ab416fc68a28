//! "Did you mean" candidates: the closest names by edit distance.

/// Returns up to `max` candidates closest to `name` (case-insensitive), best first.
/// Candidates further than about half the name's length away are dropped, unless
/// nothing closer exists and there are only a few candidates.
pub fn closest<'a, I>(name: &str, candidates: I, max: usize) -> Vec<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_ascii_lowercase();
    let mut scored: Vec<(f64, String)> = candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(&lower, &c.to_ascii_lowercase()), c.to_string()))
        .collect();
    scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal).then(a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    let good: Vec<String> = scored.iter().filter(|(s, _)| *s >= 0.4).take(max).map(|(_, c)| c.clone()).collect();
    if !good.is_empty() {
        return good;
    }
    // Spark lists candidates even when none is close; keep that when the list is short.
    scored.into_iter().take(max.min(5)).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn best_first() {
        let c = closest("nmae", ["id", "name", "age"], 3);
        assert_eq!(c[0], "name");
    }
}
