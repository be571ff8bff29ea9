//! Care agreements 农村居家互助养老协议书 (seed 000, 附件3 for self-care elders 自理, 附件4 for elders
//! needing help or nursing 介助/介护).
//!
//! An [`Agreement`] holds what the template's blanks hold: the delegating family member A 甲方（委托人）,
//! the trustee B 乙方（受托人）, the elder 被助养老人 and the village committee's witnessing staff member
//! 村民委员会（监督见证代表）; the period, place and daily hours; the services ticked from the template's
//! list ([`Service`]) plus free items; the fee and how and when it is paid (六、其他约定); the payments
//! recorded and the recurring duties done. [`validate`] checks it, [`reminders`] turns its recurring
//! duties into dated reminders, [`end`] and [`renew`] follow the template's 五、解除协议.
//!
//! ```
//! use shouwang_core::agreement::{self, Kind};
//! let mut a = agreement::sample(Kind::Assisted);
//! agreement::validate(&mut a).unwrap();
//! a.end = a.start; // the period must end after it starts
//! let problems = agreement::validate(&mut a).unwrap_err();
//! assert!(problems.iter().any(|p| p.field == "end" && p.rule.code() == "end_not_after_start"));
//! ```

mod reminder;
mod rule;
mod sample;
#[cfg(test)]
mod tests;

pub use reminder::{end, reminders, renew, Duty, EndError, Reminder, ReminderKind, NOTICE_DAYS, SETTLE_DAYS};
pub use rule::{validate, AgreementRule, Problem};
pub use sample::sample;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Which template: 附件3 or 附件4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 附件3, 适用于自理老人.
    SelfCare,
    /// 附件4, 适用于介助\介护老人.
    Assisted,
}

impl Kind {
    /// The template's subtitle.
    pub fn zh(self) -> &'static str {
        match self {
            Kind::SelfCare => "适用于自理老人",
            Kind::Assisted => "适用于介助\\介护老人",
        }
    }

    /// The seed's attachment number.
    pub fn attachment(self) -> &'static str {
        match self {
            Kind::SelfCare => "附件3",
            Kind::Assisted => "附件4",
        }
    }

    /// The services the template lists under 三、2, in its order.
    pub fn services(self) -> &'static [Service] {
        match self {
            Kind::SelfCare => &[
                Service::Cleaning,
                Service::Bedding,
                Service::MedicineAndDoctor,
                Service::Companionship,
                Service::OtherReasonable,
            ],
            Kind::Assisted => &[
                Service::Hygiene,
                Service::Cleaning,
                Service::Bedding,
                Service::ShoppingCooking,
                Service::BuyMedicine,
                Service::HealthWatch,
                Service::Companionship,
                Service::OtherReasonable,
            ],
        }
    }
}

/// A service from the templates' lists (三、乙方的权利和义务 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// 附件4 (1): 督促和帮助老人保持个人整洁.
    Hygiene,
    /// 帮助打扫室内外卫生 / 打扫室内外卫生.
    Cleaning,
    /// 每月洗涤被罩、床单、枕套一次.
    Bedding,
    /// 附件4 (4): 代为买菜、做饭、烧水等.
    ShoppingCooking,
    /// 附件4 (5): 代为配药、买药.
    BuyMedicine,
    /// 附件3 (3): 观察老人身体状况，代为买药，必要时送医治疗.
    MedicineAndDoctor,
    /// 附件4: 观察老人身体状况，帮助老人及时就医.
    HealthWatch,
    /// 陪老人聊天，提供心理慰藉.
    Companionship,
    /// 按照老人需求，提供其他合理服务.
    OtherReasonable,
}

