//! A relay on a real TCP listener on 127.0.0.1:0, and devices that enrol with it and talk to it.

#![allow(dead_code)]

use shouwang_protocol::envelope::{self, What};
use shouwang_protocol::{
    decode, encode, Change, DocRef, PullResponse, PushRequest, RedeemRequest, RedeemResponse, Role,
};
use shouwang_relay::enrolment::{self, Grant};
use shouwang_relay::{Config, RelayState, SqliteStore};

pub const VILLAGE_A: &str = "511902106202";
pub const VILLAGE_B: &str = "511902106203";
pub const TOWNSHIP: &str = "511902106000";
pub const CT: &str = shouwang_protocol::CONTENT_TYPE;

pub struct Relay {
    pub url: String,
    pub state: RelayState,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Relay {
    pub async fn start() -> Relay {
        Relay::start_with(Config::default()).await
    }

    pub async fn start_with(config: Config) -> Relay {
        Relay::start_in(tempfile::tempdir().unwrap(), config).await
    }

    /// A relay over the SQLite store in `dir` (new or kept from an earlier relay, or imported).
    pub async fn start_in(dir: tempfile::TempDir, config: Config) -> Relay {
        let state = RelayState::new(SqliteStore::open(dir.path()).unwrap(), config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(shouwang_relay::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Relay { url, state, dir, http: reqwest::Client::new(), stop: Some(stop), task: Some(task) }
    }

    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
    }

    pub fn code(&self, role: Role, scope: &str, elder: Option<&str>) -> String {
        let grant =
            Grant { role, scope: scope.into(), elder: elder.map(String::from), helper: None, label: None };
        enrolment::create(self.state.store().as_ref(), &grant, 72, shouwang_relay::now()).unwrap()
    }

    pub async fn redeem(&self, code: &str) -> reqwest::Response {
        let body =
            encode(&RedeemRequest { code: code.into(), device_name: "tablet".into(), office_key: None });
        self.http
            .post(format!("{}/v1/enrol", self.url))
            .header("content-type", CT)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// A committee device that enrols with the village's office key ([`office_key`]): the first to do
    /// so sets it, and its erasures ([`erasure`]) are the only ones the relay acts on.
    pub async fn office(&self, scope: &str) -> Device {
        let code = self.code(Role::Committee, scope, None);
        let body =
            encode(&RedeemRequest { code, device_name: "office".into(), office_key: Some(office_key()) });
        let response = self
            .http
            .post(format!("{}/v1/enrol", self.url))
            .header("content-type", CT)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let redeemed: RedeemResponse = decode(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(redeemed.office_key, Some(office_key()));
        Device {
            url: self.url.clone(),
            http: self.http.clone(),
            token: redeemed.token,
            id: redeemed.device_id,
        }
    }

    /// A helper's tablet bound to `helper` (32 hex): it receives the elders its committee routes to it.
    pub async fn helper_tablet(&self, scope: &str, helper: &str) -> Device {
        let grant = Grant {
            role: Role::Helper,
            scope: scope.into(),
            elder: None,
            helper: Some(helper.into()),
            label: None,
        };
        let code = enrolment::create(self.state.store().as_ref(), &grant, 72, shouwang_relay::now()).unwrap();
        self.device_from(&code).await
    }

    async fn device_from(&self, code: &str) -> Device {
        let response = self.redeem(code).await;
        assert_eq!(response.status(), 200);
        let redeemed: RedeemResponse = decode(&response.bytes().await.unwrap()).unwrap();
        Device {
            url: self.url.clone(),
            http: self.http.clone(),
            token: redeemed.token,
            id: redeemed.device_id,
        }
    }

    pub async fn device(&self, role: Role, scope: &str, elder: Option<&str>) -> Device {
        let response = self.redeem(&self.code(role, scope, elder)).await;
        assert_eq!(response.status(), 200);
        let redeemed: RedeemResponse = decode(&response.bytes().await.unwrap()).unwrap();
        Device {
            url: self.url.clone(),
            http: self.http.clone(),
            token: redeemed.token,
            id: redeemed.device_id,
        }
    }
}

#[derive(Clone)]
pub struct Device {
    pub url: String,
    pub http: reqwest::Client,
    pub token: String,
    pub id: String,
}

impl Device {
    pub async fn push_raw(&self, space: &str, body: Vec<u8>) -> reqwest::Response {
        self.http
            .post(format!("{}/v1/spaces/{space}/changes", self.url))
            .bearer_auth(&self.token)
            .header("content-type", CT)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn push(&self, space: &str, changes: &[Change]) -> reqwest::Response {
        self.push_raw(space, encode(&PushRequest { changes: changes.to_vec() })).await
    }

    /// `POST …/sync`: pushes `changes` and pulls the page after `after` in one round trip.
    pub async fn sync_raw(&self, space: &str, changes: &[Change], after: u64) -> reqwest::Response {
        let request = shouwang_protocol::SyncRequest { changes: changes.to_vec(), after, limit: 500 };
        self.http
            .post(format!("{}/v1/spaces/{space}/sync", self.url))
            .bearer_auth(&self.token)
            .header("content-type", CT)
            .body(encode(&request))
            .send()
            .await
            .unwrap()
    }

    pub async fn pull_raw(&self, space: &str, after: u64, limit: u32) -> reqwest::Response {
        self.http
            .get(format!("{}/v1/spaces/{space}/changes?after={after}&limit={limit}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn pull(&self, space: &str, after: u64, limit: u32) -> PullResponse {
        let response = self.pull_raw(space, after, limit).await;
        assert_eq!(response.status(), 200);
        decode(&response.bytes().await.unwrap()).unwrap()
    }

    /// `PUT …/routes`: the committee's routing table, signed with the village's office key.
    pub async fn put_routes(&self, space: &str, routes: &[(String, Vec<String>)]) -> reqwest::Response {
        self.put_routes_signed(space, routes, &OFFICE_SEED).await
    }

    /// `PUT …/routes` signed with the key of `seed`.
    pub async fn put_routes_signed(
        &self,
        space: &str,
        routes: &[(String, Vec<String>)],
        seed: &[u8; 32],
    ) -> reqwest::Response {
        let mut request = shouwang_protocol::RoutesRequest { routes: routes.to_vec(), signature: Vec::new() };
        request.signature = shouwang_protocol::office::sign(
            seed,
            &shouwang_protocol::office::routes_message(space, request.digest()),
        );
        let body = encode(&request);
        self.http
            .put(format!("{}/v1/spaces/{space}/routes", self.url))
            .bearer_auth(&self.token)
            .header("content-type", CT)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Pulls every page and returns the changes.
    pub async fn pull_all(&self, space: &str) -> Vec<(u64, Change)> {
        let (mut after, mut all) = (0, Vec::new());
        loop {
            let page = self.pull(space, after, 1000).await;
            all.extend(page.changes);
            after = page.next;
            if !page.more {
                return all;
            }
        }
    }
}

pub fn elder(c: char) -> String {
    c.to_string().repeat(32)
}

/// A change to `<elder>/<kind>`: a well-formed sealed envelope no key opens (the relay never holds
/// one), whose bytes, so its hash, derive from `n`.
pub fn change(elder_char: char, kind: &str, n: u16) -> Change {
    sealed(elder_char, kind, What::Change, n)
}

/// An envelope of kind `what` addressed to `<elder>/<kind>`.
pub fn sealed(elder_char: char, kind: &str, what: What, n: u16) -> Change {
    Change {
        doc: DocRef { elder: elder(elder_char), kind: kind.into() },
        bytes: envelope::sample(what, format!("change {n}").as_bytes()),
    }
}

/// The office signing key's seed of the tests' village.
pub const OFFICE_SEED: [u8; 32] = [42; 32];

/// The tests' village's office key (generation 1).
pub fn office_key() -> shouwang_protocol::office::OfficeKey {
    shouwang_protocol::office::OfficeKey {
        generation: 1,
        key: shouwang_protocol::office::public_key(&OFFICE_SEED),
    }
}

/// An erasure of `<elder>` in `space`, signed with the office key as an office device signs it.
pub fn erasure(elder_char: char, space: &str, n: u16) -> Change {
    signed_erasure(elder_char, space, n, &OFFICE_SEED)
}

/// An erasure signed with the key of `seed` (another key than the office's: a forgery).
pub fn signed_erasure(elder_char: char, space: &str, n: u16, seed: &[u8; 32]) -> Change {
    let doc = DocRef { elder: elder(elder_char), kind: "keyring".into() };
    let bytes = envelope::signed_sample(What::Erasure, format!("change {n}").as_bytes(), space, &doc, seed);
    Change { doc, bytes }
}

/// Spoils an envelope's header (its magic) so the relay refuses it as malformed.
pub fn spoil(change: &mut Change) {
    change.bytes[0] ^= 0xff;
}

pub async fn json(response: reqwest::Response) -> serde_json::Value {
    response.json().await.unwrap()
}
