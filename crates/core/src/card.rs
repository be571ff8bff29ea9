//! The contact card 明白卡 (seed 004, 附件4 《巴州区农村互助养老明白卡》): who to call for one elder — the
//! village's liaison leader 联村领导, the village team member in charge of the household
//! 村互助小队联户人员 and the helper 互助员, each with title and phone — the elder 受助对象 and the services
//! agreed 互助内容. It hangs in the elder's home and the family keeps it, so it is built from the
//! organisation, the helper and the elder's name and address only: it has no field for an ID number or
//! health data. Its QR code enrols a family device scoped to this elder; the enrolment code comes from
//! the relay and is passed in.
//!
//! ```
//! use shouwang_core::card::{ContactCard, Enrolment};
//! use shouwang_core::org::{Body, Member, Org};
//! let mut org = Org::default();
//! org.village.members.push(Member { id: "m1".into(), name: "李华".into(), title: "联户人员".into(), phone: Some("13900001111".into()) });
//! let elder = shouwang_core::demo::sample_elder();
//! let card = ContactCard::build("巴州区", &org, &(&elder).into(), None, vec!["巡访".into()]);
//! assert_eq!(card.team_member.unwrap().name, "李华");
//! assert_eq!(Enrolment::new("https://relay.example.cn", "K7Q2").payload(), "shouwang://enrol?relay=https://relay.example.cn&code=K7Q2");
//! ```

use crate::elder::Elder;
use crate::helper::Helper;
use crate::org::{Member, Org};
use serde::Serialize;

/// One person on the card: 职务 and 电话, with the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// 职务
    pub title: String,
    /// 电话
    pub phone: Option<String>,
}

impl From<&Member> for Contact {
    fn from(m: &Member) -> Contact {
        Contact { name: m.name.clone(), title: m.title.clone(), phone: m.phone.clone() }
    }
}

/// The elder as the card names them: name and address, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardElder {
    /// 姓名
    pub name: String,
    /// 现居住地址
    pub address: String,
}

impl From<&Elder> for CardElder {
    fn from(e: &Elder) -> CardElder {
        CardElder { name: e.name.clone(), address: e.address.clone() }
    }
}

impl From<&crate::store::Card> for CardElder {
    fn from(c: &crate::store::Card) -> CardElder {
        CardElder { name: c.name.clone(), address: c.address.clone() }
    }
}

/// What the QR code enrols: a family device on this relay with this one-time code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enrolment {
    /// The relay's URL.
    pub relay: String,
    /// The enrolment code the relay issued for this elder's family.
    pub code: String,
    /// The device's key bundle (`SWK1.…`, [`crate::keys::KeyBundle`]): the keys never go through the
    /// relay, only through this QR code.
    pub keys: Option<String>,
}

impl Enrolment {
    /// An enrolment link for `relay` and `code`.
    pub fn new(relay: &str, code: &str) -> Enrolment {
        Enrolment { relay: relay.trim().to_string(), code: code.trim().to_string(), keys: None }
    }

    /// The same link carrying a key bundle's text.
    pub fn with_keys(mut self, bundle: &str) -> Enrolment {
        self.keys = Some(bundle.trim().to_string());
        self
    }

    /// `shouwang://enrol?relay=<url>&code=<code>[&keys=<bundle>]`, the payload the QR code carries (a
    /// bundle is base64url: no escaping needed).
    pub fn payload(&self) -> String {
        let mut out = format!("shouwang://enrol?relay={}&code={}", self.relay, self.code);
        if let Some(keys) = &self.keys {
            out.push_str("&keys=");
            out.push_str(keys);
        }
        out
    }

    /// Reads a payload written by [`Enrolment::payload`]; `None` if it is not one.
    pub fn parse(payload: &str) -> Option<Enrolment> {
        let query = payload.trim().strip_prefix("shouwang://enrol?")?;
        let (mut relay, mut code, mut keys) = (None, None, None);
        for part in query.split('&') {
            match part.split_once('=')? {
                ("relay", v) => relay = Some(v),
                ("code", v) => code = Some(v),
                ("keys", v) => keys = Some(v.to_string()),
                _ => {}
            }
        }
        Some(Enrolment { keys, ..Enrolment::new(relay?, code?) })
    }
}

/// A contact card 明白卡.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactCard {
    /// The card's heading, e.g. 巴州区农村互助养老明白卡.
    pub heading: String,
    /// 联村领导
    pub liaison_leader: Option<Contact>,
    /// 村互助小队联户人员
    pub team_member: Option<Contact>,
    /// 互助员
    pub helper: Option<Contact>,
    /// 受助对象
    pub elder: CardElder,
    /// 互助内容
    pub services: Vec<String>,
    /// The QR code's enrolment, if a code was issued.
    pub enrolment: Option<Enrolment>,
}

/// Titles that mark the liaison leader.
const LIAISON: &[&str] = &["联村领导", "联村"];
/// Titles that mark the team member in charge of households.
const IN_CHARGE: &[&str] = &["联户人员", "联户"];

fn find<'a>(members: impl Iterator<Item = &'a Member>, titles: &[&str]) -> Option<&'a Member> {
    let all: Vec<&Member> = members.collect();
    titles.iter().find_map(|t| all.iter().copied().find(|m| m.title.contains(t)))
}

impl ContactCard {
    /// The card of `elder`, headed `<area>农村互助养老明白卡`: the liaison leader is the first member of
    /// any level titled 联村领导 (联村); the team member in charge is the village team's member titled
    /// 联户人员 (联户), else the team's first member (its leader); the helper is `helper`, titled 互助员.
    pub fn build(
        area: &str,
        org: &Org,
        elder: &CardElder,
        helper: Option<&Helper>,
        services: Vec<String>,
    ) -> ContactCard {
        let everyone = org.levels().into_iter().flat_map(|(_, _, body)| body.members.iter());
        let liaison_leader = find(everyone, LIAISON).map(Contact::from);
        let team_member = find(org.village.members.iter(), IN_CHARGE)
            .or_else(|| org.village.members.first())
            .map(Contact::from);
        let helper =
            helper
                .map(|h| Contact { name: h.name.clone(), title: "互助员".into(), phone: h.phone.clone() });
        ContactCard {
            heading: format!("{area}农村互助养老明白卡"),
            liaison_leader,
            team_member,
            helper,
            elder: elder.clone(),
            services,
            enrolment: None,
        }
    }

    /// The card with a QR code for `enrolment`.
    pub fn with_enrolment(mut self, enrolment: Enrolment) -> ContactCard {
        self.enrolment = Some(enrolment);
        self
    }

    /// The three rows of contacts with the form's labels.
    pub fn rows(&self) -> [(&'static str, Option<&Contact>); 3] {
        [
            ("联村领导", self.liaison_leader.as_ref()),
            ("村互助小队联户人员", self.team_member.as_ref()),
            ("互助员", self.helper.as_ref()),
        ]
    }
}

/// Splits a free-text service list (受助内容 as offices type it) on 、，,;； and spaces.
pub fn split_services(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', ';', '；', ' ', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
