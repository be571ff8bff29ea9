//! The real `shouwang-relay` binary: enrol from the command line, serve, talk to it, restart it.

use crate::common::{change, CT, VILLAGE_A};
use shouwang_protocol::{decode, encode, PullResponse, PushRequest, RedeemRequest, RedeemResponse};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_shouwang-relay");

fn run(data: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN).arg("--data").arg(data).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Starts `serve` on port 0 and returns the process and its base URL.
fn serve(data: &Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("{line:?}"));
    (child, format!("http://{addr}"))
}

/// Stops the relay as a service manager would (SIGTERM), checks that it shuts down cleanly and
/// returns its logs.
fn stop(mut child: Child) -> String {
    let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let mut logs = String::new();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(child.wait().unwrap().success(), "the relay exits cleanly on SIGTERM");
    logs
}

#[tokio::test]
async fn an_operator_enrols_a_tablet_that_syncs_and_the_epoch_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("code.png");
    let printed = run(
        dir.path(),
        &["enroll", "--role", "helper", "--scope", VILLAGE_A, "--png", png.to_str().unwrap()],
    );
    let code = printed.lines().find_map(|l| l.strip_prefix("code: ")).unwrap().to_string();
    assert!(printed.contains('█') || printed.contains('▀'), "a QR code is drawn");
    assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");

    let http = reqwest::Client::new();
    let (relay, url) = serve(dir.path());
    let redeem = encode(&RedeemRequest { code, device_name: "helper tablet".into(), office_key: None });
    let response =
        http.post(format!("{url}/v1/enrol")).header("content-type", CT).body(redeem).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let device: RedeemResponse = decode(&response.bytes().await.unwrap()).unwrap();
    let push = encode(&PushRequest { changes: vec![change('a', "card", 1)] });
    let pushed = http
        .post(format!("{url}/v1/spaces/{VILLAGE_A}/changes"))
        .bearer_auth(&device.token)
        .header("content-type", CT)
        .body(push)
        .send()
        .await
        .unwrap();
    assert_eq!(pushed.status(), 200);
    let logs = stop(relay);
    assert!(logs.contains("push stored") && logs.contains(&device.device_id), "{logs}");
    assert!(
        !logs.contains(&crate::common::elder('a')) && !logs.contains("change 1"),
        "no personal data: {logs}"
    );

    let listed: serde_json::Value =
        serde_json::from_str(&run(dir.path(), &["devices", "list", "--json"])).unwrap();
    assert_eq!(listed[0]["id"], device.device_id.as_str());
    assert_eq!(listed[0]["name"], "helper tablet");
    assert!(run(dir.path(), &["devices", "list"]).contains("active"));

    let (relay, url) = serve(dir.path());
    let pulled = http
        .get(format!("{url}/v1/spaces/{VILLAGE_A}/changes"))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    let pulled: PullResponse = decode(&pulled.bytes().await.unwrap()).unwrap();
    assert_eq!(pulled.epoch, device.epoch, "same data dir, same epoch");
    // The change survived the restart (the head is 1); the device that pushed it is not sent it back.
    assert_eq!((pulled.changes.len(), pulled.latest, pulled.next), (0, 1, 1));
    stop(relay);

    run(dir.path(), &["devices", "revoke", &device.device_id]);
    assert!(run(dir.path(), &["devices", "list"]).contains("revoked"));
    let (relay, url) = serve(dir.path());
    let refused = http
        .get(format!("{url}/v1/spaces/{VILLAGE_A}/changes"))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["x-shouwang-epoch"], device.epoch.as_str());
    stop(relay);

    let renewed = run(dir.path(), &["restored"]);
    assert!(!renewed.contains(&device.epoch));
}
