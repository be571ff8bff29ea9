//! The data the sync benchmark and the dictionary trainer send: demo elders as the automerge changes
//! a store makes of them, and "visit-sized records" — what a home visit will hold once visits exist —
//! as automerge changes, as JSON lines and as ODK-style XML submissions, the same fields in each.
//!
//! A visit is written with `shouwang_core::crdt::reconcile` in one of two [`Layout`]s: a new small
//! document per visit (one change, no dependencies: what the benchmark sends), or appended to a
//! per-elder visits document (`{"visits": [{"id": …, …}]}`, each change depending on the previous).

#![allow(dead_code)]

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit};
use serde_json::{json, Map, Value};
use shouwang_core::demo::{demo_village, DemoVillage, Rng};
use shouwang_core::doc::{split, DocKind};
use shouwang_core::elder::{Elder, ElderId};
use shouwang_protocol::{Change, DocRef};

/// 2026-11-01T08:00:00+08:00, the first visit day of the demo month, in unix seconds.
const MONTH_START: i64 = 1_761_955_200;

const FINE: &[&str] = &[
    "正常",
    "吃得下，自己做饭",
    "衣服够穿",
    "房子干燥",
    "按时吃药",
    "精神好",
    "儿子寄了棉被",
    "邻居帮忙挑水",
];
const CONCERN: &[&str] = &[
    "最近胃口不好，只吃一顿",
    "冬衣不够，需要棉鞋",
    "屋顶漏雨，要找人修",
    "血压偏高，药快吃完了",
    "腿疼走路不便",
    "一个人住，晚上害怕",
    "灶台坏了",
    "感冒咳嗽三天",
];
const SERVICES: &[&str] = &[
    "代购药品",
    "打扫卫生",
    "测量血压",
    "代缴电费",
    "陪同就医",
    "送米送油",
    "理发",
    "心理慰藉",
    "代办低保材料",
];
const FOLLOW_UPS: &[&str] =
    &["下周再来看血压", "联系村医上门", "告知儿子回电话", "月底送棉鞋", "跟村委会反映屋顶", "无"];
const CHECKS: [&str; 4] = ["food", "clothing", "housing", "medical"];

/// One visit as JSON: the same content for every format.
pub fn visit(elder: &Elder, helper: &str, n: usize, rng: &mut Rng) -> Map<String, Value> {
    let at = MONTH_START + (n as i64 % 28) * 86_400 + rng.range(0, 9 * 3600);
    let time = chrono::DateTime::from_timestamp(at, 0)
        .expect("a time")
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("+08:00"));
    let checks: Map<String, Value> = CHECKS
        .iter()
        .map(|c| {
            let concern = rng.chance(0.2);
            let note = if concern { rng.pick(CONCERN) } else { rng.pick(FINE) };
            (c.to_string(), json!({"state": if concern { "concern" } else { "fine" }, "note": note}))
        })
        .collect();
    let mut services: Vec<&str> = Vec::new();
    while services.len() < rng.range(2, 3) as usize {
        let s = *rng.pick(SERVICES);
        if !services.contains(&s) {
            services.push(s);
        }
    }
    let home = elder.home.expect("demo elders have a home");
    let gps = json!({"lat": (home.lat * 1e5).round() / 1e5, "lon": (home.lon * 1e5).round() / 1e5});
    let Value::Object(map) = json!({
        "id": format!("{:016x}", rng.next_u64()),
        "at": time.to_rfc3339(),
        "helper": helper,
        "mode": if rng.chance(0.8) { "home" } else { "phone" },
        "checks": checks,
        "services": services,
        "follow_up": rng.pick(FOLLOW_UPS),
        "gps": gps,
    }) else {
        unreachable!()
    };
    map
}

/// The id key of the benchmark's village.
pub const ID_KEY: [u8; 32] = [7; 32];

/// The id of an elder as a store holding [`ID_KEY`] derives it.
pub fn elder_id(elder: &Elder) -> ElderId {
    ElderId::keyed(&ID_KEY, elder.id_number.as_deref().expect("demo elders have ID numbers"))
}

fn wire_change(elder: &ElderId, kind: &str, change: &automerge::Change) -> Change {
    Change { doc: DocRef { elder: elder.to_string(), kind: kind.into() }, bytes: change.raw_bytes().to_vec() }
}

/// The changes a store makes when it registers `elder`: one per non-empty document.
pub fn elder_changes(elder: &Elder, actor: &ActorId, at_millis: i64) -> Vec<Change> {
    let id = elder_id(elder);
    split(elder)
        .into_iter()
        .filter(|(_, part)| !part.is_empty())
        .map(|(kind, part): (DocKind, _)| {
            let mut doc = AutoCommit::new();
            doc.set_actor(actor.clone());
            shouwang_core::crdt::reconcile(&mut doc, &part).expect("demo content reconciles");
            doc.commit_with(CommitOptions::default().with_time(at_millis));
            let change = doc.get_last_local_change().expect("a change").clone();
            wire_change(&id, kind.code(), &change)
        })
        .collect()
}

/// How visits are kept in automerge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One new small document per visit.
    NewDoc,
    /// Appended to the elder's visits document, which already holds earlier visits.
    Appended,
}

/// A month (or a year) of visits.
pub struct Visits {
    /// Every visit's JSON, in the order written.
    pub json: Vec<(ElderId, Map<String, Value>)>,
    /// Every visit as the automerge change that appended it, addressed for the wire to the elder's
    /// `visits` document (what a helper's tablet writes; until issue 14 the benchmark addressed them to
    /// `assignment`, four bytes longer, which a helper may no longer write).
    pub changes: Vec<Change>,
}

