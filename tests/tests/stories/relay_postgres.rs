//! The real `shouwang-relay` binary over PostgreSQL (`--database`): the relay's stories of enrolment,
//! cursors, duplicates and scopes, then two relay processes serving one database as replicas.
//!
//! The server comes from `shouwang_tests::postgres` (a private cluster, or `SHOUWANG_TEST_DATABASE_URL`);
//! each test has its own database. The last tests drive [`PostgresStore`] directly: threads pushing to
//! one space while others pull with cursors, and the schema's version check.

use shouwang_protocol::{
    decode, encode, Change, DocRef, PullResponse, PushRequest, PushResponse, RedeemRequest, RedeemResponse,
    SpacesResponse, CONTENT_TYPE,
};
use shouwang_relay::store::{Push, PushOutcome, ReadFilter, StoreError};
use shouwang_relay::{PostgresStore, Store};
use shouwang_tests::postgres::server;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

const VILLAGE_A: &str = "511902106202";
const VILLAGE_B: &str = "511902106203";
const TOWNSHIP: &str = "511902106000";

/// `target/<profile>/shouwang-relay`, next to this test's `deps/` directory.
fn relay_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable");
    let profile = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps/<test>");
    let bin = profile.join(format!("shouwang-relay{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p shouwang-relay` (`cargo test --workspace` builds it)",
        bin.display()
    );
    bin
}

/// Runs an admin command against the database and returns its output.
fn admin(database: &str, args: &[&str]) -> String {
    let out = Command::new(relay_bin()).arg("--database").arg(database).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Makes a one-time code with `shouwang-relay enroll`.
fn code(database: &str, role: &str, scope: &str, elder: Option<&str>) -> String {
    code_as(database, role, scope, elder, None)
}

fn code_as(database: &str, role: &str, scope: &str, elder: Option<&str>, helper: Option<&str>) -> String {
    let mut args = vec!["enroll", "--role", role, "--scope", scope];
    if let Some(elder) = elder {
        args.extend(["--elder", elder]);
    }
    if let Some(helper) = helper {
        args.extend(["--helper", helper]);
    }
    let printed = admin(database, &args);
    printed.lines().find_map(|l| l.strip_prefix("code: ")).expect("a code").to_string()
}

/// A `shouwang-relay serve` process on a free port of 127.0.0.1, killed when dropped. Its logs are
/// kept and printed if the test fails.
struct Relay {
    child: Child,
    url: String,
    logs: Arc<Mutex<String>>,
    http: reqwest::Client,
}

impl Relay {
    fn start(database: &str) -> Relay {
        let mut child = Command::new(relay_bin())
            .arg("--database")
            .arg(database)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let logs = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let Some(addr) = line.trim().strip_prefix("listening on ") else {
            let _ = child.wait();
            panic!("the relay did not start: {line:?}\n{}", logs.lock().unwrap());
        };
        Relay { url: format!("http://{addr}"), child, logs, http: reqwest::Client::new() }
    }

    async fn redeem(&self, code: &str) -> reqwest::Response {
        let body =
            encode(&RedeemRequest { code: code.into(), device_name: "tablet".into(), office_key: None });
        let url = format!("{}/v1/enrol", self.url);
        self.http.post(url).header("content-type", CONTENT_TYPE).body(body).send().await.unwrap()
    }

    /// A committee device enrolled with the village's office key (its erasures are the ones acted on).
    async fn office(&self, database: &str, scope: &str) -> Device {
        let office_key = shouwang_protocol::office::OfficeKey {
            generation: 1,
            key: shouwang_protocol::office::public_key(&OFFICE_SEED),
        };
        let code = code(database, "committee", scope, None);
        let body =
            encode(&RedeemRequest { code, device_name: "office".into(), office_key: Some(office_key) });
        let url = format!("{}/v1/enrol", self.url);
        let response =
            self.http.post(url).header("content-type", CONTENT_TYPE).body(body).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let redeemed: RedeemResponse = decode(&response.bytes().await.unwrap()).unwrap();
        Device {
            url: self.url.clone(),
            http: self.http.clone(),
            token: redeemed.token,
            id: redeemed.device_id,
        }
    }

    /// A helper's tablet bound to `helper`.
    async fn helper_tablet(&self, database: &str, scope: &str, helper: &str) -> Device {
        let response = self.redeem(&code_as(database, "helper", scope, None, Some(helper))).await;
        assert_eq!(response.status(), 200);
        let redeemed: RedeemResponse = decode(&response.bytes().await.unwrap()).unwrap();
        Device {
            url: self.url.clone(),
            http: self.http.clone(),
            token: redeemed.token,
            id: redeemed.device_id,
        }
    }

    async fn device(&self, database: &str, role: &str, scope: &str, elder: Option<&str>) -> Device {
        let response = self.redeem(&code(database, role, scope, elder)).await;
        assert_eq!(response.status(), 200);
        let redeemed: RedeemResponse = decode(&response.bytes().await.unwrap()).unwrap();
        Device {
            url: self.url.clone(),
            http: self.http.clone(),
            token: redeemed.token,
            id: redeemed.device_id,
        }
    }

    async fn epoch(&self) -> String {
        let health = self.http.get(format!("{}/healthz", self.url)).send().await.unwrap();
        health.headers()["x-shouwang-epoch"].to_str().unwrap().to_string()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("relay {} logs:\n{}", self.url, self.logs.lock().unwrap());
        }
    }
}

