//! Numbers appended to a string in decimal without the formatting
//! machinery: dates and citation numbers are written for every page and
//! reference list, where `write!` cost more than the rest of the work.

/// Appends `n` in decimal with at least `width` digits (zeros in front).
pub fn push_decimal(s: &mut String, n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(digits.len().saturating_sub(width));
    s.extend(digits[start..].iter().map(|&b| char::from(b)));
}

#[cfg(test)]
mod tests {
    use super::push_decimal;

    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for (n, width) in [
            (0, 1),
            (7, 2),
            (42, 1),
            (2026, 4),
            (5, 4),
            (u64::MAX, 1),
            (12, 0),
        ] {
            let mut s = String::from("x");
            push_decimal(&mut s, n, width);
            assert_eq!(s, format!("x{n:0width$}"));
        }
    }
}
