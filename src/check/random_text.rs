//! Random strings joined from given pieces, for the differential tests that
//! compare a fast scan with its plain reference (HTML scans, anchors). A
//! fixed xorshift generator keeps every run the same, so a failure can be
//! reproduced.

/// `count` strings, each of up to `max_pieces - 1` pieces drawn from `parts`
/// by a xorshift generator started at `seed` (not zero).
pub fn joined<'a>(
    parts: &'a [&'a str],
    seed: u64,
    count: usize,
    max_pieces: u64,
) -> impl Iterator<Item = String> + 'a {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count).map(move |_| {
        let len = next() % max_pieces;
        (0..len)
            .map(|_| parts[(next() % parts.len() as u64) as usize])
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_made_of_the_parts_and_repeat_for_the_same_seed() {
        let parts = ["<a>", "b", "é"];
        let first: Vec<String> = joined(&parts, 7, 50, 6).collect();
        assert_eq!(first, joined(&parts, 7, 50, 6).collect::<Vec<_>>());
        assert_ne!(first, joined(&parts, 8, 50, 6).collect::<Vec<_>>());
        for s in &first {
            let mut rest = s.as_str();
            while !rest.is_empty() {
                let part = parts.iter().find(|p| rest.starts_with(**p));
                rest = &rest[part.expect("only the given parts").len()..];
            }
        }
        assert!(first.iter().any(|s| s.is_empty()) && first.iter().any(|s| s.len() > 6));
    }
}
