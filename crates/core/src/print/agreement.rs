//! The care agreement as the template (附件3 / 附件4) reads, with its blanks filled in.
//!
//! The template's wording is kept; the blanks (`_____`) carry the agreement's values, drawn
//! underlined. 附件4's service list repeats the numbers (4) and (5) in the source text; it is printed
//! numbered (1)–(8) in order.

use super::{esc, text_width, Page, A4, MM};
use crate::agreement::{yuan, Agreement, Hours, Kind};
use chrono::{Datelike, NaiveDate};

/// A run of text; `filled` marks a value written into a blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// A value in a blank (underlined).
    pub filled: bool,
}

/// One paragraph of the printed agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Para {
    /// The attachment number, top left.
    Attachment(String),
    /// 农村居家互助养老协议书
    Title(String),
    /// (供参考，适用于…)
    Subtitle(String),
    /// A section heading such as 一、居家助养期限、地点.
    Heading(String),
    /// Body text.
    Text(Vec<Span>),
    /// The signature lines, one per party (four copies 一式四份).
    Signatures(Vec<String>),
}

fn t(s: &str) -> Span {
    Span { text: s.to_string(), filled: false }
}

fn v(s: impl Into<String>) -> Span {
    let s = s.into();
    Span {
        text: if s.is_empty() { "\u{3000}\u{3000}\u{3000}".into() } else { format!(" {s} ") },
        filled: true,
    }
}

fn ymd(d: NaiveDate) -> Vec<Span> {
    vec![v(d.year().to_string()), t("年"), v(d.month().to_string()), t("月"), v(d.day().to_string()), t("日")]
}

