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
    // -- people: helpers, assignment, cases, emergencies (src-tauri/src/people.rs) --
    ("list_helpers", None, "Array<HelperLine>"),
    ("get_helper", Some("ElderRef"), "HelperForm"),
    ("save_helper", Some("HelperForm"), "SavedHelper"),
    ("replace_helper", Some("ReplaceArgs"), "Array<MovedLine>"),
    ("reach_map", None, "ReachMap"),
    ("suggest_assignment", Some("PlanArgs"), "PlanView"),
    ("apply_assignment", Some("PlanArgs"), "Array<MovedLine>"),
    ("assign", Some("AssignArgs"), "MovedLine | null"),
    ("elder_assignment", Some("ElderRef"), "AssignmentView"),
    ("list_cases", Some("CaseQuery"), "Array<CaseLine>"),
    ("get_case", Some("CaseRef"), "CaseView"),
    ("open_case", Some("OpenCaseArgs"), "CaseDone"),
    ("advance_case", Some("AdvanceArgs"), "CaseDone"),
    ("close_case", Some("CloseArgs"), "CaseDone"),
    ("emergency_contacts", Some("ElderRef"), "EmergencyContacts"),
    ("log_emergency", Some("EmergencyArgs"), "CaseDone"),
    // -- office: risk and agreements (src-tauri/src/office.rs) --
    ("assess_risk", Some("ElderRef"), "RiskPreview"),
    ("save_risk", Some("SaveRiskArgs"), "RiskEntryView"),
    ("risk_list", Some("RiskListQuery"), "Array<RiskLine>"),
    ("risk_history", Some("ElderRef"), "Array<RiskEntryView>"),
    ("follow_up_risk", Some("RiskFollowUpArgs"), "string"),
    ("list_agreements", Some("AgreementQuery"), "Array<AgreementLine>"),
    ("get_agreement", Some("AgreementRef"), "AgreementView"),
    ("check_agreement", Some("AgreementForm"), "Array<FieldError>"),
    ("save_agreement", Some("AgreementForm"), "AgreementView"),
    ("record_payment", Some("PaymentArgs"), "AgreementView"),
    ("record_duty", Some("DutyArgs"), "AgreementView"),
    ("end_agreement", Some("EndArgs"), "AgreementView"),
    ("renew_agreement", Some("RenewArgs"), "AgreementView"),
    ("print_agreement", Some("AgreementRef"), "string"),
    // -- paperwork: reports, ledger import/export, cards, devices (src-tauri/src/paperwork.rs) --
    ("summary_table", Some("SummaryQuery"), "SummaryTable"),
    ("export_summary", Some("SummaryExport"), "SavedFile"),
    ("monthly_progress", Some("ProgressQuery"), "ProgressReport"),
    ("export_progress", Some("ProgressExport"), "SavedFile"),
    ("preview_import", Some("LedgerFile"), "ImportPreview"),
    ("import_ledger", Some("LedgerFile"), "ImportPreview"),
    ("export_ledger", Some("LedgerExport"), "SavedFile"),
    ("print_cards", Some("CardQuery"), "PrintedCards"),
    // -- devices: enrolment codes, the family's visited-this-month (src-tauri/src/devices.rs) --
    ("issue_enrolment", Some("IssueArgs"), "IssuedCode"),
    ("family_visited", None, "VisitedView"),
    ("device_keys", None, "KeysView"),
    ("revoke_device", Some("RevokeArgs"), "KeysView"),
    ("rotate_keys", None, "KeysView"),
    // -- privacy: the app lock, consent, export, erasure, audit, keys (lock.rs, privacy.rs) --
    ("lock_status", None, "LockView"),
    ("unlock", Some("UnlockArgs"), "AppStatus"),
    ("lock_now", None, "LockView"),
    ("set_idle_minutes", Some("IdleArgs"), "LockView"),
    ("change_pin", Some("ChangePinArgs"), "LockView"),
    ("touch", None, "null"),
    ("list_consents", Some("ElderRef"), "Array<ConsentView>"),
    ("record_consent", Some("ConsentForm"), "ConsentView"),
    ("withdraw_consent", Some("WithdrawArgs"), "ConsentView"),
    ("export_elder_data", Some("ElderRef"), "SavedFile"),
    ("erase_elder", Some("EraseArgs"), "null"),
    ("audit_log", Some("AuditQuery"), "Array<AuditLine>"),
    ("verify_audit", None, "Array<AuditBreak>"),
];

