//! Spaces and scopes: a space is one village, named by its 12-digit statistical division code
//! (`511902106202`); a scope is the code a device is enrolled for. A village code covers itself; a
//! township (or county, …) code covers every village code sharing its prefix once its trailing zero
//! groups are dropped. The groups are 2/2/2/3/3 digits: province, city, county, township, village.
//!
//! ```
//! use shouwang_protocol::space::{covers, is_village};
//!
//! assert!(is_village("511902106202"));
//! assert!(covers("511902106000", "511902106202"));
//! assert!(!covers("511902106000", "511902107202"));
//! assert!(covers("511902106202", "511902106202"));
//! ```

/// Where each level's group of digits ends in a 12-digit code.
const GROUP_ENDS: [usize; 5] = [2, 4, 6, 9, 12];

fn is_code(code: &str) -> bool {
    code.len() == 12 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `code` is a village's code: 12 digits whose last group is not zero.
pub fn is_village(code: &str) -> bool {
    is_code(code) && &code[9..] != "000"
}

/// The significant prefix of a 12-digit code: the code without its trailing all-zero groups. `None`
/// if the code is malformed or all zeros.
pub fn prefix(code: &str) -> Option<&str> {
    if !is_code(code) {
        return None;
    }
    let mut end = 12;
    for (i, &group_end) in GROUP_ENDS.iter().enumerate().rev() {
        let start = if i == 0 { 0 } else { GROUP_ENDS[i - 1] };
        debug_assert_eq!(group_end, end);
        if code[start..group_end].bytes().all(|b| b == b'0') {
            end = start;
        } else {
            break;
        }
    }
    (end > 0).then(|| &code[..end])
}

/// Whether a device enrolled for `scope` may see the village `space`.
pub fn covers(scope: &str, space: &str) -> bool {
    is_village(space) && prefix(scope).is_some_and(|p| space.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_drop_whole_zero_groups_only() {
        let cases = [
            ("511902106202", Some("511902106202")),
            ("511902106000", Some("511902106")),
            ("511902000000", Some("511902")),
            ("510000000000", Some("51")),
            ("511902100000", Some("511902100")),
            ("000000000000", None),
            ("51190210620", None),
            ("51190210620x", None),
        ];
        for (code, want) in cases {
            assert_eq!(prefix(code), want, "{code}");
        }
    }

    #[test]
    fn scopes_cover_their_own_villages_only() {
        let cases = [
            ("511902106202", "511902106202", true),
            ("511902106202", "511902106203", false),
            ("511902106000", "511902106203", true),
            ("511902106000", "511902106000", false),
            ("511902000000", "511902999001", true),
            ("511902000000", "511903106202", false),
            ("000000000000", "511902106202", false),
        ];
        for (scope, space, want) in cases {
            assert_eq!(covers(scope, space), want, "{scope} {space}");
        }
    }
}
