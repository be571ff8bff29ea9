//! The hardening checked against the committed files: the CSP, the isolation hook, the
//! capabilities and the app manifest, the generated files, Android backups, navigation.

use super::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn config() -> Value {
    serde_json::from_str(&read("tauri.conf.json")).unwrap()
}

/// The command names of `generate_handler![…]` in lib.rs, as build.rs reads them.
fn handler_commands() -> BTreeSet<String> {
    let lib = read("src/lib.rs");
    let start = lib.find("generate_handler![").unwrap() + "generate_handler![".len();
    let end = start + lib[start..].find(']').unwrap();
    lib[start..end]
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit("::").next().unwrap().to_string())
        .collect()
}

/// Every source a CSP directive allows, over all directives.
fn csp_sources(csp: &str) -> Vec<(String, String)> {
    csp.split(';')
        .filter_map(|d| {
            let mut parts = d.split_whitespace();
            let name = parts.next()?.to_string();
            Some(parts.map(move |s| (name.clone(), s.to_string())).collect::<Vec<_>>())
        })
        .flatten()
        .collect()
}

/// A CSP source that is not the app's own: any http(s) URL other than Tauri's local hosts, any
/// wildcard, `https:`/`http:`/`ws:` schemes, `'unsafe-eval'`.
fn remote_or_unsafe(source: &str) -> bool {
    let local = ["http://ipc.localhost"];
    source == "*"
        || source.contains("unsafe-eval")
        || matches!(source, "http:" | "https:" | "ws:" | "wss:" | "blob:" | "filesystem:")
        || ((source.starts_with("http") || source.starts_with("ws")) && !local.contains(&source))
}

#[test]
fn the_isolation_frame_gets_its_real_scheme_at_start() {
    let csp = "default-src 'self'; frame-src 'self' isolation:; object-src 'none'";
    let schema = "isolation-37d8f651-366c-4abf-b55f-d1461368749a";
    assert_eq!(
        with_isolation_frame(csp, schema),
        format!(
            "default-src 'self'; frame-src 'self' {schema}: http://{schema}.localhost https://{schema}.localhost; object-src 'none'"
        )
    );
}

fn check_csp(csp: &str, what: &str, frames: bool) {
    let sources = csp_sources(csp);
    assert!(!sources.is_empty(), "{what}: no CSP");
    for (directive, source) in &sources {
        assert!(!remote_or_unsafe(source), "{what}: {directive} allows {source}");
    }
    let script: Vec<_> = sources.iter().filter(|(d, _)| d == "script-src").map(|(_, s)| s.as_str()).collect();
    assert_eq!(script, ["'self'"], "{what}: scripts from the app only (no inline, no eval)");
    assert!(sources.contains(&("object-src".into(), "'none'".into())), "{what}: no plugins/objects");
    if frames {
        assert!(
            sources.iter().any(|(d, s)| d == "frame-src" && s == "isolation:"),
            "{what}: the isolation frame must be allowed or the IPC never starts"
        );
    } else {
        // The page's own policy cannot name the per-build isolation scheme, so it leaves frames
        // (and `default-src`, their fallback) to the configured policy Tauri injects.
        assert!(!sources.iter().any(|(d, _)| d == "default-src" || d == "frame-src"), "{what}");
    }
}

#[test]
fn the_csp_allows_no_remote_source_and_no_eval() {
    let config = config();
    let csp = config["app"]["security"]["csp"].as_str().expect("a CSP string in tauri.conf.json");
    check_csp(csp, "tauri.conf.json", true);
    assert!(config["app"]["security"]["devCsp"].is_null(), "no looser CSP for development");
    assert!(
        config["app"]["security"]["dangerousDisableAssetCspModification"].is_null(),
        "Tauri adds its script hashes to the CSP"
    );
    // The page's own meta CSP (the only one a development build loading devUrl has).
    let html = std::fs::read_to_string(root().join("../ui/index.html")).unwrap();
    let meta = html
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("ui/index.html has a CSP meta tag");
    check_csp(meta, "ui/index.html", false);
}

#[test]
fn isolation_is_on_with_a_hook_forwarding_only_the_apps_commands() {
    let config = config();
    let pattern = &config["app"]["security"]["pattern"];
    assert_eq!(pattern["use"], "isolation");
    let dir = root().join(pattern["options"]["dir"].as_str().unwrap());
    let index = std::fs::read_to_string(dir.join("index.js")).unwrap();
    assert!(index.contains("window.__TAURI_ISOLATION_HOOK__"), "the hook is set");
    assert!(index.contains("throw"), "a message that is not a command is dropped");
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.find("commands.js").unwrap() < html.find("index.js").unwrap(), "the list loads first");
    let list = std::fs::read_to_string(dir.join("commands.js")).unwrap();
    let listed: BTreeSet<String> = list
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix("\","))
        .map(str::to_string)
        .collect();
    let mut expected = handler_commands();
    expected.extend(EVENT_COMMANDS.iter().map(|c| c.to_string()));
    assert_eq!(listed, expected, "the isolation hook forwards exactly the app's commands and event calls");
}