/// The agreement's paragraphs, in the template's order and words.
pub fn paragraphs(a: &Agreement) -> Vec<Para> {
    let mut p = Vec::new();
    let text = |spans: Vec<Span>| Para::Text(spans);
    let committee = format!("{}村民委员会", a.committee.village.trim_end_matches("村民委员会"));
    p.push(Para::Attachment(a.kind.attachment().into()));
    p.push(Para::Title("农村居家互助养老协议书".into()));
    p.push(Para::Subtitle(format!("（供参考，{}）", a.kind.zh())));
    p.push(text(vec![t("甲方（委托人）："), v(&a.delegator.name)]));
    p.push(text(vec![
        t("身份证号码"),
        v(&a.delegator.id_number),
        t("与被助养老人关系"),
        v(&a.delegator.relation),
    ]));
    p.push(text(vec![t("家庭住址"), v(&a.delegator.address), t("联系方式"), v(&a.delegator.phone)]));
    p.push(text(vec![t("乙方（受托人）："), v(&a.trustee.name)]));
    p.push(text(vec![t("身份证号码"), v(&a.trustee.id_number)]));
    p.push(text(vec![t("家庭住址"), v(&a.trustee.address), t("联系方式"), v(&a.trustee.phone)]));
    p.push(text(vec![t("被助养老人（留守老人）："), v(&a.elder.name)]));
    p.push(text(vec![t("家庭住址"), v(&a.elder.address), t("联系方式"), v(&a.elder.phone)]));
    p.push(text(vec![t("村民委员会（监督见证代表）："), v(format!("{committee} {}", a.committee.staff))]));
    p.push(text(vec![
        t("\u{3000}\u{3000}为加强农村留守老年人的关爱服务工作，本着服务老人、互助互利的原则，满足老年人“老有所养、老有所乐”的需要，\
           在村委会派员见证并监督下，经过甲、乙双方友好协商，就对居家助养"),
        v(&a.elder.name),
        t("老人事宜，自愿达成以下协议条款，供各方遵照履行："),
    ]));
    p.push(Para::Heading("一、居家助养期限、地点".into()));
    p.push(text(vec![t("1. 服务期限："), v(a.years.to_string()), t("年。")]));
    let mut period = vec![t("自")];
    period.extend(ymd(a.start));
    period.push(t("起至"));
    period.extend(ymd(a.end));
    period.push(t("止。"));
    p.push(text(period));
    p.push(text(vec![t("2. 服务地点："), v(&a.place)]));
    p.push(Para::Heading("二、甲方的权利和义务".into()));
    let line5 = match a.kind {
        Kind::SelfCare => vec![t("5. 每周至少一次电话向乙方了解被助老人状况，与乙方商讨被助老人助养事宜。")],
        Kind::Assisted => vec![
            t("5. 每周至少一次电话向乙方了解被助老人状况，与乙方商讨"),
            v(&a.elder.name),
            t("被助老人助养事宜。"),
        ],
    };
    for line in [
        "1. 积极配合乙方开展助养服务工作。",
        "2. 出具被助老人身体状况证明材料。",
        "3. 按时向乙方交纳须承担的服务费。",
        "4. 及时提供助养服务所需各种证件。",
    ] {
        p.push(text(vec![t(line)]));
    }
    p.push(text(line5));
    for line in [
        "6. 在服务期间，被助老人如需就医，产生的费用应由甲方承担。",
        "7. 如发现乙方服务有损害甲方或被助老人权益的行为，或乙方不胜任助养服务工作时，甲方有权解除协议。",
    ] {
        p.push(text(vec![t(line)]));
    }
    p.push(Para::Heading("三、乙方的权利和义务".into()));
    p.push(text(match a.hours {
        Hours::Between { from, to } => {
            vec![
                t("1. 每日提供助养服务时间：从"),
                v(from.to_string()),
                t("时至"),
                v(to.to_string()),
                t("时。"),
            ]
        }
        Hours::PerDay { hours } => {
            vec![t("1. 每日提供助养服务时间：每天"), v(hours.to_string()), t("个小时。")]
        }
    }));
    p.push(text(vec![t("2. 主动关心老人的需求，提供相应服务：")]));
    let mut n = 0;
    for service in a.kind.services() {
        if a.services.contains(service) {
            n += 1;
            p.push(text(vec![t(&format!("\u{3000}({n}) ")), v(service.zh(a.kind)), t("；")]));
        }
    }
    for extra in &a.extra_services {
        n += 1;
        p.push(text(vec![t(&format!("\u{3000}({n}) ")), v(extra), t("；")]));
    }
    match a.kind {
        Kind::SelfCare => {
            p.push(text(vec![t(&format!(
                "\u{3000}({}) 非因乙方的过失所造成事故（如被助养老人自己在日常生活中，外出活动时发生人身伤害）的赔偿费用与乙方无关，应由相应责任人来承担。",
                n + 1
            ))]));
            p.push(text(vec![t("3. 每月一次电话告知甲方被助养老人状况，与甲方商讨有关助养事宜。")]));
        }
        Kind::Assisted => {
            p.push(text(vec![t("3. 每月至少一次电话告知甲方被助养老人状况，与甲方商讨有关助养事宜。")]));
            p.push(text(vec![t("4. 非因乙方的过失所造成事故的赔偿费用与乙方无关。")]));
        }
    }
    p.push(Para::Heading("四、村委会职责".into()));
    p.push(text(vec![
        v(&committee),
        t("派出工作人员"),
        v(&a.committee.staff),
        t("，负责监督和见证甲方、乙方实施本协议："),
    ]));
    let weekly = match a.kind {
        Kind::SelfCare => "2. 每周至少一次电话或者走访、征求被助养老人意见，了解乙方实施助养服务情况，核实甲方、乙方提出的问题，及时予以协调沟通。",
        Kind::Assisted => "2. 每周一次电话或者走访、征求被助养老人意见，了解乙方实施助养服务情况，核实甲方、乙方提出的问题，及时予以协调沟通。",
    };
    for line in [
        "1. 负责监督管理乙方开展日常助养服务。",
        weekly,
        "3. 及时协调解决甲方、乙方及被助养老人在服务过程中出现的矛盾纠纷。",
    ] {
        p.push(text(vec![t(line)]));
    }
    p.push(Para::Heading("五、解除协议".into()));
    for line in [
        "1. 协议期满、协议内容变更、终止等，甲方应及时与乙方到所在村民委员会协商，愿意继续签订助养协议的，继续签订新一轮协议。",
        "2. 协议期未满，甲方、乙方任意一方无过错要求解除协议的，应提前 15 日通知对方。",
        "3. 甲方逾期一个月不交纳服务费，乙方有权提出解除协议。甲方应在解除协议 10 日内，在村民委员会监督见证下，付清乙方所有应得的服务费用。",
        "4. 乙方应在协议约定服务期限内，尽心尽力为被助养老人提供居家养老服务，如果乙方没有尽职尽责，甲方有权随时要求解除协议。",
        "5. 由于宗教信仰、性格脾气等因素影响，在容易产生各种纠纷而影响服务质量或引发伤害事件情况下，乙方有权提出及时解除协议。",
    ] {
        p.push(text(vec![t(line)]));
    }
    p.push(Para::Heading("六、其他约定：".into()));
    p.push(text(vec![
        t("费用支付数额："),
        v(format!("{}元", yuan(a.fee.amount_fen))),
        t("；支付方式："),
        v(&a.fee.method),
        t("；支付时间："),
        v(format!("{}支付，自{}起", a.fee.every.zh(), a.start)),
        t("。"),
    ]));
    if !a.other_terms.is_empty() {
        p.push(text(vec![v(&a.other_terms)]));
    }
    if let Some(old) = &a.renews {
        p.push(text(vec![t("本协议为续签协议，原协议编号："), v(old)]));
    }
    let effect = match a.kind {
        Kind::SelfCare => "本协议一式四份，自签订之日起生效，甲乙双方、被助养老人、村委会各执一份。",
        Kind::Assisted => "本协议一式四份，自签订之日起执行，甲乙双方、被助养老人、村委会各执一份。",
    };
    p.push(text(vec![t(effect)]));
    let committee_sign = match a.kind {
        Kind::SelfCare => "村委会（代表）签字：",
        Kind::Assisted => "村民委员会（代表）签字：",
    };
    p.push(Para::Signatures(vec![
        "甲方（签字）：".into(),
        "乙方（签字）：".into(),
        "被助养老人（签字或指印）：".into(),
        committee_sign.into(),
    ]));
    let date = match a.signed_on {
        Some(d) => ymd(d),
        None => vec![t("\u{3000}\u{3000}\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日")],
    };
    p.push(Para::Text(date));
    p
}

