//! What the printed forms say, and what they must never say.

use super::*;
use crate::agreement::{sample, Kind};
use crate::card::{ContactCard, Enrolment};
use crate::helper::Helper;
use crate::org::{Member, Org};

fn org() -> Org {
    let mut org = Org::default();
    org.township.members.push(Member {
        id: "t1".into(),
        name: "张强".into(),
        title: "联村领导".into(),
        phone: Some("13800001111".into()),
    });
    org.village.members.push(Member {
        id: "v1".into(),
        name: "刘芳".into(),
        title: "组长".into(),
        phone: Some("13800002222".into()),
    });
    org.village.members.push(Member {
        id: "v2".into(),
        name: "李华".into(),
        title: "联户人员".into(),
        phone: Some("13800003333".into()),
    });
    org
}

fn card() -> (crate::elder::Elder, ContactCard) {
    let elder = crate::demo::sample_elder();
    let mut helper = Helper::named("陈桂兰");
    helper.phone = Some("13990001234".into());
    let services = crate::card::split_services(&elder.service.as_ref().unwrap().content);
    let card = ContactCard::build("巴州区", &org(), &(&elder).into(), Some(&helper), services)
        .with_enrolment(Enrolment::new("https://relay.example.cn", "K7Q2-M9XP"));
    (elder, card)
}

#[test]
fn the_card_names_the_three_contacts_and_the_services() {
    let (_, card) = card();
    assert_eq!(card.liaison_leader.as_ref().unwrap().name, "张强");
    assert_eq!(card.team_member.as_ref().unwrap().name, "李华");
    assert_eq!(card.helper.as_ref().unwrap().title, "互助员");
    assert_eq!(card.services, vec!["巡访", "助洁"]);
    let html = card_html(std::slice::from_ref(&card), Layout::A6).unwrap();
    for text in [
        "巴州区农村互助养老明白卡",
        "联村领导",
        "张强（联村领导）",
        "13800003333",
        "互助员",
        "巡访、助洁",
        "<svg",
    ] {
        assert!(html.contains(text), "{text}");
    }
}

#[test]
fn the_card_carries_no_id_number_and_no_health_data() {
    let (elder, card) = card();
    let id = elder.id_number.clone().unwrap();
    assert!(!elder.illness.is_empty() && elder.disability.is_some());
    let html = card_html(std::slice::from_ref(&card), Layout::A4Sheet).unwrap();
    let pages = card_pages(std::slice::from_ref(&card), Layout::A6).unwrap();
    let drawn = pages.iter().flat_map(|p| p.texts()).collect::<Vec<_>>().join("\n");
    let json = serde_json::to_string(&card).unwrap();
    for out in [&html, &drawn, &json] {
        assert!(!out.contains(&id), "ID number printed");
        assert!(!out.contains(&id[..14]), "part of the ID number printed");
        for health in [elder.illness.as_str(), "残疾", "患病", "肢体", "健康"] {
            assert!(!out.contains(health), "health data printed: {health}");
        }
    }
}

#[test]
fn the_qr_code_carries_the_enrolment_link() {
    let payload = Enrolment::new("https://relay.example.cn", "K7Q2").payload();
    let m = qr_modules(&payload).unwrap();
    assert!(m.len() >= 21 && m.iter().all(|r| r.len() == m.len()));
    // The three finder patterns' corners are dark.
    assert!(m[0][0] && m[0][m.len() - 1] && m[m.len() - 1][0]);
    let (_, card) = card();
    let page = &card_pages(&[card], Layout::A6).unwrap()[0];
    let squares = page.ops.iter().filter(|op| matches!(op, Op::Square { .. })).count();
    assert!(squares > 100);
}

#[test]
fn a_sheet_holds_four_cards_with_cut_marks() {
    let (_, card) = card();
    let five = vec![card; 5];
    let pages = card_pages(&five, Layout::A4Sheet).unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].texts().iter().filter(|t| t.contains("明白卡")).count(), 4);
    assert_eq!(pages[1].texts().iter().filter(|t| t.contains("明白卡")).count(), 1);
    assert!(pages[0].ops.iter().any(|op| matches!(op, Op::Line { dashed: true, .. })));
    let html = card_html(&five, Layout::A4Sheet).unwrap();
    assert_eq!(html.matches("<section class=\"sheet\">").count(), 2);
    assert!(html.contains("size: A4"));
}

#[test]
fn the_agreement_reads_as_the_template_with_its_blanks_filled() {
    let a = sample(Kind::Assisted);
    let html = agreement_html(&a);
    for text in [
        "附件4",
        "农村居家互助养老协议书",
        "（供参考，适用于介助\\介护老人）",
        "甲方（委托人）：",
        &a.delegator.id_number,
        "与被助养老人关系",
        "督促和帮助老人保持个人整洁",
        "(7) </u>".trim_end_matches(" </u>"),
        "代缴水电费",
        "应提前 15 日通知对方",
        "300.00元",
        "微信转账",
        "本协议一式四份",
        "被助养老人（签字或指印）：",
        "村民委员会（代表）签字：",
        "size: A4",
    ] {
        assert!(html.contains(text), "missing {text}");
    }
    let self_care = agreement_html(&sample(Kind::SelfCare));
    assert!(self_care.contains("附件3") && self_care.contains("帮助打扫室内外卫生"));
    assert!(!self_care.contains("督促和帮助老人保持个人整洁"));
    let pages = agreement_pages(&a);
    assert!(pages.len() >= 2, "the agreement runs over two A4 pages");
    let drawn: String = pages.iter().flat_map(|p| p.texts()).collect();
    assert!(drawn.contains("村民委员会（代表）签字："));
    for p in &pages {
        for op in &p.ops {
            if let Op::Text { x, y, text, size } = op {
                assert!(*y < A4.1 - 15.0 * MM, "text below the margin: {text}");
                assert!(x + text_width(text, *size) <= A4.0 - 19.0 * MM, "text past the margin: {text}");
            }
        }
    }
}

#[test]
fn wrapping_keeps_lines_within_the_width() {
    let lines = wrap("农村居家互助养老协议书 ABC 123", 10.0, 60.0);
    assert!(lines.len() > 1);
    assert!(lines.iter().all(|l| text_width(l, 10.0) <= 60.0));
    assert_eq!(lines.concat(), "农村居家互助养老协议书 ABC 123");
}
