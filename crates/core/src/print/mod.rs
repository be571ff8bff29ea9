//! Print-ready output of the office's forms: the care agreement (附件3/附件4) and the contact card
//! (明白卡), as HTML for the app to show and print (A4 / A6 `@page` CSS) and as PDF with an embedded,
//! subset CJK font for the CLI.
//!
//! Each form is laid out once into [`Page`]s of drawing operations ([`Op`]); [`pdf`] writes those pages
//! with krilla, which embeds only the glyphs used. The HTML renderers write the same content with CSS.

mod agreement;
mod card;

pub use agreement::{agreement_html, agreement_pages, paragraphs, Para, Span};
pub use card::{card_html, card_pages, Layout};

use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::text::TextDirection;
use std::path::{Path, PathBuf};

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;
/// A4 in points.
pub const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);
/// A6 in points.
pub const A6: (f32, f32) = (105.0 * MM, 148.0 * MM);

/// Where Debian's fonts-noto-cjk puts the Sans CJK collection.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/// In the Noto CJK collections the Simplified Chinese face is the third (JP, KR, SC, TC, HK).
pub const NOTO_CJK_SC_INDEX: u32 = 2;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The font file could not be read.
    #[error("font {path}: {source}")]
    FontFile {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The font file is not a font krilla reads.
    #[error("font {path}: not a TrueType/OpenType font or collection")]
    FontFormat {
        /// The path.
        path: PathBuf,
    },
    /// krilla refused to write the document.
    #[error("pdf: {0}")]
    Pdf(String),
    /// The QR code payload is too long.
    #[error("qr: {0}")]
    Qr(String),
}

/// A font for PDF output: the file's bytes and the face index inside a collection.
#[derive(Clone)]
pub struct Font(krilla::text::Font);

impl Font {
    /// Loads `path`; for a `.ttc` collection the Simplified Chinese face of Noto CJK
    /// ([`NOTO_CJK_SC_INDEX`]) when the collection has one, else the first face.
    pub fn load(path: &Path) -> Result<Font, PrintError> {
        let data =
            std::fs::read(path).map_err(|source| PrintError::FontFile { path: path.into(), source })?;
        let ttc = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ttc"));
        let data: krilla::Data = data.into();
        let sc = if ttc { krilla::text::Font::new(data.clone(), NOTO_CJK_SC_INDEX) } else { None };
        sc.or_else(|| krilla::text::Font::new(data, 0))
            .map(Font)
            .ok_or_else(|| PrintError::FontFormat { path: path.into() })
    }
}

/// A drawing operation; coordinates in points from the page's top left.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text with its baseline starting at (x, y).
    Text {
        /// Left.
        x: f32,
        /// Baseline.
        y: f32,
        /// Font size.
        size: f32,
        /// The text.
        text: String,
    },
    /// A straight line.
    Line {
        /// Start.
        from: (f32, f32),
        /// End.
        to: (f32, f32),
        /// Width.
        width: f32,
        /// Dashed (cut lines).
        dashed: bool,
    },
    /// A filled black square (QR modules).
    Square {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Side.
        side: f32,
    },
}

/// One page: its size and what is drawn on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Width and height in points.
    pub size: (f32, f32),
    /// Drawing operations.
    pub ops: Vec<Op>,
}

impl Page {
    fn new(size: (f32, f32)) -> Page {
        Page { size, ops: Vec::new() }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        if !text.is_empty() {
            self.ops.push(Op::Text { x, y, size, text: text.to_string() });
        }
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.ops.push(Op::Line { from, to, width, dashed: false });
    }

    /// Every text drawn, in order (for tests: what the page says).
    pub fn texts(&self) -> Vec<&str> {
        self.ops
            .iter()
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// Writes `pages` as a PDF, embedding the subset of `font` the text uses.
pub fn pdf(pages: &[Page], font: &Font) -> Result<Vec<u8>, PrintError> {
    let mut document = krilla::Document::new();
    for p in pages {
        let settings =
            PageSettings::from_wh(p.size.0, p.size.1).ok_or(PrintError::Pdf("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in &p.ops {
            match op {
                Op::Text { x, y, size, text } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill::default()));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font.0.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line { from, to, width, dashed } => {
                    let mut b = PathBuilder::new();
                    b.move_to(from.0, from.1);
                    b.line_to(to.0, to.1);
                    if let Some(path) = b.finish() {
                        surface.set_fill(None);
                        let dash = dashed.then(|| StrokeDash { array: vec![3.0, 3.0], offset: 0.0 });
                        surface.set_stroke(Some(Stroke { width: *width, dash, ..Stroke::default() }));
                        surface.draw_path(&path);
                    }
                }
                Op::Square { x, y, side } => {
                    let mut b = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *side, *side) {
                        b.push_rect(rect);
                    }
                    if let Some(path) = b.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill::default()));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

/// The width of `text` at `size`, estimated: CJK and full-width characters are one em, others about
/// half (Noto Sans CJK's Latin is proportional; the estimate is for line breaking only).
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| if is_wide(c) { 1.0 } else { 0.52 }).sum::<f32>() * size
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Breaks `text` into lines no wider than `width` at `size`.
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        let mut candidate = line.clone();
        candidate.push(c);
        if text_width(&candidate, size) > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        line.push(c);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The QR code of `payload` as a square matrix of dark modules (true), with no quiet zone.
pub fn qr_modules(payload: &str) -> Result<Vec<Vec<bool>>, PrintError> {
    let code = qrcode::QrCode::new(payload.as_bytes()).map_err(|e| PrintError::Qr(e.to_string()))?;
    let width = code.width();
    let colors = code.to_colors();
    Ok(colors.chunks(width).map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect()).collect())
}

/// The QR code of `payload` as inline SVG `side` millimetres wide, with a quiet zone of 4 modules.
pub fn qr_svg(payload: &str, side_mm: f32) -> Result<String, PrintError> {
    let m = qr_modules(payload)?;
    let n = m.len() + 8;
    let mut out = format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {n} {n}\" width=\"{side_mm}mm\" \
         height=\"{side_mm}mm\" shape-rendering=\"crispEdges\"><rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/><path d=\""
    );
    for (y, row) in m.iter().enumerate() {
        for (x, dark) in row.iter().enumerate() {
            if *dark {
                out.push_str(&format!("M{} {}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    out.push_str("\" fill=\"#000\"/></svg>");
    Ok(out)
}

/// Draws the QR code of `payload` with its top left at (x, y), `side` points wide (quiet zone included).
fn qr_ops(page: &mut Page, payload: &str, x: f32, y: f32, side: f32) -> Result<(), PrintError> {
    let m = qr_modules(payload)?;
    let module = side / (m.len() + 8) as f32;
    for (row, cells) in m.iter().enumerate() {
        for (col, dark) in cells.iter().enumerate() {
            if *dark {
                // A hair larger than a module so neighbours join without hairline gaps.
                page.ops.push(Op::Square {
                    x: x + (col + 4) as f32 * module,
                    y: y + (row + 4) as f32 * module,
                    side: module * 1.02,
                });
            }
        }
    }
    Ok(())
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
