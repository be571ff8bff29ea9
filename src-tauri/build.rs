//! Tauri's build step: reads tauri.conf.json and the capabilities, and registers the app's own
//! commands through the app manifest, so that each needs an `allow-<command>` permission in a
//! capability (capabilities/*.json) before the UI may call it: a command left out of the capabilities
//! is refused by Tauri's ACL, not just unused.
//!
//! The commands are read from the `generate_handler![…]` list in `src/lib.rs` (one list, no copy to
//! drift); `src/hardening.rs`'s tests check the capabilities, the isolation hook and the bindings
//! against the same list.

use std::path::Path;

/// The command names of the `generate_handler![…]` list in `lib.rs` (the last path segment of each).
fn handler_commands(lib_rs: &str) -> Vec<String> {
    let start = lib_rs.find("generate_handler![").expect("src/lib.rs has a generate_handler![…] list");
    let rest = &lib_rs[start + "generate_handler![".len()..];
    let end = rest.find(']').expect("the generate_handler![…] list is closed");
    rest[..end]
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| item.rsplit("::").next().unwrap_or(item).to_string())
        .collect()
}

fn main() {
    let lib = Path::new("src/lib.rs");
    println!("cargo:rerun-if-changed={}", lib.display());
    let text = std::fs::read_to_string(lib).expect("src/lib.rs is readable");
    let commands: Vec<&'static str> =
        handler_commands(&text).into_iter().map(|c| &*Box::leak(c.into_boxed_str())).collect();
    let commands: &'static [&'static str] = Box::leak(commands.into_boxed_slice());
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands));
    tauri_build::try_build(attributes).expect("tauri's build step failed")
}
