//! HTTP to the relay: postcard + zstd bodies, bearer token, bounded timeouts.

use crate::SyncError;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use shouwang_protocol::office::{OfficeKey, OfficeKeyChange};
use shouwang_protocol::{
    decode, encode, EnrolmentRequest, FamilyCodeRequest, FamilyCodeResponse, Format, HelperRoutes,
    PullResponse, PushRequest, PushResponse, RedeemRequest, RedeemResponse, RedeemResponseV1, RoutesAck,
    RoutesRequest, SpacesResponse, SyncRequest, SyncResponse, CONTENT_TYPE, FORMAT_HEADER,
};
use std::time::Duration;

/// A connection to one relay.
#[derive(Debug, Clone)]
pub struct Relay {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Relay {
    /// A client for the relay at `base` (e.g. `http://127.0.0.1:8787`), authenticated with `token`.
    pub fn new(base: &str, token: Option<String>) -> Result<Relay, SyncError> {
        let base = base.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(SyncError::Refused {
                status: 400,
                kind: "invalid".into(),
                field: Some("relay".into()),
                message: format!("the relay address must start with http:// or https://, got {base:?}"),
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(Relay { http, base, token })
    }

    /// Redeems a one-time enrolment code. A relay from before the helper binding answers without the
    /// helper: read as [`RedeemResponseV1`].
    pub async fn redeem(&self, request: &RedeemRequest) -> Result<RedeemResponse, SyncError> {
        let url = format!("{}/v1/enrol", self.base);
        let (bytes, _) = self.send_raw(self.http.post(url).body(encode(request))).await?;
        match decode::<RedeemResponse>(&bytes) {
            Ok(answer) => Ok(answer),
            Err(_) => {
                Ok(decode::<RedeemResponseV1>(&bytes).map_err(|e| SyncError::Wire(e.to_string()))?.into())
            }
        }
    }

    /// Asks for a one-time code for a device of this committee's village: a helper's tablet bound to a
    /// helper, or a family phone for an elder (committee devices only).
    pub async fn enrolment_code(&self, request: &EnrolmentRequest) -> Result<FamilyCodeResponse, SyncError> {
        self.send(self.http.post(format!("{}/v1/enrolments", self.base)).body(encode(request))).await
    }

    /// Asks for a one-time code enrolling a family device for one elder (committee devices only).
    pub async fn family_code(&self, request: &FamilyCodeRequest) -> Result<FamilyCodeResponse, SyncError> {
        self.send(self.http.post(format!("{}/v1/enrolments", self.base)).body(encode(request))).await
    }

    /// Pushes changes to a space; returns (answer, request body bytes).
    pub async fn push(&self, space: &str, request: &PushRequest) -> Result<(PushResponse, usize), SyncError> {
        let body = encode(request);
        let len = body.len();
        let url = format!("{}/v1/spaces/{space}/changes", self.base);
        Ok((self.send(self.http.post(url).body(body)).await?, len))
    }

    /// Pushes changes and pulls the page after the request's cursor in one round trip; returns (answer,
    /// request body bytes, response body bytes).
    pub async fn sync(
        &self,
        space: &str,
        request: &SyncRequest,
    ) -> Result<(SyncResponse, usize, usize), SyncError> {
        let body = encode(request);
        let len = body.len();
        let url = format!("{}/v1/spaces/{space}/sync", self.base);
        let (answer, received) = self.send_counted(self.http.post(url).body(body)).await?;
        Ok((answer, len, received))
    }

    /// Pulls the page after `after`; returns (page, response body bytes).
    pub async fn pull(
        &self,
        space: &str,
        after: u64,
        limit: u32,
    ) -> Result<(PullResponse, usize), SyncError> {
        let url = format!("{}/v1/spaces/{space}/changes?after={after}&limit={limit}", self.base);
        self.send_counted(self.http.get(url)).await
    }

    /// Pulls one subject's changes after `after` and up to `upto` (the history of an elder newly routed
    /// to this helper's tablet); returns (page, response body bytes).
    pub async fn pull_subject(
        &self,
        space: &str,
        subject: &str,
        after: u64,
        upto: u64,
    ) -> Result<(PullResponse, usize), SyncError> {
        let url = format!(
            "{}/v1/spaces/{space}/changes?after={after}&limit={}&subject={subject}&upto={upto}",
            self.base,
            shouwang_protocol::limits::MAX_PAGE
        );
        self.send_counted(self.http.get(url)).await
    }

    /// Moves the village's office key at the relay to a newer generation (committee devices).
    pub async fn change_office_key(
        &self,
        space: &str,
        change: &OfficeKeyChange,
    ) -> Result<OfficeKey, SyncError> {
        let url = format!("{}/v1/spaces/{space}/office-key", self.base);
        self.send(self.http.post(url).body(encode(change))).await
    }

    /// Gives the relay the village's whole routing table (committee devices); returns its digest.
    pub async fn put_routes(
        &self,
        space: &str,
        request: &RoutesRequest,
    ) -> Result<(RoutesAck, usize), SyncError> {
        let body = encode(request);
        let len = body.len();
        let url = format!("{}/v1/spaces/{space}/routes", self.base);
        Ok((self.send(self.http.put(url).body(body)).await?, len))
    }

    /// This helper's tablet's routing list; returns (list, response body bytes).
    pub async fn helper_routes(&self, space: &str) -> Result<(HelperRoutes, usize), SyncError> {
        self.send_counted(self.http.get(format!("{}/v1/spaces/{space}/routes", self.base))).await
    }

    /// Lists the villages this device reads that hold changes, with their heads; returns (listing,
    /// response body bytes). Only a device enrolled for more than one village needs it.
    pub async fn spaces(&self) -> Result<(SpacesResponse, usize), SyncError> {
        self.send_counted(self.http.get(format!("{}/v1/spaces", self.base))).await
    }

    async fn send<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T, SyncError> {
        Ok(self.send_counted(request).await?.0)
    }

    /// Sends a request; returns the decoded answer and the size of its body as received.
    async fn send_counted<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(T, usize), SyncError> {
        let (bytes, len) = self.send_raw(request).await?;
        let answer = decode(&bytes).map_err(|e| SyncError::Wire(e.to_string()))?;
        Ok((answer, len))
    }

    /// Sends a request; returns the answer's body, refused unless the status is 200, and its size.
    async fn send_raw(&self, request: reqwest::RequestBuilder) -> Result<(Vec<u8>, usize), SyncError> {
        // The answer to a request without a body comes in the format named here; one with a body is
        // answered in the body's format.
        let mut request = request
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header(FORMAT_HEADER, Format::CURRENT.number().to_string());
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| SyncError::Network(describe(&e)))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| SyncError::Network(describe(&e)))?;
        if status != StatusCode::OK {
            return Err(refusal(status, &bytes));
        }
        Ok((bytes.to_vec(), bytes.len()))
    }
}

/// What went wrong on the network, with its causes (and without the URL).
fn describe(e: &reqwest::Error) -> String {
    let mut msg = String::from(if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the answer"
    } else {
        "request failed"
    });
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[derive(serde::Deserialize, Serialize, Default)]
struct ErrorBody {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    message: String,
}

fn refusal(status: StatusCode, body: &[u8]) -> SyncError {
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    SyncError::Refused {
        status: status.as_u16(),
        kind: if parsed.kind.is_empty() {
            status.canonical_reason().unwrap_or("error").into()
        } else {
            parsed.kind
        },
        field: parsed.field,
        message: parsed.message,
    }
}
