//! Small helpers for reading the projection's rows.

/// An id column (elder or helper id) parsed, a malformed one reported as a conversion failure.
pub(super) fn id_column<T: std::str::FromStr<Err = String>>(
    r: &rusqlite::Row<'_>,
    i: usize,
) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    text.parse().map_err(|e: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}
