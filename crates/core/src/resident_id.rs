//! Resident ID numbers (居民身份证号码, GB 11643-1999): validation, the check digit, and what a
//! number encodes (region of first registration, birth date, sex).
//!
//! [`ResidentId`] holds a validated number in its normalised 18-character form; [`IdError`] names
//! the rule a rejected number broke, with a stable [`code`](IdError::code) and messages in Chinese
//! and English. Residence-permit numbers of Hong Kong, Macao and Taiwan residents (港澳台居民居住证,
//! prefixes 81/82/83) share the format and are accepted; [`IdKind`] tells them apart.
//!
//! The six-digit region is not checked against GB/T 2260 here: an unknown region is a warning,
//! raised by the caller with [`crate::division::is_known_region`].
//!
//! ```
//! use shouwang_core::resident_id::{IdKind, ResidentId};
//! use shouwang_core::sex::Sex;
//!
//! let id = ResidentId::parse(" 11010519491231002x ").unwrap();
//! assert_eq!(id.as_str(), "11010519491231002X");
//! assert_eq!(id.birth_date().to_string(), "1949-12-31");
//! assert_eq!(id.sex(), Sex::Female);
//! assert_eq!(id.kind(), IdKind::Resident);
//! assert_eq!(id.masked(), "1101**********002X");
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::sex::Sex;

/// ISO 7064 MOD 11-2 weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character by remainder of the weighted sum modulo 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";
/// Earliest birth year the product accepts in a number.
const MIN_BIRTH_YEAR: i32 = 1850;

/// A valid resident ID number in its normalised 18-character form (check character `X` upper case).
///
/// Sensitive personal information: show [`masked`](ResidentId::masked) unless the role needs the
/// full number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResidentId(String);

/// The document a number belongs to, read from its first two digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// 居民身份证: a mainland resident's ID card.
    Resident,
    /// 港澳居民居住证: residence permit of a Hong Kong (81) or Macao (82) resident.
    HongKongMacaoPermit,
    /// 台湾居民居住证: residence permit of a Taiwan resident (83).
    TaiwanPermit,
}

/// Masks any stored ID number as a helper sees it: the first four and the last four characters kept,
/// every one between shown as `*` (`4403**********123X` for 18 characters). A value of eight
/// characters or fewer is all `*`, so nothing of a short or malformed number shows.
///
/// ```
/// assert_eq!(shouwang_core::resident_id::mask("44030419900101123X"), "4403**********123X");
/// assert_eq!(shouwang_core::resident_id::mask("1234567"), "*******");
/// ```
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.trim().chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    chars[..4].iter().chain(std::iter::repeat_n(&'*', n - 8)).chain(chars[n - 4..].iter()).collect()
}

impl ResidentId {
    /// Validates an 18-character number: surrounding whitespace is trimmed and a lower-case `x`
    /// check character becomes `X`. A 15-digit pre-1999 number is refused with
    /// [`IdError::Legacy15`]; use [`parse_legacy`](ResidentId::parse_legacy) to convert it.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let len = s.chars().count();
        if len == 0 {
            return Err(IdError::Empty);
        }
        if len == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::Legacy15);
        }
        if len != 18 {
            return Err(IdError::Length { found: len });
        }
        let number = match s.strip_suffix('x') {
            Some(first17) => format!("{first17}X"),
            None => s.to_owned(),
        };
        check_characters(&number)?;
        let expected = check_digit(&number[..17]).expect("17 ASCII digits checked above");
        let found = char::from(number.as_bytes()[17]);
        if expected != found {
            return Err(IdError::Checksum { expected, found });
        }
        birth_date_from(&number[6..14])?;
        Ok(ResidentId(number))
    }

    /// Like [`parse`](ResidentId::parse), but also accepts a 15-digit pre-1999 number (6 region
    /// digits, birth date as YYMMDD in the 1900s, 3 sequence digits, no check digit) and converts it
    /// to 18 characters by inserting the century `19` and appending the check digit.
    pub fn parse_legacy(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        if s.chars().count() != 15 {
            return Self::parse(s);
        }
        check_characters(s)?;
        let first17 = format!("{}19{}", &s[..6], &s[6..]);
        birth_date_from(&first17[6..14])?;
        let check = check_digit(&first17).expect("17 ASCII digits checked above");
        Ok(ResidentId(format!("{first17}{check}")))
    }

    /// The full normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in characters 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        birth_date_from(&self.0[6..14]).expect("birth date checked by parse")
    }

    /// The sex encoded in character 17: odd for male, even for female.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The six-digit region of first registration (GB/T 2260 code, possibly retired or unknown).
    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    /// Whether this is an ID card or a Hong Kong, Macao or Taiwan residence permit.
    pub fn kind(&self) -> IdKind {
        match &self.0[..2] {
            "81" | "82" => IdKind::HongKongMacaoPermit,
            "83" => IdKind::TaiwanPermit,
            _ => IdKind::Resident,
        }
    }

    /// The number with its first four and last four characters kept and the ten between shown as
    /// `*`, e.g. `4403**********123X`.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..4], "*".repeat(10), &self.0[14..])
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ResidentId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The ISO 7064 MOD 11-2 check character (`0`–`9` or `X`) for the first 17 digits of a number, or
/// `None` if `first17` is not exactly 17 ASCII digits.
pub fn check_digit(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(char::from(CHECK_CHARS[(sum % 11) as usize]))
}