impl Visits {
    /// `per_elder` visits to each of `elders` by one helper's device, interleaved as a month is.
    /// Each elder's visits document already holds earlier visits (one change, not sent), as it does
    /// in any month but the first.
    pub fn generate(elders: &[Elder], per_elder: usize, seed: u64, layout: Layout) -> Visits {
        let mut rng = Rng::new(seed);
        let actor = ActorId::from(rng.next_u64().to_be_bytes().repeat(2));
        let helper = format!("h{:08x}", rng.next_u64() as u32);
        let mut docs: Vec<(AutoCommit, Vec<Value>)> = elders
            .iter()
            .take(if layout == Layout::Appended { elders.len() } else { 0 })
            .map(|e| {
                let mut doc = AutoCommit::new();
                doc.set_actor(actor.clone());
                let earlier = vec![Value::Object(visit(e, &helper, 0, &mut rng))];
                let content = json!({"visits": earlier}).as_object().cloned().expect("an object");
                shouwang_core::crdt::reconcile(&mut doc, &content).expect("reconciles");
                doc.commit_with(CommitOptions::default().with_time(MONTH_START * 1000 - 86_400_000));
                (doc, earlier)
            })
            .collect();
        let mut out = Visits { json: Vec::new(), changes: Vec::new() };
        for round in 0..per_elder {
            for (i, elder) in elders.iter().enumerate() {
                let v = visit(elder, &helper, round * 7 + i, &mut rng);
                let id = elder_id(elder);
                if layout == Layout::NewDoc {
                    out.changes.push(Visits::new_doc_change(&id, &v, &actor));
                    out.json.push((id, v));
                    continue;
                }
                let (doc, list) = &mut docs[i];
                list.push(Value::Object(v.clone()));
                let content = json!({"visits": list}).as_object().cloned().expect("an object");
                shouwang_core::crdt::reconcile(doc, &content).expect("reconciles");
                let at = chrono::DateTime::parse_from_rfc3339(v["at"].as_str().expect("at")).expect("a time");
                doc.commit_with(CommitOptions::default().with_time(at.timestamp_millis()));
                let change = doc.get_last_local_change().expect("a change").clone();
                out.changes.push(wire_change(&id, "visits", &change));
                out.json.push((id, v));
            }
        }
        out
    }

    /// The other layout: the visit written as a new small document of its own.
    pub fn new_doc_change(elder: &ElderId, visit: &Map<String, Value>, actor: &ActorId) -> Change {
        let mut doc = AutoCommit::new();
        doc.set_actor(actor.clone());
        shouwang_core::crdt::reconcile(&mut doc, visit).expect("reconciles");
        let at = visit["at"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        doc.commit_with(CommitOptions::default().with_time(at.map_or(0, |t| t.timestamp_millis())));
        let change = doc.get_last_local_change().expect("a change").clone();
        wire_change(elder, "visits", &change)
    }
}

/// The demo elders of a village or township.
pub fn elders(n: usize, seed: u64) -> Vec<Elder> {
    demo_village(&DemoVillage::bazhou(), n, seed)
}

/// A visit as one JSON line, with its elder.
pub fn json_line(elder: &ElderId, visit: &Map<String, Value>) -> String {
    let mut line = visit.clone();
    line.insert("elder".into(), Value::String(elder.to_string()));
    serde_json::to_string(&line).expect("json") + "\n"
}

/// A visit as ODK Collect submits it: one XML instance per record, uncompressed.
pub fn odk_xml(elder: &ElderId, visit: &Map<String, Value>, uuid: u128) -> String {
    let s = |k: &str| visit[k].as_str().unwrap_or_default().to_string();
    let u = format!("{uuid:032x}");
    let mut xml = format!(
        "<?xml version='1.0' ?><data id=\"home_visit\" version=\"2026110101\" \
         xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\">\
         <elder>{elder}</elder><visited_at>{}</visited_at><helper>{}</helper><mode>{}</mode>",
        s("at"),
        s("helper"),
        s("mode")
    );
    for c in CHECKS {
        let check = &visit["checks"][c];
        xml += &format!(
            "<{c}><state>{}</state><note>{}</note></{c}>",
            check["state"].as_str().unwrap_or_default(),
            check["note"].as_str().unwrap_or_default()
        );
    }
    let services: Vec<&str> =
        visit["services"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    xml += &format!(
        "<services>{}</services><follow_up>{}</follow_up><gps>{} {} 0.0 5.0</gps>",
        services.join(" "),
        s("follow_up"),
        visit["gps"]["lat"],
        visit["gps"]["lon"]
    );
    xml += &format!(
        "<meta><instanceID>uuid:{}-{}-{}-{}-{}</instanceID></meta></data>",
        &u[..8],
        &u[8..12],
        &u[12..16],
        &u[16..20],
        &u[20..]
    );
    xml
}

/// The body ODK Collect posts for one submission: the XML instance as a `multipart/form-data` part.
pub fn odk_submission(xml: &str) -> String {
    let boundary = "----ODKCollectBoundary7MA4YWxkTrZu0gW";
    format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; \
         filename=\"submission.xml\"\r\nContent-Type: text/xml\r\n\r\n{xml}\r\n--{boundary}--\r\n"
    )
}
