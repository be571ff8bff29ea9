//! A filled-in agreement for examples, tests, the demo and benchmarks.

use super::{Agreement, CaredElder, Committee, Delegator, Every, Fee, Hours, Kind, Service, Trustee};
use crate::resident_id::check_digit;
use chrono::NaiveDate;

fn id_number(first17: &str) -> String {
    format!("{first17}{}", check_digit(first17).expect("17 digits"))
}

/// A Bazhou family's agreement of the given template: a son working in Guangdong delegates the care of
/// his mother to a neighbour for one year from 2026-12-01, ¥300 a month paid by WeChat.
pub fn sample(kind: Kind) -> Agreement {
    let services = match kind {
        Kind::SelfCare => vec![Service::Cleaning, Service::Bedding, Service::Companionship],
        Kind::Assisted => vec![
            Service::Hygiene,
            Service::Cleaning,
            Service::Bedding,
            Service::ShoppingCooking,
            Service::BuyMedicine,
            Service::Companionship,
        ],
    };
    Agreement {
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f90".into(),
        kind,
        delegator: Delegator {
            name: "李建国".into(),
            id_number: id_number("51190219750314003"),
            relation: "儿子".into(),
            address: "广东省东莞市长安镇沙头社区".into(),
            phone: "13800138000".into(),
        },
        trustee: Trustee {
            name: "陈桂兰".into(),
            id_number: id_number("51190219680922004"),
            address: "巴州区梁永镇斑竹村3组15号".into(),
            phone: "13990001234".into(),
        },
        elder: CaredElder {
            elder: None,
            name: "王秀英".into(),
            address: "巴州区梁永镇斑竹村3组12号".into(),
            phone: "0827-5123456".into(),
        },
        committee: Committee {
            village: "斑竹村".into(), staff: "赵明".into(), phone: "13700001111".into()
        },
        years: 1,
        start: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
        end: NaiveDate::from_ymd_opt(2027, 11, 30).expect("date"),
        place: "被助养老人家中（斑竹村3组12号）".into(),
        hours: Hours::Between { from: 8, to: 11 },
        services,
        extra_services: vec!["代缴水电费".into()],
        fee: Fee { amount_fen: 30000, every: Every::Month, method: "微信转账".into() },
        other_terms: "服务费每月1日前支付当月费用。".into(),
        signed_on: NaiveDate::from_ymd_opt(2026, 11, 25),
        renews: None,
        payments: Vec::new(),
        done: Vec::new(),
        ending: None,
    }
}
