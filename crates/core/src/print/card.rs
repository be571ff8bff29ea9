//! The contact card 明白卡 on A6 (one card a page) or on A4 sheets of four with cut marks.

use super::{esc, qr_ops, qr_svg, text_width, wrap, Page, PrintError, A4, A6, MM};
use crate::card::ContactCard;

/// How cards are put on paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One A6 card per page.
    A6,
    /// Four A6 cards on each A4 sheet, with cut marks.
    A4Sheet,
}

fn contact_cells(card: &ContactCard) -> Vec<(&'static str, String, String)> {
    card.rows()
        .into_iter()
        .map(|(label, c)| match c {
            Some(c) if c.title.is_empty() => (label, c.name.clone(), c.phone.clone().unwrap_or_default()),
            Some(c) => (label, format!("{}（{}）", c.name, c.title), c.phone.clone().unwrap_or_default()),
            None => (label, String::new(), String::new()),
        })
        .collect()
}

/// The cards as a print-ready HTML page.
pub fn card_html(cards: &[ContactCard], layout: Layout) -> Result<String, PrintError> {
    let mut body = String::new();
    for (i, card) in cards.iter().enumerate() {
        if layout == Layout::A4Sheet && i % 4 == 0 {
            if i > 0 {
                body.push_str("</section>\n");
            }
            body.push_str("<section class=\"sheet\">\n");
        }
        body.push_str("<div class=\"card\">\n");
        body.push_str(&format!("<h1>{}</h1>\n<table>\n", esc(&card.heading)));
        body.push_str("<tr><th></th><th>职务</th><th>电话</th></tr>\n");
        for (label, who, phone) in contact_cells(card) {
            body.push_str(&format!(
                "<tr><th>{}</th><td>{}</td><td>{}</td></tr>\n",
                esc(label),
                esc(&who),
                esc(&phone)
            ));
        }
        body.push_str(&format!(
            "<tr><th>受助对象</th><td colspan=\"2\">{}<br><small>{}</small></td></tr>\n",
            esc(&card.elder.name),
            esc(&card.elder.address)
        ));
        body.push_str(&format!(
            "<tr><th>互助内容</th><td colspan=\"2\">{}</td></tr>\n</table>\n",
            esc(&card.services.join("、"))
        ));
        if let Some(e) = &card.enrolment {
            body.push_str(&format!(
                "<div class=\"qr-box\">{}<p>家属扫码关注老人近况</p></div>\n",
                qr_svg(&e.payload(), 26.0)?
            ));
        }
        body.push_str("</div>\n");
    }
    if layout == Layout::A4Sheet && !cards.is_empty() {
        body.push_str("</section>\n");
    }
    let page = match layout {
        Layout::A6 => "@page { size: A6; margin: 0; }\n.card { page-break-after: always; }\n",
        Layout::A4Sheet => {
            "@page { size: A4; margin: 0; }\n.sheet { width: 210mm; height: 297mm; display: grid; \
             grid-template-columns: 105mm 105mm; grid-template-rows: 148.5mm 148.5mm; page-break-after: always; }\n\
             .sheet .card { outline: 0.2mm dashed #999; height: 148.5mm; }\n"
        }
    };
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>明白卡</title>\n<style>\n{page}{CARD_CSS}</style></head>\n<body>\n{body}</body></html>\n"
    ))
}