/// The agreement as a print-ready HTML page (A4).
pub fn agreement_html(a: &Agreement) -> String {
    let mut body = String::new();
    for para in paragraphs(a) {
        match para {
            Para::Attachment(s) => body.push_str(&format!("<p class=\"att\">{}</p>\n", esc(&s))),
            Para::Title(s) => body.push_str(&format!("<h1>{}</h1>\n", esc(&s))),
            Para::Subtitle(s) => body.push_str(&format!("<p class=\"sub\">{}</p>\n", esc(&s))),
            Para::Heading(s) => body.push_str(&format!("<h2>{}</h2>\n", esc(&s))),
            Para::Text(spans) => {
                body.push_str("<p>");
                for s in spans {
                    if s.filled {
                        body.push_str(&format!("<u>{}</u>", esc(&s.text)));
                    } else {
                        body.push_str(&esc(&s.text));
                    }
                }
                body.push_str("</p>\n");
            }
            Para::Signatures(lines) => {
                body.push_str("<div class=\"sign\">");
                for l in lines {
                    body.push_str(&format!("<p>{}<span class=\"line\"></span></p>", esc(&l)));
                }
                body.push_str("</div>\n");
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>农村居家互助养老协议书 {}</title>\n<style>\n{}</style></head>\n<body><article class=\"agreement\">\n{body}</article></body></html>\n",
        esc(&a.elder.name),
        AGREEMENT_CSS
    )
}

const AGREEMENT_CSS: &str = "@page { size: A4; margin: 20mm 20mm 18mm 22mm; }
body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', 'SimSun', serif; font-size: 11pt; line-height: 1.7; color: #000; }
.agreement { max-width: 168mm; margin: 0 auto; }
.att { margin: 0; }
h1 { text-align: center; font-size: 18pt; margin: 4mm 0 0; letter-spacing: 0.1em; }
.sub { text-align: center; margin: 0 0 4mm; }
h2 { font-size: 11pt; margin: 3mm 0 0; }
p { margin: 0; text-align: justify; }
u { text-decoration: underline; text-underline-offset: 2px; padding: 0 0.2em; }
.sign { margin-top: 8mm; display: grid; grid-template-columns: 1fr 1fr; gap: 6mm 10mm; page-break-inside: avoid; }
.sign .line { display: inline-block; width: 30mm; border-bottom: 1px solid #000; }
@media screen { body { background: #eee; } .agreement { background: #fff; padding: 20mm; } }
";

/// The agreement laid out on A4 pages (for [`super::pdf`]).
pub fn agreement_pages(a: &Agreement) -> Vec<Page> {
    let (w, h) = A4;
    let (left, right, top, bottom) = (22.0 * MM, 20.0 * MM, 20.0 * MM, 18.0 * MM);
    let width = w - left - right;
    let mut pages = vec![Page::new(A4)];
    let mut y = top;
    let need = |pages: &mut Vec<Page>, y: &mut f32, height: f32| {
        if *y + height > h - bottom {
            pages.push(Page::new(A4));
            *y = top;
        }
    };
    for para in paragraphs(a) {
        match para {
            Para::Attachment(s) => {
                y += 11.0;
                pages.last_mut().expect("a page").text(left, y, 11.0, &s);
                y += 8.0;
            }
            Para::Title(s) => {
                y += 26.0;
                let x = (w - text_width(&s, 18.0)) / 2.0;
                pages.last_mut().expect("a page").text(x, y, 18.0, &s);
                y += 6.0;
            }
            Para::Subtitle(s) | Para::Heading(s) => {
                let centred = s.starts_with('（');
                need(&mut pages, &mut y, 19.0 * 2.0);
                y += 19.0;
                let x = if centred { (w - text_width(&s, 11.0)) / 2.0 } else { left };
                pages.last_mut().expect("a page").text(x, y, 11.0, &s);
                if centred {
                    y += 8.0;
                }
            }
            Para::Text(spans) => {
                for line in layout_spans(&spans, 11.0, width) {
                    need(&mut pages, &mut y, 19.0);
                    y += 19.0;
                    let page = pages.last_mut().expect("a page");
                    let mut x = left;
                    for (text, filled) in line {
                        let run = text_width(&text, 11.0);
                        page.text(x, y, 11.0, &text);
                        if filled {
                            page.line((x, y + 2.5), (x + run, y + 2.5), 0.6);
                        }
                        x += run;
                    }
                }
            }
            Para::Signatures(lines) => {
                need(&mut pages, &mut y, 4.0 * 30.0);
                y += 14.0;
                for pair in lines.chunks(2) {
                    y += 30.0;
                    let page = pages.last_mut().expect("a page");
                    for (i, label) in pair.iter().enumerate() {
                        let x = left + i as f32 * width / 2.0;
                        page.text(x, y, 11.0, label);
                        let start = x + text_width(label, 11.0);
                        page.line((start, y + 2.5), (x + width / 2.0 - 8.0, y + 2.5), 0.6);
                    }
                }
                y += 12.0;
            }
        }
    }
    pages
}

/// Breaks spans into lines of (text, filled) runs no wider than `width`.
fn layout_spans(spans: &[Span], size: f32, width: f32) -> Vec<Vec<(String, bool)>> {
    let mut lines: Vec<Vec<(String, bool)>> = vec![Vec::new()];
    let mut used = 0.0;
    for span in spans {
        for c in span.text.chars() {
            let cw = text_width(&c.to_string(), size);
            if used + cw > width && used > 0.0 {
                lines.push(Vec::new());
                used = 0.0;
            }
            let line = lines.last_mut().expect("a line");
            match line.last_mut() {
                Some((text, filled)) if *filled == span.filled => text.push(c),
                _ => line.push((c.to_string(), span.filled)),
            }
            used += cw;
        }
    }
    lines
}
