//! What can stop a sync.

/// Why a sync or an enrolment did not complete.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// This device has not been enrolled with a relay.
    #[error("本设备尚未登记到中继服务器，请先运行 shouwang enroll / this device is not enrolled with a relay; run `shouwang enroll` first")]
    NotEnrolled,
    /// The relay answered with an error status.
    #[error("中继服务器拒绝了请求（{status}）/ the relay refused the request ({status}): {kind}{}: {message}", field.as_deref().map(|f| format!(" [{f}]")).unwrap_or_default())]
    Refused {
        /// HTTP status.
        status: u16,
        /// Error kind from the relay.
        kind: String,
        /// The field the relay named, if any.
        field: Option<String>,
        /// The relay's reason.
        message: String,
    },
    /// The relay could not be reached, or the connection broke.
    #[error("无法连接中继服务器 / cannot reach the relay: {0}")]
    Network(String),
    /// The relay's answer could not be read.
    #[error("中继服务器的应答无法解析 / the relay's answer could not be read: {0}")]
    Wire(String),
    /// The local store failed (disk full stops sync; it is not retried).
    #[error(transparent)]
    Store(#[from] shouwang_core::store::Error),
}

impl SyncError {
    /// Whether trying again later may succeed (network trouble, a busy or restarting relay), as opposed
    /// to a refusal or a local failure that needs a person.
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Network(_) | SyncError::Wire(_) => true,
            SyncError::Refused { status, .. } => *status == 429 || *status >= 500,
            SyncError::NotEnrolled | SyncError::Store(_) => false,
        }
    }

    /// Whether the caller's input was at fault (a wrong code, an unknown relay address).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, SyncError::Refused { status: 400..=499, .. } if !self.is_retryable())
            || matches!(self, SyncError::NotEnrolled)
    }
}
