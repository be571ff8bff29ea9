//! `POST /v1/enrol`: a device redeems a one-time code for its token. `POST /v1/enrolments`: a committee
//! device asks for a code for a device of its own village: a family phone for one elder (the contact
//! card's QR code) or a helper's tablet bound to one of its helpers.

use super::{body, reply};
use crate::enrolment::{self, EnrolError, Grant};
use crate::metrics::Metrics;
use crate::{secret, RelayError, RelayState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use shouwang_protocol::{
    limits, EnrolmentRequest, EnrolmentRequestV1, FamilyCodeRequest, FamilyCodeResponse, RedeemRequest,
    RedeemRequestV1, RedeemResponse, Role,
};
use std::time::Instant;

pub(super) async fn redeem(
    State(state): State<RelayState>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, RelayError> {
    // Unauthenticated, so one shared budget bounds guessing.
    state
        .limiter()
        .check("enrol", Instant::now())
        .map_err(|retry_after| RelayError::RateLimited { retry_after })?;
    // A device built before the office key sends the first body.
    let raw = raw.map_err(|_| RelayError::invalid("body", "could not be read"))?;
    let (request, format): (RedeemRequest, _) = match body(&headers, Ok(raw.clone())) {
        Ok(found) => found,
        Err(RelayError::Invalid(_)) => {
            let (old, format): (RedeemRequestV1, _) = body(&headers, Ok(raw))?;
            (old.into(), format)
        }
        Err(e) => return Err(e),
    };
    if request.office_key.as_ref().is_some_and(|k| k.key.len() != 32) {
        return Err(RelayError::invalid("office_key.key", "must be 32 bytes"));
    }
    let name = request.device_name.trim().to_string();
    if name.is_empty() || name.len() > limits::MAX_DEVICE_NAME {
        return Err(RelayError::invalid("device_name", "must be 1 to 100 bytes"));
    }
    let code = secret::normalise_code(&request.code);
    if code.len() != secret::CODE_LEN {
        return Err(RelayError::InvalidCode);
    }
    let token = secret::random_hex(32);
    let (code_hash, token_hash, id) = (secret::hash(&code), secret::hash(&token), secret::random_hex(8));
    let now = crate::now();
    let device = state
        .with_store(move |s| s.redeem(&code_hash, &id, &name, &token_hash, now))
        .await?
        .ok_or(RelayError::InvalidCode)?;
    Metrics::add(&state.metrics().enrolments, 1);
    tracing::info!(device = %device.id, role = %device.role, "device enrolled");
    // The village's first office device to enrol gives the relay the office key; later ones learn
    // which it holds. Only a committee's: a helper or a family phone holds no office key.
    let office_key = match (device.role, request.office_key) {
        (Role::Committee, Some(key)) => {
            let space = device.scope.clone();
            Some(state.with_store(move |s| s.claim_office_key(&space, &key, now)).await?)
        }
        (Role::Committee, None) => {
            let space = device.scope.clone();
            state.with_store(move |s| s.office_key(&space)).await?
        }
        _ => None,
    };
    Ok(reply(
        format,
        &RedeemResponse {
            token,
            device_id: device.id,
            role: device.role,
            scope: device.scope,
            elder: device.elder,
            epoch: state.epoch().to_string(),
            helper: device.helper,
            office_key,
        },
    ))
}

/// How long a family code printed on a contact card stays redeemable: the card is handed over or hung
/// in the elder's home, and the family scans it on their next visit or call.
pub const FAMILY_CODE_HOURS: u32 = 30 * 24;

/// How long a code for a helper's tablet stays redeemable: the committee hands the tablet over in
/// person, within the week.
pub const HELPER_CODE_HOURS: u32 = 7 * 24;

pub(super) async fn issue(
    State(state): State<RelayState>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, RelayError> {
    let device = super::authenticate(&state, &headers).await?;
    if device.role != Role::Committee {
        return Err(RelayError::Forbidden);
    }
    // The current body names the role; a device built before it sends a family code's body.
    let raw = match raw {
        Ok(bytes) => bytes,
        Err(rejection) => {
            let refused = body::<EnrolmentRequest>(&headers, Err(rejection)).err();
            return Err(refused.unwrap_or_else(|| RelayError::invalid("body", "could not be read")));
        }
    };
    let (request, format) = match body::<EnrolmentRequest>(&headers, Ok(raw.clone())) {
        Ok(found) => found,
        Err(RelayError::Invalid(_)) => match body::<EnrolmentRequestV1>(&headers, Ok(raw.clone())) {
            Ok((v1, format)) => (v1.into(), format),
            Err(RelayError::Invalid(_)) => {
                let (old, format): (FamilyCodeRequest, _) = body(&headers, Ok(raw))?;
                let request = EnrolmentRequest {
                    role: Role::Family,
                    elder: Some(old.elder),
                    helper: None,
                    label: None,
                };
                (request, format)
            }
            Err(e) => return Err(e),
        },
        Err(e) => return Err(e),
    };
    // A committee enrols only devices of its own village, and never another office.
    let hours = match request.role {
        Role::Family => FAMILY_CODE_HOURS,
        Role::Helper => HELPER_CODE_HOURS,
        Role::Committee | Role::Township => return Err(RelayError::Forbidden),
    };
    if request.role == Role::Helper && request.helper.is_none() {
        return Err(RelayError::invalid(
            "helper",
            "a helper's tablet is issued for one of the village's helpers",
        ));
    }
    let grant = Grant {
        role: request.role,
        scope: device.scope.clone(),
        elder: request.elder,
        helper: request.helper,
        label: request.label,
    };
    let now = crate::now();
    let code = state
        .with_store(move |s| match enrolment::create(s, &grant, hours, now) {
            Ok(code) => Ok(Ok(code)),
            Err(EnrolError::Invalid(field)) => Ok(Err(field)),
            Err(EnrolError::Store(e)) => Err(e),
        })
        .await?
        .map_err(RelayError::Invalid)?;
    tracing::info!(device = %device.id, role = %request.role, "enrolment code issued");
    Ok(reply(format, &FamilyCodeResponse { code, expires_at: now + i64::from(hours) * 3600 }))
}