struct Device {
    url: String,
    http: reqwest::Client,
    token: String,
    id: String,
}

impl Device {
    /// A device talking to another relay with the same token.
    fn via(&self, relay: &Relay) -> Device {
        Device {
            url: relay.url.clone(),
            http: self.http.clone(),
            token: self.token.clone(),
            id: self.id.clone(),
        }
    }

    async fn put_routes(&self, space: &str, routes: &[(String, Vec<String>)]) -> u16 {
        let mut request = shouwang_protocol::RoutesRequest { routes: routes.to_vec(), signature: Vec::new() };
        let message = shouwang_protocol::office::routes_message(space, request.digest());
        request.signature = shouwang_protocol::office::sign(&OFFICE_SEED, &message);
        let body = encode(&request);
        let url = format!("{}/v1/spaces/{space}/routes", self.url);
        let response =
            self.http.put(url).bearer_auth(&self.token).header("content-type", CONTENT_TYPE).body(body);
        response.send().await.unwrap().status().as_u16()
    }

    async fn push_status(&self, space: &str, changes: &[Change]) -> u16 {
        self.push_raw(space, changes).await.status().as_u16()
    }

    async fn push_raw(&self, space: &str, changes: &[Change]) -> reqwest::Response {
        let body = encode(&PushRequest { changes: changes.to_vec() });
        self.http
            .post(format!("{}/v1/spaces/{space}/changes", self.url))
            .bearer_auth(&self.token)
            .header("content-type", CONTENT_TYPE)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn push(&self, space: &str, changes: &[Change]) -> PushResponse {
        let response = self.push_raw(space, changes).await;
        assert_eq!(response.status(), 200);
        decode(&response.bytes().await.unwrap()).unwrap()
    }

    async fn pull_raw(&self, space: &str, after: u64, limit: u32) -> reqwest::Response {
        self.http
            .get(format!("{}/v1/spaces/{space}/changes?after={after}&limit={limit}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    async fn pull(&self, space: &str, after: u64, limit: u32) -> PullResponse {
        let response = self.pull_raw(space, after, limit).await;
        assert_eq!(response.status(), 200);
        decode(&response.bytes().await.unwrap()).unwrap()
    }

    /// Pulls from `after` until no more follow; returns the changes and the cursor.
    async fn pull_from(&self, space: &str, mut after: u64) -> (Vec<(u64, Change)>, u64) {
        let mut all = Vec::new();
        loop {
            let page = self.pull(space, after, 1000).await;
            all.extend(page.changes);
            after = page.next;
            if !page.more {
                return (all, after);
            }
        }
    }

    async fn pull_all(&self, space: &str) -> Vec<(u64, Change)> {
        self.pull_from(space, 0).await.0
    }

    /// `GET /v1/spaces`: the `(space, head)`s this device reads.
    async fn spaces(&self) -> Vec<(String, u64)> {
        let response =
            self.http.get(format!("{}/v1/spaces", self.url)).bearer_auth(&self.token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        decode::<SpacesResponse>(&response.bytes().await.unwrap()).unwrap().spaces
    }
}

fn elder(c: char) -> String {
    c.to_string().repeat(32)
}

/// A change to `<elder>/<kind>`: a sealed envelope no key opens, whose bytes (so its hash) derive from `n`.
fn change(elder_char: char, kind: &str, n: u16) -> Change {
    Change {
        doc: DocRef { elder: elder(elder_char), kind: kind.into() },
        bytes: shouwang_protocol::envelope::sample(
            shouwang_protocol::envelope::What::Change,
            format!("change {n}").as_bytes(),
        ),
    }
}

#[tokio::test]
async fn a_code_redeems_once_across_replicas_which_share_one_epoch_until_restored() {
    let database = server().fresh_database("enrol");
    let (one, two) = (Relay::start(&database), Relay::start(&database));
    let epoch = one.epoch().await;
    assert_eq!(two.epoch().await, epoch, "replicas of one database share its epoch");

    let code = code(&database, "helper", VILLAGE_A, None);
    let lowercase = code.to_lowercase();
    let (a, b) = tokio::join!(one.redeem(&code), two.redeem(&lowercase));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 401], "exactly one replica redeems the code");
    let redeemed = if a.status() == 200 { a } else { b };
    let redeemed: RedeemResponse = decode(&redeemed.bytes().await.unwrap()).unwrap();
    assert_eq!(redeemed.epoch, epoch);
    assert_eq!(one.redeem(&code).await.status(), 401);

    let listed: serde_json::Value =
        serde_json::from_str(&admin(&database, &["devices", "list", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], redeemed.device_id.as_str());

    let renewed = admin(&database, &["restored"]);
    assert!(!renewed.contains(&epoch));
    assert_ne!(Relay::start(&database).epoch().await, epoch, "a restored store has a new epoch");
}

#[tokio::test]
async fn a_committee_pulls_in_order_what_a_helper_pushed_and_no_pusher_is_sent_its_own_changes() {
    let database = server().fresh_database("cursors");
    let relay = Relay::start(&database);
    let helper = relay.device(&database, "helper", VILLAGE_A, None).await;
    let committee = relay.device(&database, "committee", VILLAGE_A, None).await;
    let changes: Vec<_> = (1..=5).map(|n| change('a', "card", n)).collect();

    let pushed = helper.push(VILLAGE_A, &changes[..3]).await;
    assert_eq!(pushed.kept, [0, 1, 2], "kept by position in the push");
    assert_eq!(pushed.cursor, 3);
    assert_eq!(helper.push(VILLAGE_A, &changes[3..]).await.cursor, 5);

    let first = committee.pull(VILLAGE_A, 0, 2).await;
    assert_eq!(first.changes, vec![(1, changes[0].clone()), (2, changes[1].clone())]);
    assert_eq!((first.next, first.more), (2, true));
    let rest = committee.pull(VILLAGE_A, first.next, 10).await;
    assert_eq!(rest.changes.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!((rest.next, rest.more), (5, false));
    let nothing = committee.pull(VILLAGE_A, 5, 10).await;
    assert_eq!((nothing.changes.len(), nothing.next, nothing.more), (0, 5, false));
    let own = helper.pull(VILLAGE_A, 0, 2).await;
    assert_eq!((own.changes.len(), own.next, own.more), (0, 5, false), "the helper has its own changes");

    let again = change('a', "visits", 7);
    for device in [&helper, &committee, &helper] {
        let pushed = device.push(VILLAGE_A, &[again.clone(), again.clone(), changes[0].clone()]).await;
        assert_eq!(pushed.kept, [0, 1, 2], "new, repeated and known changes kept");
        assert_eq!(pushed.cursor, 6);
    }
    assert_eq!(helper.pull_from(VILLAGE_A, 5).await, (vec![], 6), "its first pusher is not sent it");
    assert_eq!(committee.pull_from(VILLAGE_A, 5).await, (vec![], 6), "nor a device that pushed it again");

    let many: Vec<_> = (100..1300).map(|n| change('b', "card", n)).collect();
    assert_eq!(helper.push(VILLAGE_A, &many).await.cursor, 1206);
    let all = committee.pull_all(VILLAGE_A).await;
    let expected: Vec<u64> = (2..=5).chain(7..=1206).collect();
    assert_eq!(all.iter().map(|(s, _)| *s).collect::<Vec<_>>(), expected, "all but what it pushed");
    assert_eq!(all[4].1, many[0]);
}

#[tokio::test]
async fn each_role_reads_and_writes_only_its_scope_and_a_revoked_device_gets_401() {
    let database = server().fresh_database("scopes");
    let relay = Relay::start(&database);
    let a = relay.office(&database, VILLAGE_A).await;
    let b = relay.device(&database, "committee", VILLAGE_B, None).await;
    let kinds = ["card", "family", "profile", "sensitive", "assignment"];
    let all: Vec<_> = ['a', 'b']
        .into_iter()
        .flat_map(|e| kinds.iter().enumerate().map(move |(i, k)| change(e, k, (e as u16) * 10 + i as u16)))
        .collect();
    a.push(VILLAGE_A, &all).await;
    b.push(VILLAGE_B, &[change('c', "card", 1)]).await;

    let family = relay.device(&database, "family", VILLAGE_A, Some(&elder('a'))).await;
    let docs: Vec<_> = family.pull_all(VILLAGE_A).await.iter().map(|(_, c)| c.doc.to_string()).collect();
    assert_eq!(docs, [format!("{}/card", elder('a')), format!("{}/family", elder('a'))]);
    let page = family.pull(VILLAGE_A, 0, 10).await;
    assert_eq!((page.next, page.more), (10, false), "its cursor moves past what it may not see");
    let mixed = [change('a', "family", 90), change('a', "card", 91)];
    assert_eq!(family.push_status(VILLAGE_A, &mixed).await, 403);
    assert_eq!(family.push_status(VILLAGE_A, &[change('b', "family", 92)]).await, 403);
    assert_eq!(a.pull(VILLAGE_A, 0, 10).await.latest, 10, "a refused push stores nothing");
    assert_eq!(family.push(VILLAGE_A, &mixed[..1]).await.cursor, 11);

    // A helper's tablet bound to no helper receives no elder's documents; one whose helper the committee
    // routed 'a' and 'b' to receives theirs, never a sensitive one.
    let unbound = relay.device(&database, "helper", VILLAGE_A, None).await;
    assert!(unbound.pull_all(VILLAGE_A).await.is_empty());
    let helper = relay.helper_tablet(&database, VILLAGE_A, &elder('9')).await;
    assert_eq!(a.put_routes(VILLAGE_A, &[(elder('9'), vec![elder('a'), elder('b')])]).await, 200);
    let seen = helper.pull_all(VILLAGE_A).await;
    assert_eq!(seen.len(), 9);
    assert!(seen.iter().all(|(_, c)| c.doc.kind != "sensitive"));

    assert_eq!(a.pull_raw(VILLAGE_B, 0, 10).await.status(), 403);
    assert_eq!(a.push_status(VILLAGE_B, &[change('a', "card", 93)]).await, 403);
    assert_eq!(b.pull(VILLAGE_B, 0, 10).await.latest, 1);

    let township = relay.device(&database, "township", TOWNSHIP, None).await;
    assert_eq!(township.pull_all(VILLAGE_A).await.len(), 11);
    assert_eq!(township.pull_all(VILLAGE_B).await.len(), 1);
    assert_eq!(township.pull_raw("511902107202", 0, 10).await.status(), 403);
    assert_eq!(township.push_status(VILLAGE_A, &[change('a', "card", 94)]).await, 403);

    // The listing a township device starts from: the villages under its code, and no other.
    let elsewhere = relay.device(&database, "committee", "511902107202", None).await;
    elsewhere.push("511902107202", &[change('e', "card", 96)]).await;
    let listed = [(VILLAGE_A.to_string(), 11), (VILLAGE_B.to_string(), 1)];
    assert_eq!(township.spaces().await, listed);
    assert_eq!(a.spaces().await, listed[..1], "a village device lists its own village only");
    assert_eq!(family.spaces().await, listed[..1]);
    assert_eq!(b.spaces().await, listed[1..]);

    admin(&database, &["devices", "revoke", &helper.id]);
    assert!(admin(&database, &["devices", "list"]).contains("revoked"));
    assert_eq!(helper.pull_raw(VILLAGE_A, 0, 10).await.status(), 401);
    assert_eq!(helper.push_status(VILLAGE_A, &[change('a', "card", 95)]).await, 401);
}

#[tokio::test]
async fn two_relays_on_one_database_number_interleaved_pushes_contiguously_and_lose_none() {
    let database = server().fresh_database("replicas");
    let (one, two) = (Relay::start(&database), Relay::start(&database));
    let first = one.device(&database, "committee", VILLAGE_A, None).await;
    let second = two.device(&database, "helper", VILLAGE_A, None).await;
    let other_village = one.device(&database, "committee", VILLAGE_B, None).await.via(&two);
    // Each pusher has a tablet beside it that reads (a device is never sent what it pushed itself).
    let first_reader = one.device(&database, "committee", VILLAGE_A, None).await;
    let second_reader = one.device(&database, "township", TOWNSHIP, None).await;

    const ROUNDS: u16 = 40;
    // Each device pushes batches through its own relay while pulling through the other with its
    // cursor, as a tablet syncing in the field would; a change numbered below a cursor but committed
    // after the pull that set it would be missed here.
    let sync = |device: Device, reader: Device, elder_char: char, offset: u16| async move {
        let (mut seen, mut cursor) = (Vec::new(), 0);
        for round in 0..ROUNDS {
            let batch: Vec<_> = (0..3).map(|i| change(elder_char, "card", offset + round * 3 + i)).collect();
            let shared = change('d', "visits", round);
            let pushed = device.push(VILLAGE_A, &[batch, vec![shared]].concat()).await;
            assert_eq!(pushed.kept.len(), 4);
            let (page, next) = reader.pull_from(VILLAGE_A, cursor).await;
            seen.extend(page);
            cursor = next;
        }
        (seen, cursor)
    };
    let noise = async {
        for n in 0..ROUNDS {
            other_village.push(VILLAGE_B, &[change('b', "card", n)]).await;
        }
    };
    let ((mut seen_first, cursor_first), (mut seen_second, cursor_second), ()) = tokio::join!(
        sync(first.via(&one), first_reader.via(&two), 'a', 1000),
        sync(second.via(&two), second_reader.via(&one), 'c', 2000),
        noise,
    );
    seen_first.extend(first_reader.pull_from(VILLAGE_A, cursor_first).await.0);
    seen_second.extend(second_reader.pull_from(VILLAGE_A, cursor_second).await.0);

    let total = u64::from(ROUNDS) * 7; // 3 + 3 own changes per round, the shared one once
    let expected: Vec<u64> = (1..=total).collect();
    for seen in [&seen_first, &seen_second] {
        assert_eq!(seen.iter().map(|(s, _)| *s).collect::<Vec<_>>(), expected, "each change once, in order");
    }
    assert_eq!(seen_first, seen_second, "both devices see the same numbering");
    let mut hashes: Vec<_> = seen_first.iter().map(|(_, c)| c.hash().unwrap()).collect();
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len() as u64, total);
    assert_eq!(other_village.pull(VILLAGE_B, 0, 1000).await.latest, u64::from(ROUNDS));
    assert_eq!(one.epoch().await, two.epoch().await);
}

/// Fifty pushes arriving at once at two replicas are stored by group commit: each is answered with all
/// its positions kept, every change is stored once with numbers 1..=N and no gap, and the one damaged
/// push in the crowd is refused alone, storing nothing, without failing its neighbours.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_pushes_at_once_are_each_kept_and_stored_once_and_a_damaged_one_alone_is_refused() {
    let database = server().fresh_database("crowd");
    let (one, two) = (Relay::start(&database), Relay::start(&database));
    const PUSHES: u16 = 50;
    const DAMAGED: usize = 17;
    let mut devices = Vec::new();
    for _ in 0..10 {
        devices.push(one.device(&database, "helper", VILLAGE_A, None).await);
    }
    // Each push: two changes of its own and one record that every helper sends again.
    let shared = change('d', "visits", 0);
    let pushes: Vec<Vec<Change>> = (0..PUSHES)
        .map(|p| vec![change('a', "card", 2 * p + 1), shared.clone(), change('a', "card", 2 * p + 2)])
        .collect();
    let mut damaged = pushes[DAMAGED].clone();
    damaged[2].bytes[0] ^= 0xff;
    let tasks: Vec<_> = pushes
        .iter()
        .enumerate()
        .map(|(i, changes)| {
            let device = devices[i % devices.len()].via(if i % 2 == 0 { &one } else { &two });
            let changes = if i == DAMAGED { damaged.clone() } else { changes.clone() };
            tokio::spawn(async move {
                let response = device.push_raw(VILLAGE_A, &changes).await;
                (response.status().as_u16(), response.bytes().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }

    let reader = one.device(&database, "committee", VILLAGE_A, None).await;
    let stored = reader.pull_all(VILLAGE_A).await;
    let total = (usize::from(PUSHES) - 1) * 2 + 1;
    assert_eq!(stored.iter().map(|(s, _)| *s).collect::<Vec<_>>(), (1..=total as u64).collect::<Vec<_>>());
    let seq_of = |c: &Change| stored.iter().find(|(_, s)| s == c).map(|(seq, _)| *seq);
    for (i, (status, body)) in answers.iter().enumerate() {
        if i == DAMAGED {
            assert_eq!(*status, 400);
            let refusal: serde_json::Value = serde_json::from_slice(body).unwrap();
            assert_eq!(refusal["field"], "changes[2].bytes");
            assert_eq!(seq_of(&pushes[i][0]), None, "a refused push stores nothing");
            continue;
        }
        assert_eq!(*status, 200, "push {i}");
        let answer: PushResponse = decode(body).unwrap();
        assert_eq!(answer.kept, [0, 1, 2], "push {i} is kept whole");
        for change in &pushes[i] {
            let seq = seq_of(change).expect("every kept change is stored");
            assert!(seq <= answer.cursor, "push {i} was answered after its changes committed");
        }
    }
    let mut hashes: Vec<_> = stored.iter().map(|(_, c)| c.hash().unwrap()).collect();
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len(), total, "each change once");
}

#[test]
fn a_batch_numbers_as_its_pushes_would_one_by_one_and_a_failing_batch_stores_none() {
    let database = server().fresh_database("batch");
    let store = PostgresStore::open(&database).unwrap();
    let hashed = |cs: &[Change]| cs.iter().map(|c| (c.hash().unwrap(), c.clone())).collect::<Vec<_>>();
    let first = hashed(&[change('a', "card", 1), change('a', "card", 2)]);
    let second = hashed(&[change('a', "card", 2), change('a', "card", 3), change('a', "card", 3)]);
    let pushes = [
        Push { space: VILLAGE_B, changes: &first[..1], pusher: None, role: None },
        Push { space: VILLAGE_A, changes: &first, pusher: None, role: None },
        Push { space: VILLAGE_A, changes: &second, pusher: None, role: None },
    ];
    let outcomes = store.push_many(&pushes, 0).unwrap();
    let expected = [(1, 1), (2, 2), (1, 3)].map(|(new, head)| PushOutcome { new, head });
    assert_eq!(outcomes, expected);

    // A database failure in any push of a batch rolls back all of them.
    let mut client = postgres::Client::connect(&database, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'the disk refused'; END $$;
             CREATE TRIGGER refuse BEFORE INSERT ON changes FOR EACH ROW
             WHEN (NEW.elder = '{}') EXECUTE FUNCTION refuse();",
            elder('f')
        ))
        .unwrap();
    let good = hashed(&[change('a', "card", 4)]);
    let refused = hashed(&[change('f', "card", 5)]);
    let pushes = [
        Push { space: VILLAGE_A, changes: &good, pusher: None, role: None },
        Push { space: VILLAGE_B, changes: &refused, pusher: None, role: None },
        Push { space: VILLAGE_B, changes: &good, pusher: None, role: None },
    ];
    assert!(store.push_many(&pushes, 0).is_err());
    let all = ReadFilter::ALL;
    assert_eq!(store.pull(VILLAGE_A, 0, 10, &all).unwrap().latest, 3, "nothing of the batch is stored");
    assert_eq!(store.pull(VILLAGE_B, 0, 10, &all).unwrap().latest, 1);
    drop(client);
    drop(store);
}

#[test]
fn concurrent_pushes_to_one_space_commit_in_number_order_so_cursors_skip_nothing() {
    let database = server().fresh_database("store_race");
    let store = Arc::new(PostgresStore::open(&database).unwrap());
    const PUSHERS: u16 = 6;
    const BATCHES: u16 = 25;
    let total = u64::from(PUSHERS * BATCHES) * 2;
    let pushers: Vec<_> = (0..PUSHERS)
        .map(|p| {
            let store = store.clone();
            std::thread::spawn(move || {
                for b in 0..BATCHES {
                    let n = (p * BATCHES + b) * 2;
                    let batch = [change('a', "card", n), change('a', "card", n + 1), change('a', "card", n)]
                        .map(|c| (c.hash().unwrap(), c));
                    assert_eq!(store.push(VILLAGE_A, &batch, 0).unwrap().new, 2);
                    store.push(VILLAGE_B, &batch[..1], 0).unwrap();
                }
            })
        })
        .collect();
    let pullers: Vec<_> = (0..2)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || {
                let all = ReadFilter::ALL;
                let (mut seen, mut cursor) = (Vec::new(), 0);
                while cursor < total {
                    let page = store.pull(VILLAGE_A, cursor, 7, &all).unwrap();
                    seen.extend(page.changes.into_iter().map(|(seq, _)| seq));
                    cursor = page.next;
                }
                seen
            })
        })
        .collect();
    for pusher in pushers {
        pusher.join().unwrap();
    }
    for puller in pullers {
        assert_eq!(puller.join().unwrap(), (1..=total).collect::<Vec<_>>(), "every number once, in order");
    }
    let village_b = ReadFilter { kinds: &["card"], ..ReadFilter::ALL };
    assert_eq!(store.pull(VILLAGE_B, 0, 1000, &village_b).unwrap().latest, u64::from(PUSHERS * BATCHES));
    // The blocking client runs its own runtime; dropping it here, off any async thread, is fine.
    drop(store);
}

#[test]
fn the_schema_is_made_once_and_a_newer_one_is_refused() {
    // A store of version 1 (no pushers recorded) migrates, and its changes still reach every device.
    let old = server().fresh_database("schema_v1");
    let mut client = postgres::Client::connect(&old, postgres::NoTls).unwrap();
    client.batch_execute(include_str!("../../../crates/relay/schema/postgres/001_init.sql")).unwrap();
    client
        .batch_execute(
            "CREATE TABLE schema_version (version BIGINT NOT NULL);
             INSERT INTO schema_version (version) VALUES (1);
             INSERT INTO spaces (space, head) VALUES ('511902106202', 1);",
        )
        .unwrap();
    let before = change('a', "card", 1);
    client
        .execute(
            "INSERT INTO changes (space, seq, hash, elder, kind, bytes, received_at)
             VALUES ('511902106202', 1, $1, $2, 'card', $3, 0)",
            &[&before.hash().unwrap(), &before.doc.elder, &before.bytes],
        )
        .unwrap();
    let migrated = PostgresStore::open(&old).unwrap();
    let anyone = ReadFilter { device: Some("d".into()), ..ReadFilter::ALL };
    assert_eq!(migrated.pull(VILLAGE_A, 0, 10, &anyone).unwrap().changes, vec![(1, before)]);
    drop(migrated);

    let database = server().fresh_database("schema");
    let epoch = PostgresStore::open(&database).unwrap().epoch();
    assert_eq!(PostgresStore::open(&database).unwrap().epoch(), epoch);
    let mut client = postgres::Client::connect(&database, postgres::NoTls).unwrap();
    client.batch_execute("UPDATE schema_version SET version = 99").unwrap();
    assert!(matches!(PostgresStore::open(&database), Err(StoreError::TooNew { found: 99, supported: 5 })));
}

/// The `pg_dump` of the server's version, else the one on `PATH`.
fn pg_dump() -> PathBuf {
    let found = std::fs::read_dir("/usr/lib/postgresql").ok().and_then(|dirs| {
        let mut bins: Vec<PathBuf> =
            dirs.flatten().map(|d| d.path().join("bin/pg_dump")).filter(|p| p.exists()).collect();
        bins.sort();
        bins.pop()
    });
    found.unwrap_or_else(|| PathBuf::from("pg_dump"))
}

/// The office signing key's seed of these stories' village.
const OFFICE_SEED: [u8; 32] = [42; 32];

/// An erasure envelope for `<elder>/keyring` of village A, as the committee's device seals it: signed
/// with the village's office key.
fn erasure(elder_char: char, n: u16) -> Change {
    use shouwang_protocol::envelope;
    let doc = DocRef { elder: elder(elder_char), kind: "keyring".into() };
    let body = format!("erasure {n}");
    let bytes =
        envelope::signed_sample(envelope::What::Erasure, body.as_bytes(), VILLAGE_A, &doc, &OFFICE_SEED);
    Change { doc, bytes }
}

/// The ciphertext of a sample envelope (between its 35-byte header and its 16-byte tag), as lowercase
/// hex: how `pg_dump` and the relay's export print it.
fn body_hex(change: &Change) -> String {
    change.bytes[35..change.bytes.len() - 16].iter().map(|b| format!("{b:02x}")).collect()
}

/// On PostgreSQL too, the committee's erasure drops every change of the elder in the transaction that
/// stores it; pulls from 0 yield the erasure and nothing else of the elder; neither `pg_dump` nor the
/// relay's export holds any of the elder's envelopes.
#[tokio::test]
async fn after_an_erasure_no_pull_nor_dump_of_the_postgresql_relay_holds_the_elder() {
    let database = server().fresh_database("erasure");
    let relay = Relay::start(&database);
    let helper = relay.device(&database, "helper", VILLAGE_A, None).await;
    let committee = relay.office(&database, VILLAGE_A).await;
    let township = relay.device(&database, "township", TOWNSHIP, None).await;
    let of_e = [change('e', "card", 1), change('e', "visits", 2), change('e', "sensitive", 3)];
    let kept = [change('b', "card", 4)];
    helper.push(VILLAGE_A, &of_e[..2]).await;
    helper.push(VILLAGE_A, &kept).await;
    committee.push(VILLAGE_A, &of_e[2..]).await;
    let cursor = helper.pull(VILLAGE_A, 0, 100).await.next;
    assert_eq!(helper.push_status(VILLAGE_A, &[erasure('e', 1)]).await, 403, "a helper cannot erase");
    let answer = committee.push(VILLAGE_A, &[erasure('e', 1)]).await;
    assert_eq!((answer.kept, answer.cursor), (vec![0], 5));
    // An offline tablet's late change of the elder: acknowledged, not stored.
    let late = change('e', "visits", 6);
    assert_eq!(helper.push(VILLAGE_A, std::slice::from_ref(&late)).await.kept, [0]);

    let all = township.pull_all(VILLAGE_A).await;
    assert_eq!(all, vec![(3, kept[0].clone()), (5, erasure('e', 1))]);
    assert_eq!(helper.pull(VILLAGE_A, cursor, 100).await.changes, vec![(5, erasure('e', 1))]);
    drop(relay);

    let dump = Command::new(pg_dump()).args(["--data-only", "--dbname", &database]).output().unwrap();
    assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
    let dump = String::from_utf8(dump.stdout).unwrap();
    let export = std::env::temp_dir().join(format!("shouwang-erasure-{}.jsonl", std::process::id()));
    admin(&database, &["export", "--out", export.to_str().unwrap()]);
    let exported = std::fs::read_to_string(&export).unwrap();
    std::fs::remove_file(&export).unwrap();
    for text in [&dump, &exported] {
        assert!(text.contains(&body_hex(&kept[0])), "the check can find an envelope");
        for change in of_e.iter().chain([&late]) {
            assert!(
                !text.contains(&body_hex(change)),
                "{} of the erased elder is still held",
                change.doc.kind
            );
        }
    }
}

/// Issue 8: a relay moves from SQLite to PostgreSQL (export, import) and back. The devices go on with
/// their tokens and cursors against the PostgreSQL relay, pulling nothing twice, and the numbers go
/// on from the old head; the way back gives the same dump.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_moved_from_sqlite_to_postgresql_keeps_its_devices_tokens_and_cursors() {
    use shouwang_relay::enrolment::{self, Grant};
    use shouwang_relay::{Config, RelayState, SqliteStore};
    let sqlite_dir = tempfile::tempdir().unwrap();
    let state = RelayState::new(SqliteStore::open(sqlite_dir.path()).unwrap(), Config::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(shouwang_relay::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let mut devices = Vec::new();
    for role in [shouwang_protocol::Role::Helper, shouwang_protocol::Role::Committee] {
        let grant = Grant { role, scope: VILLAGE_A.into(), elder: None, helper: None, label: None };
        let code = enrolment::create(state.store().as_ref(), &grant, 72, shouwang_relay::now()).unwrap();
        let office_key =
            (role == shouwang_protocol::Role::Committee).then(|| shouwang_protocol::office::OfficeKey {
                generation: 1,
                key: shouwang_protocol::office::public_key(&OFFICE_SEED),
            });
        let body = encode(&RedeemRequest { code, device_name: "tablet".into(), office_key });
        let answer = http.post(format!("{url}/v1/enrol")).header("content-type", CONTENT_TYPE).body(body);
        let redeemed: RedeemResponse = decode(&answer.send().await.unwrap().bytes().await.unwrap()).unwrap();
        devices.push(Device {
            url: url.clone(),
            http: http.clone(),
            token: redeemed.token,
            id: redeemed.device_id,
        });
    }
    let (helper, committee) = (&devices[0], &devices[1]);
    let before: Vec<Change> = (1..=40).map(|n| change('a', "visits", n)).collect();
    helper.push(VILLAGE_A, &before).await;
    committee.push(VILLAGE_A, &[change('b', "card", 41), erasure('c', 42)]).await;
    let (pulled, cursor) = committee.pull_from(VILLAGE_A, 0).await;
    assert_eq!((pulled.len(), cursor), (40, 42));
    let epoch = state.epoch().to_string();
    let _ = stop.send(());
    serving.await.unwrap().unwrap();
    drop(state);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sqlite.jsonl");
    let out = Command::new(relay_bin())
        .arg("--data")
        .arg(sqlite_dir.path())
        .args(["export", "--out", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let database = server().fresh_database("moved");
    let printed = admin(&database, &["import", file.to_str().unwrap()]);
    assert!(printed.contains("imported 2 devices, 2 codes, 1 spaces, 42 changes"), "{printed}");

    let pg = Relay::start(&database);
    assert_eq!(pg.epoch().await, epoch, "the same epoch: cursors stay valid");
    let (helper, committee) = (helper.via(&pg), committee.via(&pg));
    let (again, same) = committee.pull_from(VILLAGE_A, cursor).await;
    assert_eq!((again.len(), same), (0, cursor), "nothing pulled twice");
    let next = change('a', "visits", 43);
    assert_eq!(helper.push(VILLAGE_A, std::slice::from_ref(&next)).await.cursor, cursor + 1);
    assert_eq!(committee.pull_from(VILLAGE_A, cursor).await.0, vec![(cursor + 1, next)]);
    // The helper is sent only what it did not push of what it receives: the erasure (bound to no
    // helper, it receives no elder's documents).
    assert_eq!(helper.pull_all(VILLAGE_A).await.len(), 1, "the helper is sent only the erasure");
    drop(pg);

    // And back: PostgreSQL to a new SQLite store gives the same dump again.
    let from_pg = dir.path().join("postgres.jsonl");
    admin(&database, &["export", "--out", from_pg.to_str().unwrap()]);
    let back_dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(relay_bin()).arg("--data").arg(back_dir.path()).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["import", from_pg.to_str().unwrap()]);
    let from_sqlite = dir.path().join("back.jsonl");
    run(&["export", "--out", from_sqlite.to_str().unwrap()]);
    let (pg_text, sqlite_text) =
        (std::fs::read_to_string(&from_pg).unwrap(), std::fs::read_to_string(&from_sqlite).unwrap());
    assert_eq!(pg_text.lines().count(), sqlite_text.lines().count());
    assert_eq!(pg_text, sqlite_text);
}