/// Every event: (name, payload type).
pub const EVENTS: &[(&str, &str)] = &[
    (crate::sync_loop::PROGRESS_EVENT, "SyncProgress"),
    (crate::sync_loop::STATUS_EVENT, "SyncView"),
    (crate::lock::LOCKED_EVENT, "LockView"),
];

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
        // -- people (src-tauri/src/people.rs) --
        crate::people::HomePoint::decl(cfg),
        crate::people::HelperLine::decl(cfg),
        crate::people::HelperForm::decl(cfg),
        crate::people::SavedHelper::decl(cfg),
        crate::people::ReplaceArgs::decl(cfg),
        crate::people::MovedLine::decl(cfg),
        crate::people::AssignArgs::decl(cfg),
        crate::people::WalkView::decl(cfg),
        crate::people::MapHelper::decl(cfg),
        crate::people::InReach::decl(cfg),
        crate::people::MapElder::decl(cfg),
        crate::people::ReachMap::decl(cfg),
        crate::people::PlanArgs::decl(cfg),
        crate::people::PlanPick::decl(cfg),
        crate::people::ProposalLine::decl(cfg),
        crate::people::RemoteLine::decl(cfg),
        crate::people::LoadLine::decl(cfg),
        crate::people::PlanView::decl(cfg),
        crate::people::AssignmentView::decl(cfg),
        crate::people::StintLine::decl(cfg),
        crate::people::CaseQuery::decl(cfg),
        crate::people::CaseLine::decl(cfg),
        crate::people::CaseRef::decl(cfg),
        crate::people::StepLine::decl(cfg),
        crate::people::CaseView::decl(cfg),
        crate::people::OpenCaseArgs::decl(cfg),
        crate::people::AdvanceArgs::decl(cfg),
        crate::people::CloseArgs::decl(cfg),
        crate::people::CaseDone::decl(cfg),
        crate::people::EmergencyArgs::decl(cfg),
        crate::people::OrgContact::decl(cfg),
        crate::people::EmergencyContacts::decl(cfg),
        // -- office (src-tauri/src/office.rs) --
        crate::office::risk::RiskReasonView::decl(cfg),
        crate::office::risk::RiskPreview::decl(cfg),
        crate::office::risk::SaveRiskArgs::decl(cfg),
        crate::office::risk::RiskFollowUpView::decl(cfg),
        crate::office::risk::RiskEntryView::decl(cfg),
        crate::office::risk::RiskListQuery::decl(cfg),
        crate::office::risk::RiskLine::decl(cfg),
        crate::office::risk::RiskFollowUpArgs::decl(cfg),
        crate::office::agreement::DelegatorForm::decl(cfg),
        crate::office::agreement::TrusteeForm::decl(cfg),
        crate::office::agreement::CaredElderForm::decl(cfg),
        crate::office::agreement::CommitteeForm::decl(cfg),
        crate::office::agreement::HoursForm::decl(cfg),
        crate::office::agreement::FeeForm::decl(cfg),
        crate::office::agreement::AgreementForm::decl(cfg),
        crate::office::agreement::ReminderView::decl(cfg),
        crate::office::agreement::AgreementLine::decl(cfg),
        crate::office::agreement::AgreementQuery::decl(cfg),
        crate::office::agreement::AgreementRef::decl(cfg),
        crate::office::agreement::PaymentView::decl(cfg),
        crate::office::agreement::DutyView::decl(cfg),
        crate::office::agreement::EndingView::decl(cfg),
        crate::office::agreement::AgreementView::decl(cfg),
        crate::office::agreement::PaymentArgs::decl(cfg),
        crate::office::agreement::DutyArgs::decl(cfg),
        crate::office::agreement::EndArgs::decl(cfg),
        crate::office::agreement::RenewArgs::decl(cfg),
        // -- paperwork (src-tauri/src/paperwork.rs) --
        crate::paperwork::FileKind::decl(cfg),
        crate::paperwork::SavedFile::decl(cfg),
        crate::paperwork::EnteredValue::decl(cfg),
        crate::paperwork::SummaryQuery::decl(cfg),
        crate::paperwork::SummaryLine::decl(cfg),
        crate::paperwork::CheckLine::decl(cfg),
        crate::paperwork::SummaryTable::decl(cfg),
        crate::paperwork::SummaryExport::decl(cfg),
        crate::paperwork::ProgressQuery::decl(cfg),
        crate::paperwork::ProgressLine::decl(cfg),
        crate::paperwork::ProgressReport::decl(cfg),
        crate::paperwork::ProgressExport::decl(cfg),
        crate::paperwork::LedgerFile::decl(cfg),
        crate::paperwork::ImportProblem::decl(cfg),
        crate::paperwork::ImportLine::decl(cfg),
        crate::paperwork::ImportPreview::decl(cfg),
        crate::paperwork::LedgerExport::decl(cfg),
        crate::paperwork::CardPaper::decl(cfg),
        crate::paperwork::CardQuery::decl(cfg),
        crate::paperwork::PrintedCards::decl(cfg),
        // -- devices (src-tauri/src/devices.rs) --
        crate::devices::DeviceKind::decl(cfg),
        crate::devices::IssueArgs::decl(cfg),
        crate::devices::IssuedCode::decl(cfg),
        crate::devices::VisitedView::decl(cfg),
        crate::devices::IssuedKey::decl(cfg),
        crate::devices::KeysView::decl(cfg),
        crate::devices::RevokeArgs::decl(cfg),
        // -- privacy (src-tauri/src/lock.rs, privacy.rs) --
        crate::lock::LockView::decl(cfg),
        crate::lock::UnlockArgs::decl(cfg),
        crate::lock::IdleArgs::decl(cfg),
        crate::lock::ChangePinArgs::decl(cfg),
        crate::privacy::ConsentView::decl(cfg),
        crate::privacy::ConsentForm::decl(cfg),
        crate::privacy::WithdrawArgs::decl(cfg),
        crate::privacy::EraseArgs::decl(cfg),
        crate::privacy::AuditQuery::decl(cfg),
        crate::privacy::AuditLine::decl(cfg),
        crate::privacy::AuditBreak::decl(cfg),
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
