//! Writing a computed [`Summary`] as the printed form (XLSX), as CSV (UTF-8 with a byte-order mark so
//! Excel reads the Chinese) and as JSON.

use super::{Layout, Summary, SummaryRow};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use std::path::Path;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The spreadsheet could not be built or written.
    #[error("无法生成 Excel 文件 / cannot write the XLSX file: {0}")]
    Xlsx(#[from] XlsxError),
    /// The file could not be written.
    #[error("无法写入文件 / cannot write the file: {0}")]
    Io(#[from] std::io::Error),
    /// The file name has no known extension.
    #[error("不支持的文件类型 {0:?}，应为 .xlsx、.csv 或 .json / unsupported file type {0:?}: use .xlsx, .csv or .json")]
    Format(String),
}

/// The formats a table or ledger is written in, from a file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Excel 2007+.
    Xlsx,
    /// Comma-separated, UTF-8 with a byte-order mark.
    Csv,
    /// JSON.
    Json,
}

impl FileFormat {
    /// The format named by `path`'s extension (case-insensitive).
    pub fn of(path: &Path) -> Result<FileFormat, ExportError> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Ok(FileFormat::Xlsx),
            "csv" => Ok(FileFormat::Csv),
            "json" => Ok(FileFormat::Json),
            _ => Err(ExportError::Format(path.display().to_string())),
        }
    }
}

/// Writes `summary` to `path` in the format its extension names.
pub fn write(summary: &Summary, layout: &Layout, path: &Path) -> Result<(), ExportError> {
    let bytes = match FileFormat::of(path)? {
        FileFormat::Xlsx => xlsx(summary, layout)?,
        FileFormat::Csv => csv(summary).into_bytes(),
        FileFormat::Json => serde_json::to_vec_pretty(summary).expect("a summary serialises"),
    };
    std::fs::write(path, bytes)?;
    Ok(())
}

fn row_label(row: &SummaryRow) -> String {
    if row.name.is_empty() {
        row.unit.clone()
    } else if row.name == "合计" {
        row.name.clone()
    } else {
        format!("{}（{}）", row.name, row.unit)
    }
}

/// The table as CSV: a byte-order mark, a heading row (`N 顶层/下层` per column), the rows and the total.
pub fn csv(summary: &Summary) -> String {
    let mut out = String::from("\u{feff}");
    let mut header = vec!["单位代码".to_string(), "单位".to_string()];
    header.extend(summary.headings.iter().enumerate().map(|(i, h)| format!("{} {}", i + 1, h.join("/"))));
    let mut lines = vec![header];
    for row in summary.rows.iter().chain(std::iter::once(&summary.total)) {
        let mut line =
            vec![row.unit.clone(), if row.name.is_empty() { row.unit.clone() } else { row.name.clone() }];
        line.extend(row.values.iter().map(|v| v.map(|v| v.to_string()).unwrap_or_default()));
        lines.push(line);
    }
    for line in lines {
        out.push_str(&line.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Quotes a CSV cell when it holds a comma, quote or line break.
pub(crate) fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The first row of the headings block in the XLSX sheet (0-based): title, then the unit/date line.
pub const XLSX_HEADER_ROW: u32 = 2;

/// The table as an XLSX workbook laid out like the printed form: the title, the unit and date line,
/// the multi-level headings merged as printed, the column numbers, one row per sub-unit, the total
/// row, the sign-off lines and the notes.
pub fn xlsx(summary: &Summary, layout: &Layout) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("汇总表")?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    let n = summary.headings.len() as u16;
    let last = n; // column 0 is the sub-unit column
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let plain = Format::new();
    let right = Format::new().set_align(FormatAlign::Right);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
    let label = Format::new().set_border(FormatBorder::Thin);
    let bold_cell = cell.clone().set_bold();

    sheet.merge_range(0, 0, 0, last, &summary.title, &title)?;
    sheet.set_row_height(0, 28)?;
    let unit = if summary.unit_name.is_empty() {
        summary.unit.clone()
    } else {
        format!("{}（{}）", summary.unit_name, summary.unit)
    };
    let half = last / 2;
    sheet.merge_range(1, 0, 1, half.max(1), &format!("{}{}", layout.unit_label, unit), &plain)?;
    sheet.merge_range(
        1,
        half.max(1) + 1,
        1,
        last.max(half.max(1) + 1),
        &format!("{}{}", layout.date_label, summary.date.format("%Y年%-m月%-d日")),
        &right,
    )?;

    let depth = summary.headings.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let top = XLSX_HEADER_ROW;
    if depth > 1 {
        sheet.merge_range(top, 0, top + depth - 1, 0, &layout.sub_unit_heading, &head)?;
    } else {
        sheet.write_string_with_format(top, 0, &layout.sub_unit_heading, &head)?;
    }
    for level in 0..depth as usize {
        let mut i = 0;
        while i < summary.headings.len() {
            let h = &summary.headings[i];
            if h.len() <= level {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < summary.headings.len()
                && summary.headings[j + 1].len() > level
                && summary.headings[j + 1][..=level] == h[..=level]
            {
                j += 1;
            }
            let leaf = (i..=j).all(|k| summary.headings[k].len() == level + 1);
            let (r1, r2) = (top + level as u32, if leaf { top + depth - 1 } else { top + level as u32 });
            let (c1, c2) = (i as u16 + 1, j as u16 + 1);
            if r1 == r2 && c1 == c2 {
                sheet.write_string_with_format(r1, c1, &h[level], &head)?;
            } else {
                sheet.merge_range(r1, c1, r2, c2, &h[level], &head)?;
            }
            i = j + 1;
        }
    }
    for level in 0..depth {
        sheet.set_row_height(top + level, if level + 1 == depth { 60 } else { 30 })?;
    }
    let numbers = top + depth;
    sheet.write_string_with_format(numbers, 0, "", &cell)?;
    for c in 0..n {
        sheet.write_number_with_format(numbers, c + 1, f64::from(c + 1), &cell)?;
    }
    let mut r = numbers + 1;
    for row in summary.rows.iter().chain(std::iter::once(&summary.total)) {
        let is_total = std::ptr::eq(row, &summary.total);
        sheet.write_string_with_format(r, 0, row_label(row), if is_total { &bold_cell } else { &label })?;
        for (c, v) in row.values.iter().enumerate() {
            let fmt = if is_total { &bold_cell } else { &cell };
            match v {
                Some(v) => sheet.write_number_with_format(r, c as u16 + 1, *v as f64, fmt)?,
                None => sheet.write_string_with_format(r, c as u16 + 1, "", fmt)?,
            };
        }
        r += 1;
    }
    r += 1;
    // Sign-off lines spread across the width, as on the printed form.
    let per = (last + 1) / layout.sign_off.len().max(1) as u16;
    for (k, line) in layout.sign_off.iter().enumerate() {
        let c1 = k as u16 * per.max(1);
        let c2 = if k + 1 == layout.sign_off.len() { last } else { c1 + per.max(1) - 1 };
        if c1 == c2 {
            sheet.write_string_with_format(r, c1, line, &plain)?;
        } else {
            sheet.merge_range(r, c1, r, c2, line, &plain)?;
        }
    }
    r += 2;
    for note in &layout.notes {
        sheet.merge_range(r, 0, r, last, note, &plain)?;
        r += 1;
    }
    sheet.set_column_width(0, 22)?;
    for c in 1..=n {
        sheet.set_column_width(c, 7.5)?;
    }
    Ok(workbook.save_to_buffer()?)
}
