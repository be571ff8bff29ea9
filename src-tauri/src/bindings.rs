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
    // -- helpers, assignment, cases, emergencies (commands/helpers.rs, assignment/, cases.rs) --
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
    // -- risk and agreements (commands/risk.rs, agreements.rs) --
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
    // -- reports, ledger import/export, cards (commands/reports/, ledger.rs, cards.rs) --
    ("summary_table", Some("SummaryQuery"), "SummaryTable"),
    ("export_summary", Some("SummaryExport"), "SavedFile"),
    ("monthly_progress", Some("ProgressQuery"), "ProgressReport"),
    ("export_progress", Some("ProgressExport"), "SavedFile"),
    ("preview_import", Some("LedgerFile"), "ImportPreview"),
    ("import_ledger", Some("LedgerFile"), "ImportPreview"),
    ("export_ledger", Some("LedgerExport"), "SavedFile"),
    ("print_cards", Some("CardQuery"), "PrintedCards"),
    // -- devices: enrolment codes, the family's visited-this-month (commands/devices.rs, family.rs) --
    ("issue_enrolment", Some("IssueArgs"), "IssuedCode"),
    ("family_visited", None, "VisitedView"),
    ("device_keys", None, "KeysView"),
    ("revoke_device", Some("RevokeArgs"), "KeysView"),
    ("rotate_keys", None, "KeysView"),
    // -- the app lock, consent, export, erasure, audit (commands/lock.rs, privacy.rs) --
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
        // -- helpers, assignment, cases (dto/helpers.rs, assignment.rs, cases.rs) --
        HomePoint::decl(cfg),
        HelperLine::decl(cfg),
        HelperForm::decl(cfg),
        SavedHelper::decl(cfg),
        ReplaceArgs::decl(cfg),
        MovedLine::decl(cfg),
        AssignArgs::decl(cfg),
        WalkView::decl(cfg),
        MapHelper::decl(cfg),
        InReach::decl(cfg),
        MapElder::decl(cfg),
        ReachMap::decl(cfg),
        PlanArgs::decl(cfg),
        PlanPick::decl(cfg),
        ProposalLine::decl(cfg),
        RemoteLine::decl(cfg),
        LoadLine::decl(cfg),
        PlanView::decl(cfg),
        AssignmentView::decl(cfg),
        StintLine::decl(cfg),
        CaseQuery::decl(cfg),
        CaseLine::decl(cfg),
        CaseRef::decl(cfg),
        StepLine::decl(cfg),
        CaseView::decl(cfg),
        NextStage::decl(cfg),
        OpenCaseArgs::decl(cfg),
        AdvanceArgs::decl(cfg),
        CloseArgs::decl(cfg),
        CaseDone::decl(cfg),
        EmergencyArgs::decl(cfg),
        OrgContact::decl(cfg),
        EmergencyContacts::decl(cfg),
        // -- risk and agreements (dto/risk.rs, agreements/) --
        RiskReasonView::decl(cfg),
        RiskPreview::decl(cfg),
        SaveRiskArgs::decl(cfg),
        RiskFollowUpView::decl(cfg),
        RiskEntryView::decl(cfg),
        RiskListQuery::decl(cfg),
        RiskLine::decl(cfg),
        RiskFollowUpArgs::decl(cfg),
        DelegatorForm::decl(cfg),
        TrusteeForm::decl(cfg),
        CaredElderForm::decl(cfg),
        CommitteeForm::decl(cfg),
        HoursForm::decl(cfg),
        FeeForm::decl(cfg),
        AgreementForm::decl(cfg),
        ReminderView::decl(cfg),
        AgreementLine::decl(cfg),
        AgreementQuery::decl(cfg),
        AgreementRef::decl(cfg),
        PaymentView::decl(cfg),
        DutyView::decl(cfg),
        EndingView::decl(cfg),
        AgreementView::decl(cfg),
        PaymentArgs::decl(cfg),
        DutyArgs::decl(cfg),
        EndArgs::decl(cfg),
        RenewArgs::decl(cfg),
        // -- files, reports, the ledger, cards (dto/files.rs, reports.rs, ledger.rs, cards.rs) --
        FileKind::decl(cfg),
        SavedFile::decl(cfg),
        EnteredValue::decl(cfg),
        SummaryQuery::decl(cfg),
        SummaryLine::decl(cfg),
        CheckLine::decl(cfg),
        SummaryTable::decl(cfg),
        SummaryExport::decl(cfg),
        ProgressQuery::decl(cfg),
        ProgressLine::decl(cfg),
        ProgressReport::decl(cfg),
        ProgressExport::decl(cfg),
        LedgerFile::decl(cfg),
        ImportProblem::decl(cfg),
        ImportLine::decl(cfg),
        ImportPreview::decl(cfg),
        LedgerExport::decl(cfg),
        CardPaper::decl(cfg),
        CardQuery::decl(cfg),
        PrintedCards::decl(cfg),
        // -- devices (dto/devices.rs, family.rs) --
        DeviceKind::decl(cfg),
        IssueArgs::decl(cfg),
        IssuedCode::decl(cfg),
        VisitedView::decl(cfg),
        IssuedKey::decl(cfg),
        KeysView::decl(cfg),
        RevokeArgs::decl(cfg),
        // -- the lock, privacy (dto/lock.rs, privacy.rs) --
        LockView::decl(cfg),
        UnlockArgs::decl(cfg),
        IdleArgs::decl(cfg),
        ChangePinArgs::decl(cfg),
        ConsentView::decl(cfg),
        ConsentForm::decl(cfg),
        WithdrawArgs::decl(cfg),
        EraseArgs::decl(cfg),
        AuditQuery::decl(cfg),
        AuditLine::decl(cfg),
        AuditBreak::decl(cfg),
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
