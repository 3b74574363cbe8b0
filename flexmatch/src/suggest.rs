//! "Did you mean": the closest known name to a misspelt one, for validation messages.
//!
//! A rule set author who writes `skil` for `skill` or `maxDistnace` for `maxDistance` wants
//! the right spelling, not only the complaint. Closeness is the Damerau-Levenshtein distance
//! (a swap of two neighbouring letters counts once), ignoring case; a candidate is offered
//! only when it is within a third of the longer name (at least 1), so unrelated names are
//! never suggested.

/// ` (did you mean "skill"?)` for the candidate closest to `word`, or `""` when none is close.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

/// The candidate closest to `word` within the allowed distance (the first of equals).
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|&(d, c)| d <= (word.chars().count().max(c.chars().count()) / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keys = [
            "maxDistance",
            "minDistance",
            "measurements",
            "referenceValue",
        ];
        assert_eq!(closest("maxDistnace", keys), Some("maxDistance"));
        assert_eq!(closest("maxdistance", keys), Some("maxDistance"));
        assert_eq!(closest("measurement", keys), Some("measurements"));
        assert_eq!(closest("colour", keys), None);
        assert_eq!(closest("skil", ["skill", "rank"]), Some("skill"));
        assert_eq!(
            closest("x", ["y"]),
            Some("y"),
            "one letter off is close at any length"
        );
        assert_eq!(closest("ab", ["cd"]), None);
        assert_eq!(
            did_you_mean("skil", ["skill"]),
            " (did you mean \"skill\"?)"
        );
        assert_eq!(did_you_mean("zzz", ["skill"]), "");
    }
}
