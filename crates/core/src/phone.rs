//! Phone numbers on the forms (联系电话): mobile numbers (手机) and landlines (固定电话), normalised to
//! one spelling so that they compare, dial and print the same everywhere.
//!
//! [`normalize_phone`] accepts the ways people write a number (spaces, hyphens, parentheses, a
//! `+86`/`86`/`0086` prefix, an extension after `-`, `转` or `ext`) and returns `13812345678` for a
//! mobile or `0827-5123456` (`0827-5123456-123` with an extension) for a landline.
//! [`PhoneError`] names the rule a rejected number broke, in Chinese and English.
//!
//! ```
//! use shouwang_core::phone::{normalize_phone, phone_kind, PhoneKind};
//!
//! assert_eq!(normalize_phone("+86 138 1234 5678").unwrap(), "13812345678");
//! let landline = normalize_phone("(0827) 512 3456 转 8").unwrap();
//! assert_eq!(landline, "0827-5123456-8");
//! assert_eq!(phone_kind(&landline), PhoneKind::Landline);
//! ```

/// Whether a normalised number is a mobile or a landline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    /// 手机: 11 digits starting 13–19.
    Mobile,
    /// 固定电话: area code, local number, optional extension.
    Landline,
}

/// Longest extension accepted.
const MAX_EXTENSION_DIGITS: usize = 6;

/// Normalises a mobile or landline number; see the [module docs](self) for the accepted spellings.
pub fn normalize_phone(s: &str) -> Result<String, PhoneError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(PhoneError::Empty);
    }
    let (main, extension) = split_extension(s)?;
    let mut groups = digit_groups(main)?;
    if strip_country_code(&mut groups) {
        restore_trunk_prefix(&mut groups);
    }
    if groups.first().is_some_and(|g| g.starts_with('+')) {
        return Err(PhoneError::Character { found: '+' });
    }
    let digits = groups.concat();
    match digits.bytes().next() {
        None => Err(PhoneError::Format),
        Some(b'1') => mobile(&digits, extension),
        Some(b'0') => landline(&groups, extension),
        Some(_) if (7..=8).contains(&digits.len()) => Err(PhoneError::MissingAreaCode),
        Some(_) => Err(PhoneError::Format),
    }
}

/// The kind of a number returned by [`normalize_phone`]: mobile numbers start with `1`, landlines
/// with the area code's `0`.
pub fn phone_kind(normalised: &str) -> PhoneKind {
    if normalised.starts_with('1') {
        PhoneKind::Mobile
    } else {
        PhoneKind::Landline
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '(' | ')' | '（' | '）')
}

/// Splits off an extension written after `转` or `ext` (any case, optionally `ext.`).
fn split_extension(s: &str) -> Result<(&str, Option<String>), PhoneError> {
    let lower = s.to_ascii_lowercase();
    let marker = [lower.find("ext").map(|i| (i, 3)), s.find('转').map(|i| (i, '转'.len_utf8()))]
        .into_iter()
        .flatten()
        .min();
    let Some((at, len)) = marker else {
        return Ok((s, None));
    };
    let extension: String =
        s[at + len..].trim_start_matches(['.', ':', '：']).chars().filter(|&c| !is_separator(c)).collect();
    if let Some(found) = extension.chars().find(|c| !c.is_ascii_digit()) {
        return Err(PhoneError::Character { found });
    }
    if !(1..=MAX_EXTENSION_DIGITS).contains(&extension.len()) {
        return Err(PhoneError::Extension);
    }
    Ok((&s[..at], Some(extension)))
}

