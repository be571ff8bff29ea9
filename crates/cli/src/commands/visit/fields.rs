//! A visit as options (`visit log`, `visit amend`), laid over its JSON: the visit the core is given.

use crate::context::Ctx;
use crate::error::{bad_json, Result};
use crate::parse::{self, elder_id, helper_id, Parsed};
use clap::Args;
use serde_json::{json, Map, Value};
use shouwang_core::visit::{CheckItem, Mode, Service, Verdict, Visit};

/// A visit as options (each overrides the JSON).
#[derive(Debug, Args)]
pub struct VisitFields {
    /// The elder visited (for `log`; `amend` takes it from the original).
    pub elder: Option<String>,
    /// The visit as JSON: a file, or `-` for standard input.
    #[arg(long)]
    pub file: Option<String>,
    /// The helper who visited (default: the elder's current helper).
    #[arg(long)]
    pub helper: Option<String>,
    /// door 上门, phone 电话 or video 视频.
    #[arg(long)]
    pub mode: Option<String>,
    /// When (RFC 3339, or `YYYY-MM-DD HH:MM` China time; default now).
    #[arg(long)]
    pub at: Option<String>,
    /// Minutes.
    #[arg(long)]
    pub duration: Option<u32>,
    /// Checks found fine, comma-separated: food,clothing,housing,medical (吃,穿,住,医); `all` for the four.
    #[arg(long)]
    pub fine: Option<String>,
    /// A check with a concern: `CHECK=NOTE`, e.g. `medical=血压高` (repeatable).
    #[arg(long)]
    pub concern: Vec<String>,
    /// A service given (repeatable or comma-separated): 五帮 and Bazhou's five, code or Chinese.
    #[arg(long)]
    pub service: Vec<String>,
    /// Anything to follow up.
    #[arg(long)]
    pub follow_up: Option<String>,
    /// Where the device was: `LAT,LON` or `LAT,LON,ACCURACY_M`.
    #[arg(long)]
    pub position: Option<String>,
    /// Open a case 个案 at 发现 from the visit's concerns (refused when every check is fine).
    #[arg(long)]
    pub open_case: bool,
}

fn check_item(raw: &str) -> Parsed<CheckItem> {
    parse::choice("check", raw, CheckItem::parse, format!("{} (吃, 穿, 住, 医)", CheckItem::codes()))
}

/// The visit the options describe, on top of `base` (the JSON file, or the original for an amendment).
pub fn build(ctx: &Ctx, mut map: Map<String, Value>, f: &VisitFields) -> Result<Visit> {
    if let Some(e) = &f.elder {
        map.insert("elder".into(), json!(elder_id(e)?));
    }
    if let Some(h) = &f.helper {
        map.insert("helper".into(), json!(helper_id(h)?));
    }
    if let Some(m) = &f.mode {
        map.insert("mode".into(), json!(parse::choice("mode", m, Mode::parse, Mode::codes())?.code()));
    }
    if let Some(at) = &f.at {
        map.insert("at".into(), json!(parse::time("at", at)?));
    }
    map.entry("at").or_insert_with(|| json!(ctx.now));
    if let Some(d) = f.duration {
        map.insert("duration_minutes".into(), json!(d));
    }
    if !map.contains_key("duration_minutes") {
        // The mode's usual length (core's Mode::usual_minutes).
        let mode = map.get("mode").and_then(Value::as_str).and_then(Mode::parse).unwrap_or(Mode::Phone);
        map.insert("duration_minutes".into(), json!(mode.usual_minutes()));
    }
    let checks = map.entry("checks").or_insert_with(|| json!({}));
    if let Some(fine) = &f.fine {
        let items: Vec<CheckItem> = if fine.trim() == "all" {
            CheckItem::ALL.to_vec()
        } else {
            fine.split([',', '，']).filter(|s| !s.trim().is_empty()).map(check_item).collect::<Parsed<_>>()?
        };
        for item in items {
            checks[item.code()] = json!({ "verdict": Verdict::Fine.code() });
        }
    }
    for c in &f.concern {
        let (item, note) = c.split_once('=').unwrap_or((c, ""));
        checks[check_item(item)?.code()] = json!({ "verdict": Verdict::Concern.code(), "note": note });
    }
    if !f.service.is_empty() {
        let services: Vec<&str> = f
            .service
            .iter()
            .flat_map(|s| s.split([',', '，', '、']))
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse::choice("service", s, Service::parse, Service::codes()).map(Service::code))
            .collect::<Parsed<_>>()?;
        map.insert("services".into(), json!(services));
    }
    if let Some(x) = &f.follow_up {
        map.insert("follow_up".into(), json!(x));
    }
    if let Some(p) = &f.position {
        let (pos, acc) = parse::position("position", p)?;
        map.insert("position".into(), json!({ "lat": pos.lat, "lon": pos.lon, "accuracy_m": acc }));
    }
    Ok(serde_json::from_value(Value::Object(map)).map_err(|e| {
        bad_json(
            &e,
            format!("探访记录不完整或格式有误：{e}"),
            format!("the visit is incomplete or malformed: {e}"),
        )
    })?)
}

/// The JSON of `--file` (a file, or `-` for standard input), else nothing.
pub fn base(f: &VisitFields) -> Result<Map<String, Value>> {
    match &f.file {
        None => Ok(Map::new()),
        Some(file) => Ok(parse::json_input(Some(std::path::Path::new(file)), "探访记录", "a visit")?),
    }
}

/// The original visit as the base of its amendment: its JSON without what the store sets, with the
/// JSON of `--file` laid over it.
pub fn amending(original: &Visit, file: Map<String, Value>) -> Map<String, Value> {
    let Value::Object(mut map) = serde_json::to_value(original).expect("serialises") else {
        unreachable!("a visit is an object")
    };
    for k in ["id", "amends", "recorded_at", "home_distance_m"] {
        map.remove(k);
    }
    map.extend(file);
    map
}
