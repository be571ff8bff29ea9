//! The bounds the relay enforces and a well-behaved device stays within.

/// The largest request body the relay accepts, compressed, in bytes (4 MiB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The most changes one push may carry.
pub const MAX_CHANGES_PER_PUSH: usize = 2000;

/// The most changes one pull page may return, whatever `limit` asks for.
pub const MAX_PAGE: u32 = 1000;

/// The page size of a pull that does not ask for one.
pub const DEFAULT_PAGE: u32 = 500;

/// The longest device name a redeem request may carry, in bytes.
pub const MAX_DEVICE_NAME: usize = 100;