/// Splits on separators into groups of digits; a `+` may only open the first group.
fn digit_groups(s: &str) -> Result<Vec<String>, PhoneError> {
    let mut groups: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in s.chars() {
        if is_separator(c) {
            if !current.is_empty() {
                groups.push(std::mem::take(&mut current));
            }
        } else if c.is_ascii_digit() || (c == '+' && current.is_empty() && groups.is_empty()) {
            current.push(c);
        } else {
            return Err(PhoneError::Character { found: c });
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    Ok(groups)
}

/// Removes a leading `+86`, `0086` or `86` country code; true if one was there. A bare `86` counts
/// only when it stands alone or what follows looks like a mobile or a trunk `0`.
fn strip_country_code(groups: &mut Vec<String>) -> bool {
    let Some(first) = groups.first_mut() else {
        return false;
    };
    let rest = ["+86", "0086"].iter().find_map(|p| first.strip_prefix(p)).or_else(|| {
        first.strip_prefix("86").filter(|r| r.is_empty() || r.starts_with('0') || looks_mobile(r))
    });
    let Some(rest) = rest else {
        return false;
    };
    *first = rest.to_owned();
    if first.is_empty() {
        groups.remove(0);
    }
    true
}

/// After a country code a landline's trunk prefix `0` is written apart (`+86 (0)827 …`) or dropped
/// (`+86 827 …`); puts it back in front of the area code.
fn restore_trunk_prefix(groups: &mut Vec<String>) {
    if groups.len() > 1 && groups[0] == "0" {
        let area = groups.remove(1);
        groups[0].push_str(&area);
    } else if let Some(first) = groups.first_mut() {
        if !first.starts_with('0') && !looks_mobile(first) {
            first.insert(0, '0');
        }
    }
}

/// Starts like a mobile number: `1` then 3–9.
fn looks_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() >= 2 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

fn mobile(digits: &str, extension: Option<String>) -> Result<String, PhoneError> {
    if digits.len() != 11 {
        return Err(PhoneError::MobileLength { found: digits.len() });
    }
    if !looks_mobile(digits) {
        return Err(PhoneError::MobilePrefix);
    }
    if extension.is_some() {
        return Err(PhoneError::Format);
    }
    Ok(digits.to_owned())
}

/// Area code `010` or `02X` has 3 digits, every other one 4.
fn area_code_len(digits: &str) -> usize {
    if digits.starts_with("010") || digits.starts_with("02") {
        3
    } else {
        4
    }
}

/// A local number: 7–8 digits, the first 2–9.
fn is_local(digits: &str) -> bool {
    (7..=8).contains(&digits.len()) && !digits.starts_with(['0', '1'])
}

/// `groups` start with the area code's `0`; a separator after the area code is honoured, and
/// without one the area code is split off by [`area_code_len`].
fn landline(groups: &[String], extension: Option<String>) -> Result<String, PhoneError> {
    let first = &groups[0];
    let area_len = area_code_len(first);
    if first.starts_with("00") || first.len() < area_len {
        return Err(PhoneError::Landline);
    }
    let (area, head) = first.split_at(area_len);
    let rest: Vec<&str> = std::iter::once(head)
        .chain(groups[1..].iter().map(String::as_str))
        .filter(|g| !g.is_empty())
        .collect();
    let all = rest.concat();
    let (local, extension) = match extension {
        Some(ext) => (all, Some(ext)),
        None if is_local(&all) || rest.len() < 2 => (all, None),
        None => {
            let (last, init) = rest.split_last().expect("two groups or more");
            (init.concat(), Some((*last).to_owned()))
        }
    };
    if !is_local(&local) {
        return Err(PhoneError::Landline);
    }
    match extension {
        Some(ext) if ext.len() > MAX_EXTENSION_DIGITS => Err(PhoneError::Extension),
        Some(ext) => Ok(format!("{area}-{local}-{ext}")),
        None => Ok(format!("{area}-{local}")),
    }
}

/// What a valid number looks like, appended to every Chinese message.
const HINT_ZH: &str = "手机号应为 11 位且以 13–19 开头，固定电话应带区号，如 0827-5123456";

/// Why a string is not a valid phone number; one variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing was entered.
    #[error("the phone number is empty")]
    Empty,
    /// A character that is not a digit or an accepted separator.
    #[error("the phone number contains '{found}'; {HINT_EN}")]
    Character {
        /// The first offending character.
        found: char,
    },
    /// Starts with 1 like a mobile number but does not have 11 digits.
    #[error("a mobile number has 11 digits, this one has {found}; {HINT_EN}")]
    MobileLength {
        /// Digits found.
        found: usize,
    },
    /// 11 digits starting 10, 11 or 12: no such mobile number.
    #[error("mobile numbers start 13–19; {HINT_EN}")]
    MobilePrefix,
    /// A 7–8 digit local number without its area code.
    #[error("the landline number has no area code; {HINT_EN}")]
    MissingAreaCode,
    /// Starts with 0 but is not an area code plus a 7–8 digit local number starting 2–9.
    #[error("a landline is an area code and a 7–8 digit local number; {HINT_EN}")]
    Landline,
    /// An extension that is empty or longer than six digits.
    #[error("an extension has 1–6 digits; {HINT_EN}")]
    Extension,
    /// Anything else that is neither a mobile nor a landline number.
    #[error("not a phone number; {HINT_EN}")]
    Format,
}

/// What a valid number looks like, appended to every English message.
const HINT_EN: &str =
    "a mobile number has 11 digits starting 13–19, a landline needs its area code, e.g. 0827-5123456";

impl PhoneError {
    /// Stable snake_case name of the broken rule, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "phone_empty",
            PhoneError::Character { .. } => "phone_character",
            PhoneError::MobileLength { .. } => "phone_mobile_length",
            PhoneError::MobilePrefix => "phone_mobile_prefix",
            PhoneError::MissingAreaCode => "phone_area_code_missing",
            PhoneError::Landline => "phone_landline",
            PhoneError::Extension => "phone_extension",
            PhoneError::Format => "phone_format",
        }
    }

    /// The message in Chinese, for forms and exports.
    pub fn zh(&self) -> String {
        let problem = match self {
            PhoneError::Empty => return "请填写电话号码".to_owned(),
            PhoneError::Character { found } => format!("电话号码含有无效字符“{found}”"),
            PhoneError::MobileLength { found } => format!("手机号位数不对（{found} 位）"),
            PhoneError::MobilePrefix => "手机号开头不对".to_owned(),
            PhoneError::MissingAreaCode => "固定电话缺少区号".to_owned(),
            PhoneError::Landline => "固定电话应为区号加 7–8 位号码".to_owned(),
            PhoneError::Extension => "分机号应为 1–6 位数字".to_owned(),
            PhoneError::Format => "不是有效的电话号码".to_owned(),
        };
        format!("{problem}；{HINT_ZH}")
    }

    /// The message in English (also what `Display` shows).
    pub fn en(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers() {
        let cases = [
            ("13812345678", "13812345678"),
            (" 138 1234 5678 ", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("19912345678", "19912345678"),
            ("+86 138 1234 5678", "13812345678"),
            ("+8613812345678", "13812345678"),
            ("8613812345678", "13812345678"),
            ("0086-138-1234-5678", "13812345678"),
            ("(+86) 13812345678", "13812345678"),
            ("0827-5123456", "0827-5123456"),
            ("08275123456", "0827-5123456"),
            ("0827 512 3456", "0827-5123456"),
            ("(0827)5123456", "0827-5123456"),
            ("（0827）5123456", "0827-5123456"),
            ("0755-81234567", "0755-81234567"),
            ("010-65123456", "010-65123456"),
            ("01065123456", "010-65123456"),
            ("010-6512-3456", "010-65123456"),
            ("02087654321", "020-87654321"),
            ("0827-5123456-123", "0827-5123456-123"),
            ("08275123456-123", "0827-5123456-123"),
            ("0827-5123456转123", "0827-5123456-123"),
            ("0827-5123456 ext. 123", "0827-5123456-123"),
            ("0827-5123456 EXT 9", "0827-5123456-9"),
            ("+86 827 5123456", "0827-5123456"),
            ("+86 10 6512 3456", "010-65123456"),
            ("+86 (0)827 5123456", "0827-5123456"),
            ("86-827-5123456", "0827-5123456"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_phone(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn invalid_numbers() {
        use PhoneError::*;
        #[rustfmt::skip]
        let cases = [
            ("", Empty, "phone_empty"),
            ("   ", Empty, "phone_empty"),
            ("1381234567", MobileLength { found: 10 }, "phone_mobile_length"),
            ("138123456789", MobileLength { found: 12 }, "phone_mobile_length"),
            ("12812345678", MobilePrefix, "phone_mobile_prefix"),
            ("10812345678", MobilePrefix, "phone_mobile_prefix"),
            ("5123456", MissingAreaCode, "phone_area_code_missing"),
            ("6512 3456", MissingAreaCode, "phone_area_code_missing"),
            ("138abc45678", Character { found: 'a' }, "phone_character"),
            ("1381234567８", Character { found: '８' }, "phone_character"),
            ("+1 202 555 0123", Character { found: '+' }, "phone_character"),
            ("138+12345678", Character { found: '+' }, "phone_character"),
            ("0827-512345", Landline, "phone_landline"),
            ("0827-1234567", Landline, "phone_landline"),
            ("082-75123456", Landline, "phone_landline"),
            ("0012345678", Landline, "phone_landline"),
            ("0827-5123456-1234567", Extension, "phone_extension"),
            ("0827-5123456转", Extension, "phone_extension"),
            ("0827-5123456转12a", Character { found: 'a' }, "phone_character"),
            ("13812345678转12", Format, "phone_format"),
            ("---", Format, "phone_format"),
            ("+86", Format, "phone_format"),
            ("512345", Format, "phone_format"),
        ];
        for (input, expected, code) in cases {
            let err = normalize_phone(input).unwrap_err();
            assert_eq!(err, expected, "{input}");
            assert_eq!(err.code(), code, "{input}");
            assert_eq!(err.to_string(), err.en());
        }
    }

    #[test]
    fn messages_say_what_a_valid_number_looks_like() {
        let err = PhoneError::MobileLength { found: 10 };
        assert_eq!(
            err.zh(),
            "手机号位数不对（10 位）；手机号应为 11 位且以 13–19 开头，固定电话应带区号，如 0827-5123456"
        );
        assert!(err.en().ends_with("e.g. 0827-5123456"));
    }

    #[test]
    fn kind_of_normalised_numbers() {
        assert_eq!(phone_kind("13812345678"), PhoneKind::Mobile);
        assert_eq!(phone_kind("0827-5123456"), PhoneKind::Landline);
        assert_eq!(phone_kind("010-65123456-1"), PhoneKind::Landline);
    }
}