#[test]
fn one_local_window_and_no_global_tauri_object() {
    let config = config();
    let windows = config["app"]["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 1, "one window");
    assert_eq!(windows[0]["label"], "main");
    assert!(windows[0]["url"].is_null() || windows[0]["url"] == "index.html", "the window shows the app");
    assert_eq!(config["app"]["withGlobalTauri"], false, "no window.__TAURI__ for injected scripts");
    assert_eq!(config["app"]["security"]["freezePrototype"], true);
    assert!(config["app"]["security"]["capabilities"].is_null(), "capabilities come from capabilities/");
    assert!(config["plugins"].as_object().is_none_or(|p| p.is_empty()), "no plugin configured");
}

#[test]
fn every_handler_command_is_in_the_manifest_and_nothing_else_is_allowed() {
    let handlers = handler_commands();
    let bound: BTreeSet<String> = app_commands().into_iter().map(str::to_string).collect();
    assert_eq!(handlers, bound, "generate_handler![…] in lib.rs and COMMANDS in bindings.rs");
    // What the app manifest (build.rs) generated: one permission file per command.
    let generated: BTreeSet<String> = std::fs::read_dir(root().join("permissions/autogenerated"))
        .expect("build.rs generated the app manifest's permissions")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".toml").map(str::to_string))
        .collect();
    assert_eq!(generated, handlers, "the app manifest registers exactly the handler's commands");
    let expected: BTreeSet<String> = EVENT_PERMISSIONS
        .iter()
        .map(|p| p.to_string())
        .chain(handlers.iter().map(|c| permission(c)))
        .collect();
    for file in ["capabilities/desktop.json", "capabilities/mobile.json"] {
        let cap: Value = serde_json::from_str(&read(file)).unwrap();
        assert_eq!(cap["windows"], json!(["main"]), "{file}: the main window only");
        assert!(cap["remote"].is_null(), "{file}: no remote URL may call anything");
        let granted: BTreeSet<String> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().expect("plain permission identifiers").to_string())
            .collect();
        assert_eq!(granted, expected, "{file}: exactly the app's commands and its events");
    }
    let capability_dir: Vec<_> = std::fs::read_dir(root().join("capabilities")).unwrap().collect();
    assert_eq!(capability_dir.len(), 2, "no other capability file");
}

#[test]
fn generated_files_are_current() {
    let mut files: Vec<(PathBuf, String)> =
        capability_files().into_iter().map(|(p, c)| (root().join(p), c)).collect();
    files.push((root().join("../ui/isolation/commands.js"), isolation_commands_js()));
    let write = std::env::var_os("SHOUWANG_WRITE_BINDINGS").is_some();
    for (path, fresh) in files {
        if write {
            std::fs::write(&path, &fresh).unwrap();
        }
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            old == fresh,
            "{} is out of date: run SHOUWANG_WRITE_BINDINGS=1 cargo test -p shouwang-app",
            path.display()
        );
    }
}

#[test]
fn android_backup_is_disabled_and_excludes_everything() {
    let attrs = read("android/application-attributes.xml");
    assert!(attrs.contains(r#"android:allowBackup="false""#));
    assert!(attrs.contains(r#"android:dataExtractionRules="@xml/data_extraction_rules""#));
    assert!(attrs.contains(r#"android:fullBackupContent="@xml/backup_rules""#));
    let rules = read("android/res/xml/data_extraction_rules.xml");
    let old = read("android/res/xml/backup_rules.xml");
    for domain in ["root", "file", "database", "sharedpref", "external"] {
        let exclude = format!(r#"<exclude domain="{domain}" path="." />"#);
        assert_eq!(rules.matches(&exclude).count(), 2, "{domain}: cloud backup and device transfer");
        assert!(old.contains(&exclude), "{domain}: the pre-Android-12 rules too");
    }
    assert!(!rules.contains("<include") && !old.contains("<include"), "nothing included");
    assert!(read("ANDROID.md").contains("application-attributes.xml"), "the patch step is documented");
}

#[test]
fn only_the_apps_own_pages_may_load() {
    let dev: Url = "http://localhost:5173".parse().unwrap();
    let ok = |u: &str, dev: Option<&Url>| is_app_url(&u.parse().unwrap(), dev);
    assert!(ok("tauri://localhost/index.html#/registry", None));
    assert!(ok("http://tauri.localhost/", None));
    assert!(ok("https://tauri.localhost/index.html", None));
    assert!(ok("isolation://localhost/index.html", None));
    assert!(ok("isolation-37d8f651-366c-4abf-b55f-d1461368749a://localhost/", None));
    assert!(ok("http://isolation-37d8f651-366c-4abf-b55f-d1461368749a.localhost/", None));
    assert!(!ok("isolation-evil://localhost/", None));
    assert!(!ok("http://isolation-37d8f651-366c-4abf-b55f-d1461368749a.localhost.example.com/", None));
    assert!(ok("about:srcdoc", None));
    assert!(ok("http://localhost:5173/#/registry", Some(&dev)));
    assert!(!ok("http://localhost:5173/", None), "devUrl only in a development build");
    assert!(!ok("http://localhost:8080/", Some(&dev)));
    assert!(!ok("https://example.com/", Some(&dev)));
    assert!(!ok("http://tauri.localhost.example.com/", None));
    assert!(!ok("tauri://evil.example/", None));
    assert!(!ok("file:///etc/passwd", None));
    assert!(!ok("javascript:alert(1)", None));
    assert!(!ok("data:text/html,hi", None));
}
