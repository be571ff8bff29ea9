//! [`RelayError`]: every way a request can fail, mapped to a status code and a JSON body
//! `{kind, field, message}`. Refusals (401, 403) say nothing about what exists; internal failures are
//! logged in detail and answered with a bare 500.

use crate::store::StoreError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shouwang_protocol::InvalidField;

/// Why a request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// No token, or an unknown or revoked one.
    #[error("a valid device token is required")]
    Unauthorised,
    /// The enrolment code is unknown, already used or expired.
    #[error("the enrolment code is not valid")]
    InvalidCode,
    /// The device may not do this here.
    #[error("not allowed")]
    Forbidden,
    /// The device may not write one change of its push: the push names it (`changes[3].doc`), and
    /// nothing of the push is stored.
    #[error("not allowed to write {field}")]
    ForbiddenChange {
        /// The change's document, as a request path: `changes[3].doc`.
        field: String,
    },
    /// An erasure without a valid signature by the village's office key (or a village whose office
    /// has not enrolled): nothing of the push is stored, nothing deleted.
    #[error("{field} is an erasure not signed by the village's office key")]
    UnsignedErasure {
        /// The change's bytes: `changes[3].bytes`.
        field: String,
    },
    /// An office-key change not signed by the office key the relay holds, or for a generation not newer.
    #[error("the office key change is not signed by the village's office key")]
    OfficeKey,
    /// What the request names does not exist for this device (another village's device reads the same).
    #[error("{field} names nothing this device may act on")]
    NotFound {
        /// The request field: `id`.
        field: &'static str,
    },
    /// A field of the request is malformed.
    #[error("{0}")]
    Invalid(InvalidField),
    /// Something is larger than the relay accepts.
    #[error("{field} is larger than allowed")]
    TooLarge {
        /// What: `body` or `changes`.
        field: &'static str,
    },
    /// The body is not `application/x-shouwang+postcard+zstd`.
    #[error("the body must be {}", shouwang_protocol::CONTENT_TYPE)]
    UnsupportedMediaType,
    /// The device sent too many requests this minute.
    #[error("too many requests; retry after {retry_after} seconds")]
    RateLimited {
        /// Seconds until the device may try again.
        retry_after: u64,
    },
    /// The store failed.
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
    /// The group commit holding a push failed (or the writer stopped): nothing of the push was stored.
    #[error("storing the push failed: {0}")]
    Commit(#[from] crate::commit::CommitError),
    /// A blocking task died.
    #[error("internal task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl RelayError {
    /// A malformed field.
    pub fn invalid(field: impl Into<String>, reason: &'static str) -> Self {
        RelayError::Invalid(InvalidField { field: field.into(), reason })
    }

    /// The status code the error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            RelayError::Unauthorised | RelayError::InvalidCode => StatusCode::UNAUTHORIZED,
            RelayError::Forbidden
            | RelayError::ForbiddenChange { .. }
            | RelayError::UnsignedErasure { .. }
            | RelayError::OfficeKey => StatusCode::FORBIDDEN,
            RelayError::NotFound { .. } => StatusCode::NOT_FOUND,
            RelayError::Invalid(_) => StatusCode::BAD_REQUEST,
            RelayError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            RelayError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            RelayError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            RelayError::Store(_) | RelayError::Commit(_) | RelayError::Task(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            RelayError::Unauthorised => "unauthorised",
            RelayError::InvalidCode => "invalid_code",
            RelayError::Forbidden | RelayError::ForbiddenChange { .. } => "forbidden",
            RelayError::UnsignedErasure { .. } => "unsigned_erasure",
            RelayError::OfficeKey => "office_key",
            RelayError::NotFound { .. } => "not_found",
            RelayError::Invalid(_) => "invalid",
            RelayError::TooLarge { .. } => "too_large",
            RelayError::UnsupportedMediaType => "unsupported_media_type",
            RelayError::RateLimited { .. } => "rate_limited",
            RelayError::Store(_) | RelayError::Commit(_) | RelayError::Task(_) => "internal",
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            RelayError::Invalid(e) => Some(e.field.clone()),
            RelayError::TooLarge { field } | RelayError::NotFound { field } => Some(field.to_string()),
            RelayError::ForbiddenChange { field } | RelayError::UnsignedErasure { field } => {
                Some(field.clone())
            }
            _ => None,
        }
    }
}

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// A stable code to match on.
    pub kind: &'static str,
    /// The request field at fault, if one is.
    pub field: Option<String>,
    /// A sentence for people.
    pub message: String,
}

impl IntoResponse for RelayError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "internal error".to_string()
        } else {
            tracing::debug!(kind = self.kind(), status = status.as_u16(), "request refused");
            self.to_string()
        };
        let body = ErrorBody { kind: self.kind(), field: self.field(), message };
        let mut response = (status, axum::Json(body)).into_response();
        if let RelayError::RateLimited { retry_after } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}