/// Every character is an ASCII digit, except that an 18th may be `X`.
fn check_characters(number: &str) -> Result<(), IdError> {
    match number.chars().enumerate().find(|&(i, c)| !(c.is_ascii_digit() || (i == 17 && c == 'X'))) {
        Some((i, found)) => Err(IdError::Character { position: i + 1, found }),
        None => Ok(()),
    }
}

/// Reads YYYYMMDD (ASCII digits) as a calendar date no earlier than [`MIN_BIRTH_YEAR`].
fn birth_date_from(digits: &str) -> Result<NaiveDate, IdError> {
    let invalid = || IdError::BirthDate { digits: digits.to_owned() };
    let year: i32 = digits[..4].parse().map_err(|_| invalid())?;
    let month: u32 = digits[4..6].parse().map_err(|_| invalid())?;
    let day: u32 = digits[6..8].parse().map_err(|_| invalid())?;
    NaiveDate::from_ymd_opt(year, month, day).filter(|_| year >= MIN_BIRTH_YEAR).ok_or_else(invalid)
}

/// Why a string is not a valid resident ID number; one variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Nothing was entered.
    #[error("the ID number is empty")]
    Empty,
    /// Not 18 characters (and not a 15-digit legacy number either).
    #[error("an ID number has 18 characters, this one has {found}")]
    Length {
        /// Characters found after trimming.
        found: usize,
    },
    /// A character other than a digit, or than `X` in the last place.
    #[error(
        "character {position} ('{found}') is invalid: an ID number has only digits, and the 18th may be X"
    )]
    Character {
        /// 1-based position of the first bad character.
        position: usize,
        /// The character found there.
        found: char,
    },
    /// The 18th character does not match the ISO 7064 MOD 11-2 check of the first 17.
    #[error("the ID number's check character is wrong: expected {expected}, found {found}")]
    Checksum {
        /// The check character the first 17 digits call for.
        expected: char,
        /// The check character given.
        found: char,
    },
    /// Characters 7–14 are not a real date from 1850 on.
    #[error("the birth date {digits} in the ID number is not a real date from 1850 on")]
    BirthDate {
        /// The eight date digits, YYYYMMDD.
        digits: String,
    },
    /// A 15-digit pre-1999 number where an 18-character one is required.
    #[error("this is an old 15-digit ID number; enter the 18-character number")]
    Legacy15,
}

