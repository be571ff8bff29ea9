//! The TypeScript bindings of every command and event, generated from the Rust types with ts-rs into
//! one file, `ui/src/bindings/index.ts`, committed. A test regenerates it into a temporary directory
//! and fails when the committed file differs; `SHOUWANG_WRITE_BINDINGS=1 cargo test -p shouwang-app
//! bindings` rewrites it.

use crate::dto::*;
use crate::error::{AppError, ErrorKind, FieldError};
use ts_rs::{Config, TS};

/// Every command: (name, argument type or `None` when it takes none, result type).
pub const COMMANDS: &[(&str, Option<&str>, &str)] = &[
    ("app_status", None, "AppStatus"),
    ("create_registry", Some("CreateRegistryArgs"), "AppStatus"),
    ("enrol", Some("EnrolArgs"), "AppStatus"),
    ("sync_now", None, "SyncView"),
    ("sync_status", None, "SyncView"),
    ("list_elders", Some("ListQuery"), "Array<ElderLine>"),
    ("my_elders", None, "Array<ElderLine>"),
    ("get_elder", Some("ElderRef"), "ElderForm"),
    ("validate_elder", Some("ElderForm"), "Array<FieldError>"),
    ("save_elder", Some("ElderForm"), "SavedElder"),
    ("review", None, "Review"),
    ("family_card", None, "CardView"),
    ("schedule", Some("RoundQuery"), "Array<DueLine>"),
    ("today_round", Some("RoundQuery"), "Array<DueLine>"),
    ("log_visit", Some("VisitForm"), "LoggedVisit"),
    ("save_visit_draft", Some("VisitForm"), "null"),
    ("visit_draft", Some("ElderRef"), "VisitForm | null"),
    ("discard_visit_draft", Some("ElderRef"), "boolean"),
    ("visit_history", Some("ElderRef"), "Array<VisitLine>"),
];

/// Every event: (name, payload type).
pub const EVENTS: &[(&str, &str)] =
    &[(crate::sync_loop::PROGRESS_EVENT, "SyncProgress"), (crate::sync_loop::STATUS_EVENT, "SyncView")];

fn decls(cfg: &Config) -> Vec<String> {
    vec![
        AppRole::decl(cfg),
        RegistryInfo::decl(cfg),
        SyncView::decl(cfg),
        SyncProgress::decl(cfg),
        AppStatus::decl(cfg),
        CreateRegistryArgs::decl(cfg),
        EnrolArgs::decl(cfg),
        ListQuery::decl(cfg),
        ElderLine::decl(cfg),
        DisabilityForm::decl(cfg),
        ChildForm::decl(cfg),
        MigrationForm::decl(cfg),
        SupporterForm::decl(cfg),
        SignOffForm::decl(cfg),
        ElderForm::decl(cfg),
        SavedElder::decl(cfg),
        ReviewEntry::decl(cfg),
        QuarantineEntry::decl(cfg),
        Review::decl(cfg),
        CardSupporter::decl(cfg),
        CardView::decl(cfg),
        ElderRef::decl(cfg),
        RoundQuery::decl(cfg),
        DueLine::decl(cfg),
        CheckForm::decl(cfg),
        ChecksForm::decl(cfg),
        VisitForm::decl(cfg),
        LoggedVisit::decl(cfg),
        VisitLine::decl(cfg),
        FieldError::decl(cfg),
        ErrorKind::decl(cfg),
        AppError::decl(cfg),
    ]
}

/// The whole bindings file.
pub fn generate() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from src-tauri/src/{dto,error,bindings}.rs by ts-rs. Do not edit:\n\
         // SHOUWANG_WRITE_BINDINGS=1 cargo test -p shouwang-app bindings\n\n",
    );
    for decl in decls(&cfg) {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    out.push_str("/** Every command: its argument (passed as `{ args }`) and its result. */\nexport interface Commands {\n");
    for (name, args, result) in COMMANDS {
        out.push_str(&format!("  {name}: {{ args: {}; result: {result} }};\n", args.unwrap_or("null")));
    }
    out.push_str("}\n\n/** Every event the app emits, with its payload. */\nexport interface Events {\n");
    for (name, payload) in EVENTS {
        out.push_str(&format!("  \"{name}\": {payload};\n"));
    }
    out.push_str("}\n\nexport const COMMAND_NAMES = [\n");
    for (name, _, _) in COMMANDS {
        out.push_str(&format!("  \"{name}\",\n"));
    }
    out.push_str("] as const;\n");
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn committed_bindings_match_the_rust_types() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings/index.ts");
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("index.ts");
        std::fs::write(&fresh, super::generate()).unwrap();
        let fresh = std::fs::read_to_string(fresh).unwrap();
        if std::env::var_os("SHOUWANG_WRITE_BINDINGS").is_some() {
            std::fs::create_dir_all(committed.parent().unwrap()).unwrap();
            std::fs::write(&committed, &fresh).unwrap();
        }
        let old = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(
            old == fresh,
            "ui/src/bindings/index.ts is out of date: run SHOUWANG_WRITE_BINDINGS=1 cargo test -p shouwang-app bindings"
        );
    }
}
