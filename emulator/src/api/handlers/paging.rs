//! Offset pages for the Describe/List operations.
//!
//! A `NextToken` is `<kind>-<offset>` into a list in a stable order (fleets by id, game
//! sessions by creation time). Items added or removed between calls shift later pages by
//! as much, which is the service's behaviour too (its tokens promise no snapshot). The
//! kind prefix makes a token from another operation fail loudly instead of paging
//! nonsense.

/// One page of `items`: at most `limit` (default `default_limit`, capped at `max`)
/// from the offset in `next_token`.
pub(crate) fn page<T>(
    items: Vec<T>,
    kind: &str,
    limit: Option<i32>,
    next_token: Option<&str>,
    default_limit: usize,
    max: usize,
) -> Result<(Vec<T>, Option<String>), String> {
    let start = match next_token {
        None => 0,
        Some(t) => t
            .strip_prefix(kind)
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| format!("NextToken '{t}' is not a token this operation gave out"))?,
    };
    let limit = limit
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(default_limit)
        .clamp(1, max);
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let end = start.saturating_add(page.len());
    let next = (end < total).then(|| format!("{kind}-{end}"));
    Ok((page, next))
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn pages_through_and_refuses_foreign_tokens() {
        let (p, next) = page((0..5).collect(), "gs", Some(2), None, 10, 10).unwrap();
        assert_eq!(p, vec![0, 1]);
        assert_eq!(next.as_deref(), Some("gs-2"));
        let (p, next) = page((0..5).collect(), "gs", Some(3), Some("gs-2"), 10, 10).unwrap();
        assert_eq!(p, vec![2, 3, 4]);
        assert_eq!(next, None);
        assert!(page(
            (0..5).collect::<Vec<i32>>(),
            "gs",
            None,
            Some("psn-2"),
            10,
            10
        )
        .unwrap_err()
        .contains("psn-2"));
    }
}