impl IdError {
    /// Stable snake_case name of the broken rule, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            IdError::Empty => "id_empty",
            IdError::Length { .. } => "id_length",
            IdError::Character { .. } => "id_character",
            IdError::Checksum { .. } => "id_checksum",
            IdError::BirthDate { .. } => "id_birth_date",
            IdError::Legacy15 => "id_legacy_15",
        }
    }

    /// The message in Chinese, for forms and exports.
    pub fn zh(&self) -> String {
        match self {
            IdError::Empty => "请填写身份证号码".to_owned(),
            IdError::Length { found } => format!("身份证号码应为 18 位，实为 {found} 位"),
            IdError::Character { position, found } => {
                format!("身份证号码第 {position} 位“{found}”无效：只能是数字，第 18 位可为 X")
            }
            IdError::Checksum { expected, found } => {
                format!("身份证号码校验位错误：应为 {expected}，实为 {found}")
            }
            IdError::BirthDate { digits } => {
                format!("身份证号码中的出生日期 {digits} 不是 1850 年以后的有效日期")
            }
            IdError::Legacy15 => "这是 15 位旧身份证号码，请填写 18 位号码".to_owned(),
        }
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
    fn check_digit_matches_the_standard() {
        let cases = [
            ("11010519491231002", Some('X')),
            ("44052418800101001", Some('4')),
            ("1101051949123100", None),
            ("1101051949123100A", None),
        ];
        for (first17, expected) in cases {
            assert_eq!(check_digit(first17), expected, "{first17}");
        }
    }

    #[test]
    fn valid_numbers() {
        use IdKind::*;
        use Sex::*;
        #[rustfmt::skip]
        let cases = [
            // input, normalised, birth date, sex, kind
            ("11010519491231002X", "11010519491231002X", "1949-12-31", Female, Resident),
            ("440524188001010014", "440524188001010014", "1880-01-01", Male, Resident),
            (" 11010519491231002x\n", "11010519491231002X", "1949-12-31", Female, Resident),
            ("511902195202290014", "511902195202290014", "1952-02-29", Male, Resident),
            ("810000199001010027", "810000199001010027", "1990-01-01", Female, HongKongMacaoPermit),
            ("820000198512310037", "820000198512310037", "1985-12-31", Male, HongKongMacaoPermit),
            ("830000200006150044", "830000200006150044", "2000-06-15", Female, TaiwanPermit),
        ];
        for (input, normalised, born, sex, kind) in cases {
            let id = ResidentId::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.as_str(), normalised);
            assert_eq!(id.birth_date().to_string(), born, "{input}");
            assert_eq!(id.sex(), sex, "{input}");
            assert_eq!(id.kind(), kind, "{input}");
            assert_eq!(id.region(), &normalised[..6]);
            assert_eq!(id.to_string(), normalised);
            assert_eq!(input.parse::<ResidentId>(), Ok(id));
        }
    }

    #[test]
    fn numbers_built_with_check_digit_pass() {
        for first17 in ["51190219500101001", "51190220231231002", "62010219181111003"] {
            let number = format!("{first17}{}", check_digit(first17).unwrap());
            assert!(ResidentId::parse(&number).is_ok(), "{number}");
        }
    }

    #[test]
    fn invalid_numbers() {
        use IdError::*;
        #[rustfmt::skip]
        let cases = [
            ("", Empty, "id_empty"),
            ("11010519491231002", Length { found: 17 }, "id_length"),
            ("11010519491231002X1", Length { found: 19 }, "id_length"),
            ("130503670401001", Legacy15, "id_legacy_15"),
            ("11010519491231002Y", Character { position: 18, found: 'Y' }, "id_character"),
            ("1101051949123100X2", Character { position: 17, found: 'X' }, "id_character"),
            ("11010A19491231002X", Character { position: 6, found: 'A' }, "id_character"),
            ("110105194912x1002X", Character { position: 13, found: 'x' }, "id_character"),
            ("１1010519491231002X", Character { position: 1, found: '１' }, "id_character"),
            ("110105194912310025", Checksum { expected: 'X', found: '5' }, "id_checksum"),
            ("440524188001010015", Checksum { expected: '4', found: '5' }, "id_checksum"),
            // check digits right, dates impossible: 31 February, month 13, before 1850
            ("511902196002310011", BirthDate { digits: "19600231".into() }, "id_birth_date"),
            ("511902196013010014", BirthDate { digits: "19601301".into() }, "id_birth_date"),
            ("511902184912310012", BirthDate { digits: "18491231".into() }, "id_birth_date"),
        ];
        for (input, expected, code) in cases {
            let err = ResidentId::parse(input).unwrap_err();
            assert_eq!(err, expected, "{input}");
            assert_eq!(err.code(), code, "{input}");
            assert_eq!(err.to_string(), err.en());
            assert!(!err.zh().is_empty());
        }
    }

    #[test]
    fn messages() {
        let err = IdError::Checksum { expected: 'X', found: '5' };
        assert_eq!(err.zh(), "身份证号码校验位错误：应为 X，实为 5");
        assert_eq!(err.en(), "the ID number's check character is wrong: expected X, found 5");
    }

    #[test]
    fn legacy_15_digits_are_converted() {
        let id = ResidentId::parse_legacy("130503670401001").unwrap();
        assert_eq!(id.as_str(), "130503196704010016");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1967, 4, 1).unwrap());
        assert_eq!(id.sex(), Sex::Male);

        use IdError::*;
        #[rustfmt::skip]
        let cases = [
            // 18-character input behaves as `parse`
            (" 11010519491231002x", Ok("11010519491231002X")),
            ("110105194912310025", Err(Checksum { expected: 'X', found: '5' })),
            ("130503670431001", Err(BirthDate { digits: "19670431".into() })),
            ("13050367040100A", Err(Character { position: 15, found: 'A' })),
            ("1305036704010", Err(Length { found: 13 })),
        ];
        for (input, expected) in cases {
            let parsed = ResidentId::parse_legacy(input);
            assert_eq!(parsed.as_ref().map(ResidentId::as_str), expected.as_deref(), "{input}");
        }
    }

    #[test]
    fn masked_keeps_four_and_four() {
        let id = ResidentId::parse("44030419800103123X").unwrap();
        assert_eq!(id.masked(), "4403**********123X");
    }

    #[test]
    fn sex_follows_the_17th_digit() {
        for digit in 0..10u8 {
            let first17 = format!("5119021950010100{digit}");
            let number = format!("{first17}{}", check_digit(&first17).unwrap());
            let expected = if digit % 2 == 1 { Sex::Male } else { Sex::Female };
            assert_eq!(ResidentId::parse(&number).unwrap().sex(), expected, "{number}");
        }
    }
}
