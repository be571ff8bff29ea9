//! The UI's browser tests replay fixtures (`ui/e2e/fixtures/*.json`): each scene's calls with what the
//! real commands answered. This test replays every fixture through the commands on the same
//! deterministic scene (`examples/fixture_backend/scene.rs`, the recorder's own copy) and fails, with
//! the differences, when an answer has changed: a stale fixture fails CI as stale bindings do.
//! `SHOUWANG_WRITE_FIXTURES=1 cargo test -p shouwang-app fixtures` writes the new answers instead (a
//! scene whose calls themselves changed is recorded again from the UI: `SHOUWANG_RECORD=1 npm test`).
//!
//! The id stream is the whole process's, so the replay runs in a child process of this test binary
//! that runs this test alone.

use crate as app;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[path = "../../examples/fixture_backend/scene.rs"]
mod scene;

const CHILD: &str = "SHOUWANG_FIXTURES_CHILD";
const TEST: &str = "tests::fixtures::the_uis_fixtures_hold_what_the_commands_answer";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/e2e/fixtures")
}

#[test]
fn the_uis_fixtures_hold_what_the_commands_answer() {
    if std::env::var_os(CHILD).is_none() {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let report: Vec<&str> =
            stdout.lines().filter(|l| !l.starts_with("running") && !l.starts_with("test ")).collect();
        assert!(out.status.success(), "{}\n{}", report.join("\n"), String::from_utf8_lossy(&out.stderr));
        return;
    }
    let write = std::env::var_os("SHOUWANG_WRITE_FIXTURES").is_some_and(|v| v == "1");
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let mut stale = Vec::new();
    for file in &files {
        let mut fixture: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let device = scene::Scene::open(&scene::Options::from_json(&fixture["options"]));
        let mut changed = false;
        for (i, call) in fixture["calls"].as_array_mut().into_iter().flatten().enumerate() {
            let cmd = call["cmd"].as_str().unwrap_or_default().to_string();
            let answer = device.call(&cmd, &call["args"]);
            let mut diffs = Vec::new();
            diff("", &call["answer"], &answer, &mut diffs);
            if !diffs.is_empty() {
                let shown: Vec<String> = diffs.iter().take(6).cloned().collect();
                stale.push(format!(
                    "{name}, call {} ({cmd} {}):\n    {}{}",
                    i + 1,
                    call["args"],
                    shown.join("\n    "),
                    if diffs.len() > 6 {
                        format!("\n    … {} more", diffs.len() - 6)
                    } else {
                        String::new()
                    }
                ));
                call["answer"] = answer;
                changed = true;
            }
        }
        if write && changed {
            std::fs::write(file, serde_json::to_string_pretty(&fixture).unwrap() + "\n").unwrap();
        }
    }
    if write {
        println!("{} fixtures rewritten", stale.len());
        return;
    }
    assert!(
        stale.is_empty(),
        "{} answers of the UI's fixtures are not what the commands answer now (recorded → now):\n{}\n\
         Write the new answers with SHOUWANG_WRITE_FIXTURES=1 cargo test -p shouwang-app fixtures, then run the \
         UI tests (cd ui && npm test); if the UI's calls changed too, record again: README, \"UI tests\".",
        stale.len(),
        stale.join("\n")
    );
}

/// Where `was` and `now` differ, as `path: was → now` (none: the same answer).
fn diff(path: &str, was: &Value, now: &Value, out: &mut Vec<String>) {
    match (was, now) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let null = Value::Null;
                diff(&format!("{path}.{k}"), a.get(k).unwrap_or(&null), b.get(k).unwrap_or(&null), out);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{i}]"), x, y, out);
            }
        }
        // JavaScript writes 75.0 as 75: numbers are compared by value.
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        _ if was != now => {
            let short = |v: &Value| {
                let s = v.to_string();
                if s.chars().count() > 120 {
                    format!("{}…", s.chars().take(120).collect::<String>())
                } else {
                    s
                }
            };
            out.push(format!(
                "{}: {} → {}",
                if path.is_empty() { "answer" } else { path },
                short(was),
                short(now)
            ));
        }
        _ => {}
    }
}
