//! Money as the office writes it: yuan with at most two decimals (`300`, `300.50`, `¥300.5`), kept as
//! whole fen (分) so that sums are exact. [`Fen::parse`] is the one reading of an amount typed in the
//! app, the CLI or a ledger.
//!
//! ```
//! use shouwang_core::money::Fen;
//! assert_eq!(Fen::parse(" ¥300.5 ").unwrap(), Fen(30050));
//! assert_eq!(Fen(30050).to_string(), "300.50");
//! assert!(Fen::parse("3,00").is_err());
//! ```

use std::fmt;

/// An amount in fen (分): `Fen(30000)` is ¥300.00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub i64);

/// Why an amount does not read, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing was written.
    #[error("必填 / is required")]
    Required,
    /// Not yuan with at most two decimals.
    #[error("金额应为元，最多两位小数，如 300 或 300.50；收到“{0}” / an amount is in yuan with at most two decimals, e.g. 300 or 300.50; got {0:?}")]
    Format(String),
}

impl MoneyError {
    /// The rule's code (`required`, `amount`).
    pub fn rule(&self) -> &'static str {
        match self {
            MoneyError::Required => "required",
            MoneyError::Format(_) => "amount",
        }
    }

    /// In Chinese.
    pub fn zh(&self) -> String {
        match self {
            MoneyError::Required => "必填".into(),
            MoneyError::Format(t) => format!("金额应为元，最多两位小数，如 300 或 300.50；收到“{t}”"),
        }
    }

    /// In English.
    pub fn en(&self) -> String {
        match self {
            MoneyError::Required => "is required".into(),
            MoneyError::Format(t) => {
                format!("an amount is in yuan with at most two decimals, e.g. 300 or 300.50; got {t:?}")
            }
        }
    }
}

impl Fen {
    /// Reads yuan with at most two decimals, a leading ¥ or ￥ and spaces allowed.
    pub fn parse(text: &str) -> Result<Fen, MoneyError> {
        let shown = text.trim();
        let value = shown.trim_start_matches(['¥', '￥']).trim();
        if value.is_empty() {
            return Err(MoneyError::Required);
        }
        let bad = || MoneyError::Format(shown.to_string());
        let (whole, frac) = value.split_once('.').unwrap_or((value, ""));
        if whole.is_empty()
            || frac.len() > 2
            || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
        whole.checked_mul(100).and_then(|w| w.checked_add(frac)).map(Fen).ok_or_else(bad)
    }
}

impl fmt::Display for Fen {
    /// Yuan with two decimals: `300.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}", self.0.abs() / 100, self.0.abs() % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_yuan_with_two_decimals_at_most() {
        for (text, fen) in [("300", 30000), (" ¥300.5 ", 30050), ("￥ 0.07", 7), ("12.30", 1230)] {
            assert_eq!(Fen::parse(text), Ok(Fen(fen)), "{text}");
        }
        for bad in ["3,00", "300.505", "-5", ".5", "三百", "1e3"] {
            assert!(matches!(Fen::parse(bad), Err(MoneyError::Format(_))), "{bad}");
        }
        assert_eq!(Fen::parse(" ¥ "), Err(MoneyError::Required));
        assert_eq!(Fen(-150).to_string(), "-1.50");
    }
}
