//! One village's year — a committee device and three helpers' tablets, 60 elders — through every
//! fault the field brings: tablets offline for weeks, clocks set wrong by hours to months, a tablet
//! lost and its helper enrolled on a new one, the relay killed between syncs and in the middle of one.
//! At random checkpoints and at the end, every record the relay acknowledged is on every device that
//! may read it, nothing is doubled, the devices agree row for row and their due lists are the same.
//! Where PostgreSQL is installed (or `SHOUWANG_TEST_DATABASE_URL` names a server), the relay is also
//! moved mid-year from SQLite to PostgreSQL by export and import, and the devices sync on.

use shouwang_sim::{run, Config};

/// Whether the PostgreSQL test server can be had: a server named, or the binaries to start one.
fn postgres_available() -> bool {
    let named = std::env::var(shouwang_tests::postgres::URL_VAR).is_ok_and(|url| !url.is_empty());
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().any(|d| d.path().join("bin/initdb").exists()))
        .unwrap_or(false);
    named || installed
}

#[test]
fn a_village_year_of_offline_work_with_faults_loses_nothing() {
    let mut config = Config::village_year(7);
    let moved = postgres_available();
    if moved {
        config.move_relay_to = Some(shouwang_tests::postgres::server().fresh_database("sim_move"));
    } else {
        eprintln!("PostgreSQL is not installed: the relay is not moved this run");
    }
    let report = run(&config, &mut |line| eprintln!("{line}")).expect("the simulation runs");
    eprintln!("{}", report.text());

    // A year of work happened: every elder visited about monthly, assessed once, cases opened.
    let created = |kind: &str| report.records_created.get(kind).copied().unwrap_or(0);
    assert_eq!(created("elder"), 60);
    assert!(created("visit") >= 600, "{} visits", created("visit"));
    assert!(created("assessment") >= 55, "{} assessments", created("assessment"));
    assert!(
        created("agreement") >= 2 && created("case") >= 1 && created("stage") >= 1,
        "{:?}",
        report.records_created
    );

    // Every kind of fault struck, and syncs failed because of them.
    for kind in ["device_offline", "clock_skewed", "tablet_lost", "relay_killed", "relay_killed_mid_sync"] {
        assert!(report.faults.get(kind).copied().unwrap_or(0) >= 1, "no {kind}: {:?}", report.faults);
    }
    assert!(report.syncs_failed >= 1, "the relay's deaths failed no sync");
    if moved {
        assert_eq!(report.faults.get("relay_moved"), Some(&1), "{:?}", report.faults);
        assert!(report.changes_moved > 0, "the relay held changes when it moved");
    }
    assert_eq!(report.checkpoints, 5, "four random checkpoints and the end");

    // The namesakes' cards were the same change in two documents.
    assert!(report.same_change_in_two_documents >= 1, "{}", report.same_change_in_two_documents);

    // Nothing acknowledged was lost, nothing doubled, every device agreed.
    assert!(report.records_acknowledged >= created("visit"), "{} acknowledged", report.records_acknowledged);
    assert_eq!(report.records_lost, 0, "{:?}", report.violations);
    assert_eq!(report.duplicates, 0, "{:?}", report.violations);
    assert!(report.violations.is_empty(), "{:#?}", report.violations);
}