impl Service {
    /// The template's words for this service in the given template.
    pub fn zh(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (Service::Hygiene, _) => "督促和帮助老人保持个人整洁",
            (Service::Cleaning, Kind::SelfCare) => "帮助打扫室内外卫生",
            (Service::Cleaning, Kind::Assisted) => "打扫室内外卫生",
            (Service::Bedding, _) => "每月洗涤被罩、床单、枕套一次",
            (Service::ShoppingCooking, _) => "代为买菜、做饭、烧水等",
            (Service::BuyMedicine, _) => "代为配药、买药",
            (Service::MedicineAndDoctor, _) => "观察老人身体状况，代为买药，必要时送医治疗",
            (Service::HealthWatch, _) => "观察老人身体状况，帮助老人及时就医",
            (Service::Companionship, _) => "陪老人聊天，提供心理慰藉",
            (Service::OtherReasonable, _) => "按照老人需求，提供其他合理服务",
        }
    }

    /// Short words for a contact card or a list.
    pub fn short_zh(self) -> &'static str {
        match self {
            Service::Hygiene => "个人整洁",
            Service::Cleaning => "打扫卫生",
            Service::Bedding => "洗涤被褥",
            Service::ShoppingCooking => "买菜做饭",
            Service::BuyMedicine => "配药买药",
            Service::MedicineAndDoctor => "代为买药、送医",
            Service::HealthWatch => "观察身体、及时就医",
            Service::Companionship => "聊天慰藉",
            Service::OtherReasonable => "其他合理服务",
        }
    }
}

/// 甲方（委托人）: the family member who delegates the care.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegator {
    /// 姓名
    pub name: String,
    /// 身份证号码
    pub id_number: String,
    /// 与被助养老人关系, e.g. 儿子.
    pub relation: String,
    /// 家庭住址
    pub address: String,
    /// 联系方式
    pub phone: String,
}

/// 乙方（受托人）: the trustee who gives the care.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trustee {
    /// 姓名
    pub name: String,
    /// 身份证号码
    pub id_number: String,
    /// 家庭住址
    pub address: String,
    /// 联系方式
    pub phone: String,
}

/// 被助养老人（留守老人）.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaredElder {
    /// The elder's registry id, when registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elder: Option<crate::elder::ElderId>,
    /// 姓名
    pub name: String,
    /// 家庭住址
    pub address: String,
    /// 联系方式 (may be empty: many elders have no phone).
    #[serde(default)]
    pub phone: String,
}

/// 村民委员会（监督见证代表）.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Committee {
    /// The committee's name as written, e.g. 斑竹村.
    pub village: String,
    /// 派出工作人员: the staff member who witnesses and supervises.
    pub staff: String,
    /// The staff member's phone.
    #[serde(default)]
    pub phone: String,
}

/// 每日提供助养服务时间: 从 时至 时, or 每天 个小时.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hours {
    /// 从 `from` 时至 `to` 时.
    Between {
        /// Starting hour, 0–23.
        from: u8,
        /// Ending hour, 1–24, after `from`.
        to: u8,
    },
    /// 每天 `hours` 个小时.
    PerDay {
        /// Hours a day, 1–24.
        hours: u8,
    },
}

/// How often the fee falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    /// 按月
    Month,
    /// 按季度
    Quarter,
    /// 按半年
    HalfYear,
    /// 按年
    Year,
    /// 一次性 (at the start)
    Once,
}

impl Every {
    /// Months between two due dates (`None` for a single payment).
    pub fn months(self) -> Option<u32> {
        match self {
            Every::Month => Some(1),
            Every::Quarter => Some(3),
            Every::HalfYear => Some(6),
            Every::Year => Some(12),
            Every::Once => None,
        }
    }

    /// The Chinese words.
    pub fn zh(self) -> &'static str {
        match self {
            Every::Month => "每月",
            Every::Quarter => "每季度",
            Every::HalfYear => "每半年",
            Every::Year => "每年",
            Every::Once => "一次性",
        }
    }
}

/// 费用支付数额、支付方式、支付时间 (六、其他约定).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// Amount due each period, in fen (分): 30000 is ¥300.00.
    pub amount_fen: i64,
    /// How often.
    pub every: Every,
    /// 支付方式, e.g. 微信转账, 现金.
    pub method: String,
}

/// A payment A made to B.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// Paid on.
    pub on: NaiveDate,
    /// Amount in fen.
    pub amount_fen: i64,
    /// A note (receipt number, method).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A recurring duty done: A phoned B, B reported to A, the committee checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Done {
    /// Which duty.
    pub duty: Duty,
    /// When.
    pub on: NaiveDate,
}

