//! The fixture backend: the app's real commands on a deterministic scene, driven by JSON lines, for
//! recording the UI's browser-test fixtures (`SHOUWANG_RECORD=1 npm test` in `ui/` starts it from
//! `ui/e2e/server.mjs`). One request a line on stdin, one answer a line on stdout:
//!
//! - `{"scene": name, "open": {options}}` starts a fresh device for the scene (see [`scene::Options`])
//!   → `{"ok": null}`;
//! - `{"scene": name, "call": cmd, "args": {...}}` → `{"ok": answer}` or `{"err": AppError}`, with
//!   `"events"` when the call emitted any;
//! - `{"scene": name, "close": true}` drops the scene's device.
//!
//! Build it with `cargo build -p shouwang-app --examples`.

use serde_json::{json, Value};
use shouwang_app_lib as app;
use std::collections::HashMap;
use std::io::{BufRead, Write};

#[path = "scene.rs"]
mod scene;

fn main() {
    let mut scenes: HashMap<String, scene::Scene> = HashMap::new();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Err(e) => {
                json!({ "err": { "kind": "failed", "field": null, "message": format!("fixture backend: {e}"), "en": format!("fixture backend: {e}"), "violations": [] } })
            }
            Ok(req) => handle(&mut scenes, &req),
        };
        let _ = writeln!(out, "{answer}");
        let _ = out.flush();
    }
}

fn handle(scenes: &mut HashMap<String, scene::Scene>, req: &Value) -> Value {
    let name = req["scene"].as_str().unwrap_or_default().to_string();
    if let Some(options) = req.get("open") {
        scenes.remove(&name);
        scenes.insert(name, scene::Scene::open(&scene::Options::from_json(options)));
        return json!({ "ok": null });
    }
    if req.get("close").is_some() {
        scenes.remove(&name);
        return json!({ "ok": null });
    }
    let Some(cmd) = req["call"].as_str() else {
        return json!({ "err": { "kind": "failed", "field": null, "message": "fixture backend: neither open nor call", "en": "fixture backend: neither open nor call", "violations": [] } });
    };
    match scenes.get(&name) {
        Some(s) => s.call(cmd, &req["args"]),
        None => {
            json!({ "err": { "kind": "failed", "field": null, "message": format!("fixture backend: scene {name} not open"), "en": format!("fixture backend: scene {name} not open"), "violations": [] } })
        }
    }
}
