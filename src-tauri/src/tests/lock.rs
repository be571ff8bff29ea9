//! The app lock: the registry encrypted under the PIN, locked at every launch and when idle, wrong
//! PINs counted.

use super::registry::{sample_form, PIN};
use super::{device, launch, now, Device};
use serde_json::{json, Value};
use shouwang_core::store::Store;

#[test]
fn the_registry_is_encrypted_under_the_pin_and_locked_again_at_every_launch_and_when_idle() {
    let d = device(|_| {});
    let key_file = shouwang_core::vault::key_path(&d.path);
    let args =
        |pin: &str| json!({ "unit": "511902106202", "name": "斑竹村", "policy": "sichuan", "pin": pin });
    let err = d.call("create_registry", Some(args("1234"))).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "pin", "too short a PIN is answered under its field: {err}");
    assert!(!d.path.exists() && !key_file.exists(), "a refused PIN writes nothing");

    let status = d.call("create_registry", Some(args(PIN))).unwrap();
    assert_eq!(status["encrypted"], true);
    assert_eq!(status["locked"], false);
    d.call("save_elder", Some(sample_form())).unwrap();
    assert!(
        matches!(Store::open(&d.path, now()), Err(shouwang_core::store::Error::Locked)),
        "the file is encrypted: no key, no registry"
    );

    // The app is started again: locked, nothing open, nothing answered.
    let Device { dir, path, app: first, window: _ } = d;
    drop(first);
    let d = launch(dir, path);
    let status = d.call("app_status", None).unwrap();
    assert_eq!(status["locked"], true);
    assert_eq!(status["registry"], Value::Null);
    assert_eq!(d.call("list_elders", Some(json!({}))).unwrap_err()["kind"], "not_open");
    assert_eq!(d.call("lock_status", None).unwrap()["demo_pin"], Value::Null, "no demo PIN outside the demo");

    let err = d.call("unlock", Some(json!({ "pin": "000000" }))).unwrap_err();
    assert_eq!(err["field"], "pin");
    assert!(err["message"].as_str().unwrap().contains("PIN 不正确"), "a Chinese error: {err}");
    assert_eq!(d.call("lock_status", None).unwrap()["attempts_left"], 4);

    let status = d.call("unlock", Some(json!({ "pin": PIN }))).unwrap();
    assert_eq!(status["registry"]["name"], "斑竹村");
    assert_eq!(
        d.call("list_elders", Some(json!({}))).unwrap().as_array().unwrap().len(),
        1,
        "the data is back"
    );
    assert_eq!(d.call("lock_status", None).unwrap()["failures"], 0, "a right PIN resets the count");

    // Left alone longer than the idle time: the store is closed, not covered.
    let later = std::time::Instant::now() + std::time::Duration::from_secs(6 * 60);
    assert!(crate::commands::lock::lock_if_idle(d.app.handle(), later));
    assert_eq!(d.call("app_status", None).unwrap()["locked"], true);
    assert_eq!(d.call("list_elders", Some(json!({}))).unwrap_err()["kind"], "not_open");
    assert!(crate::sync_loop::sync_once(d.app.handle()).unwrap().is_none(), "sync pauses while locked");

    // Five wrong PINs: the sixth try is refused without trying, with the wait.
    for _ in 0..5 {
        d.call("unlock", Some(json!({ "pin": "999999" }))).unwrap_err();
    }
    let err = d.call("unlock", Some(json!({ "pin": PIN }))).unwrap_err();
    assert_eq!(err["kind"], "refused");
    assert!(err["message"].as_str().unwrap().contains("秒后再试"), "{err}");
    assert!(d.call("lock_status", None).unwrap()["wait_seconds"].as_u64().unwrap() > 0);
}