/// Who ends an agreement early and why (五、解除协议).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// 五.2: either side, no fault: 15 days' notice.
    NoFault,
    /// 五.3: B, because A is a month late paying; A settles within 10 days.
    NonPayment,
    /// 二.7 and 五.4: A, because B harms the elder or does not do the work; at any time.
    TrusteeFault,
    /// 五.5: B, because disputes (religion, temper) endanger the service; at once.
    Disputes,
}

impl EndReason {
    /// The Chinese words.
    pub fn zh(self) -> &'static str {
        match self {
            EndReason::NoFault => "无过错提前解除（提前15日通知）",
            EndReason::NonPayment => "甲方逾期一个月不交纳服务费",
            EndReason::TrusteeFault => "乙方未尽职尽责或损害权益",
            EndReason::Disputes => "易生纠纷影响服务质量或引发伤害",
        }
    }
}

/// Which party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// 甲方
    Delegator,
    /// 乙方
    Trustee,
}

/// An early end: who gave notice, when, and from when it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ending {
    /// Who asked.
    pub by: Party,
    /// Why.
    pub reason: EndReason,
    /// Notice given on.
    pub notice_on: NaiveDate,
    /// The agreement ends on.
    pub end_on: NaiveDate,
}

/// One care agreement as the template 附件3 / 附件4 reads, with its payments and duties done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// Its id (random 32 hex when created by [`renew`] or the store).
    #[serde(default)]
    pub id: String,
    /// Which template.
    pub kind: Kind,
    /// 甲方（委托人）
    pub delegator: Delegator,
    /// 乙方（受托人）
    pub trustee: Trustee,
    /// 被助养老人
    pub elder: CaredElder,
    /// 村民委员会（监督见证代表）
    pub committee: Committee,
    /// 服务期限：_____年.
    pub years: u32,
    /// 自 年 月 日起.
    pub start: NaiveDate,
    /// 至 年 月 日止.
    pub end: NaiveDate,
    /// 服务地点
    pub place: String,
    /// 每日提供助养服务时间
    pub hours: Hours,
    /// Services ticked from the template's list.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Services agreed beyond the list, in the parties' words.
    #[serde(default)]
    pub extra_services: Vec<String>,
    /// The fee.
    pub fee: Fee,
    /// 其他约定 beyond the fee, in the parties' words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub other_terms: String,
    /// Signed on (自签订之日起生效).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_on: Option<NaiveDate>,
    /// The agreement this one renews (五.1 继续签订新一轮协议).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews: Option<String>,
    /// Payments recorded.
    #[serde(default)]
    pub payments: Vec<Payment>,
    /// Recurring duties done.
    #[serde(default)]
    pub done: Vec<Done>,
    /// An early end, once agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending: Option<Ending>,
}

impl Agreement {
    /// The last day of service: the early end if there is one, else the end date.
    pub fn last_day(&self) -> NaiveDate {
        self.ending.as_ref().map_or(self.end, |e| e.end_on.min(self.end))
    }

    /// Due dates of the fee, in order: the start, then every period while before the end.
    pub fn due_dates(&self) -> Vec<NaiveDate> {
        let Some(step) = self.fee.every.months() else { return vec![self.start] };
        let mut out = Vec::new();
        let mut k = 0;
        while let Some(d) = self.start.checked_add_months(Months::new(step * k)) {
            if d > self.end {
                break;
            }
            out.push(d);
            k += 1;
        }
        out
    }

    /// The services in the template's words, then the free items.
    pub fn service_lines(&self) -> Vec<String> {
        self.kind
            .services()
            .iter()
            .filter(|s| self.services.contains(s))
            .map(|s| s.zh(self.kind).to_string())
            .chain(self.extra_services.iter().cloned())
            .collect()
    }
}

/// ¥ and two decimals from fen ([`crate::money::Fen`]'s display).
pub fn yuan(fen: i64) -> String {
    crate::money::Fen(fen).to_string()
}