const CARD_CSS: &str = "body { margin: 0; font-family: 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; color: #000; }
.card { box-sizing: border-box; width: 105mm; height: 148mm; padding: 8mm 7mm; position: relative; }
.card h1 { font-size: 15pt; text-align: center; margin: 0 0 4mm; }
.card table { width: 100%; border-collapse: collapse; font-size: 10.5pt; }
.card th, .card td { border: 0.3mm solid #000; padding: 2.4mm 1.4mm; text-align: left; vertical-align: middle; }
.card th { width: 24mm; font-weight: normal; }
.card td:nth-child(3) { width: 27mm; white-space: nowrap; }
.card tr:first-child th { text-align: center; }
.qr-box { position: absolute; left: 0; right: 0; bottom: 7mm; text-align: center; font-size: 8pt; }
.qr-box p { margin: 1mm 0 0; }
";

/// Draws one card with its top left at (ox, oy), A6-sized.
fn draw_card(page: &mut Page, card: &ContactCard, ox: f32, oy: f32) -> Result<(), PrintError> {
    let (w, h) = A6;
    let margin = 7.0 * MM;
    let inner = w - 2.0 * margin;
    let size = 10.5;
    let heading = 15.0;
    let mut y = oy + 8.0 * MM + heading;
    page.text(ox + (w - text_width(&card.heading, heading)) / 2.0, y, heading, &card.heading);
    y += 4.0 * MM;
    let cols = [
        ox + margin,
        ox + margin + 26.0 * MM,
        ox + margin + 26.0 * MM + 0.56 * (inner - 26.0 * MM),
        ox + w - margin,
    ];
    let mut rows: Vec<(String, Vec<String>, Vec<String>)> =
        vec![(String::new(), vec!["职务".into()], vec!["电话".into()])];
    for (label, who, phone) in contact_cells(card) {
        rows.push((label.into(), wrap(&who, size, cols[2] - cols[1] - 4.0), vec![phone]));
    }
    let wide = cols[3] - cols[1] - 4.0;
    let mut elder = wrap(&card.elder.name, size, wide);
    elder.extend(wrap(&card.elder.address, size, wide));
    let services = wrap(&card.services.join("、"), size, wide);
    let label_lines = |l: &str| wrap(l, size, cols[1] - cols[0] - 4.0);
    let line_h = size * 1.5;
    for (label, mid, last) in &rows {
        let labels = label_lines(label);
        let n = labels.len().max(mid.len()).max(last.len()).max(1);
        let row_h = n as f32 * line_h + 12.0;
        for (i, l) in labels.iter().enumerate() {
            page.text(cols[0] + 2.0, y + 6.0 + size + i as f32 * line_h, size, l);
        }
        for (i, l) in mid.iter().enumerate() {
            page.text(cols[1] + 2.0, y + 6.0 + size + i as f32 * line_h, size, l);
        }
        for (i, l) in last.iter().enumerate() {
            page.text(cols[2] + 2.0, y + 6.0 + size + i as f32 * line_h, size, l);
        }
        page.line((cols[0], y), (cols[3], y), 0.8);
        for x in cols {
            page.line((x, y), (x, y + row_h), 0.8);
        }
        y += row_h;
    }
    for (label, lines) in [("受助对象", elder), ("互助内容", services)] {
        let row_h = lines.len().max(2) as f32 * line_h + 12.0;
        page.text(cols[0] + 2.0, y + 6.0 + size, size, label);
        for (i, l) in lines.iter().enumerate() {
            page.text(cols[1] + 2.0, y + 6.0 + size + i as f32 * line_h, size, l);
        }
        page.line((cols[0], y), (cols[3], y), 0.8);
        for x in [cols[0], cols[1], cols[3]] {
            page.line((x, y), (x, y + row_h), 0.8);
        }
        y += row_h;
    }
    page.line((cols[0], y), (cols[3], y), 0.8);
    if let Some(e) = &card.enrolment {
        let side = 30.0 * MM;
        let qy = (oy + h - 7.0 * MM - side - 10.0).max(y + 4.0);
        qr_ops(page, &e.payload(), ox + (w - side) / 2.0, qy, side)?;
        let caption = "家属扫码关注老人近况";
        page.text(ox + (w - text_width(caption, 8.0)) / 2.0, qy + side + 8.0, 8.0, caption);
    }
    Ok(())
}

/// The cards laid out as pages (for [`super::pdf`]).
pub fn card_pages(cards: &[ContactCard], layout: Layout) -> Result<Vec<Page>, PrintError> {
    let mut pages = Vec::new();
    match layout {
        Layout::A6 => {
            for card in cards {
                let mut page = Page::new(A6);
                draw_card(&mut page, card, 0.0, 0.0)?;
                pages.push(page);
            }
        }
        Layout::A4Sheet => {
            let (cw, ch) = (A4.0 / 2.0, A4.1 / 2.0);
            for sheet in cards.chunks(4) {
                let mut page = Page::new(A4);
                for (i, card) in sheet.iter().enumerate() {
                    let (ox, oy) = ((i % 2) as f32 * cw, (i / 2) as f32 * ch);
                    draw_card(&mut page, card, ox, oy + (ch - A6.1) / 2.0)?;
                }
                cut_marks(&mut page);
                pages.push(page);
            }
        }
    }
    Ok(pages)
}

/// Cut marks: short ticks at the page edges on the centre lines, and a dashed cross between cards.
fn cut_marks(page: &mut Page) {
    let (w, h) = A4;
    let tick = 6.0 * MM;
    for (from, to) in [
        ((w / 2.0, 0.0), (w / 2.0, tick)),
        ((w / 2.0, h - tick), (w / 2.0, h)),
        ((0.0, h / 2.0), (tick, h / 2.0)),
        ((w - tick, h / 2.0), (w, h / 2.0)),
    ] {
        page.line(from, to, 0.8);
    }
    page.ops.push(super::Op::Line {
        from: (w / 2.0, tick),
        to: (w / 2.0, h - tick),
        width: 0.3,
        dashed: true,
    });
    page.ops.push(super::Op::Line {
        from: (tick, h / 2.0),
        to: (w - tick, h / 2.0),
        width: 0.3,
        dashed: true,
    });
}
