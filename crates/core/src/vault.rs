//! The database key: what encrypts the local store at rest, and the key file that keeps it.
//!
//! A store is encrypted page by page (SQLite3 Multiple Ciphers, ChaCha20-Poly1305) under a random
//! 32-byte [`DbKey`]. That key is never derived from what a person types: it is drawn once, when the
//! store is created, and kept in a key file beside the database (`<db>.key`, see [`key_path`]) wrapped
//! (XChaCha20-Poly1305) under a key derived from the passphrase or PIN with Argon2id. Changing the
//! passphrase therefore rewraps 32 bytes ([`Vault::change`]) and never re-encrypts the database.
//!
//! Where the wrapping key comes from is a [`KeySource`]. On a desktop (and in CI) there is no OS
//! keystore usable without a session bus, so the passphrase is the source. On Android the next step is
//! a wrapping key held in the Android Keystore (hardware-backed where the tablet has it), recorded in
//! the key file as its own source; the file format and [`KeySource`] are shaped for it.
//!
//! ```
//! use shouwang_core::vault::{KdfParams, Vault};
//! let dir = tempfile::tempdir().unwrap();
//! let key_file = dir.path().join("v.sqlite.key");
//! let cheap = KdfParams { m_cost_kib: 1024, t_cost: 1, p_cost: 1 }; // the default costs 64 MiB
//! let key = Vault::create_with(&key_file, "correct horse", cheap).unwrap();
//! Vault::change(&key_file, "correct horse", "battery staple").unwrap();
//! assert!(Vault::unlock(&key_file, "correct horse").is_err());
//! assert_eq!(Vault::unlock(&key_file, "battery staple").unwrap(), key);
//! ```

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, Zeroizing};

/// Bytes in a database key.
pub const KEY_LEN: usize = 32;
/// The fewest characters a passphrase or PIN may have (a 6-digit PIN is the least accepted).
pub const MIN_PASSPHRASE: usize = 6;
/// The most characters a passphrase may have.
pub const MAX_PASSPHRASE: usize = 1024;

const FORMAT: &str = "shouwang-db-key";
const VERSION: u32 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
/// The largest Argon2 memory a key file may ask for (1 GiB): a file asking for more is refused
/// rather than exhausting the device.
const MAX_M_COST_KIB: u32 = 1 << 20;

/// The key of one encrypted store. Its bytes are wiped when it is dropped and never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey(Zeroizing<[u8; KEY_LEN]>);

impl DbKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<DbKey> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut()).map_err(|e| Error::Random(e.to_string()))?;
        Ok(DbKey(bytes))
    }

    /// A key from its bytes (for a key source that unwraps it elsewhere, e.g. a keystore).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> DbKey {
        DbKey(Zeroizing::new(bytes))
    }

    /// The value of SQLite3 Multiple Ciphers' `PRAGMA key`/`rekey` for this raw key (no key
    /// derivation inside SQLite: the key is already random).
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        let mut hex = Zeroizing::new(String::with_capacity(4 + 2 * KEY_LEN));
        hex.push_str("raw:");
        for b in self.0.iter() {
            hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
        }
        hex
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(..)")
    }
}

/// A passphrase or PIN as typed: wiped when dropped, never printed.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Takes the text as it is.
    pub fn new(text: String) -> Passphrase {
        Passphrase(Zeroizing::new(text))
    }

    /// The first line of a file (a trailing line break is not part of it).
    pub fn read_file(path: &Path) -> std::io::Result<Passphrase> {
        let text = Zeroizing::new(std::fs::read_to_string(path)?);
        let line = text.split(['\n', '\r']).next().unwrap_or("");
        Ok(Passphrase::new(line.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

/// Argon2id's costs: memory in KiB, passes, lanes. Recorded in the key file, so a file made with
/// other costs still opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory, in KiB.
    pub m_cost_kib: u32,
    /// Passes over the memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// What a new key file uses: 64 MiB, 3 passes, 1 lane (RFC 9106's second recommendation with
    /// one lane, which a low-end tablet can afford once per unlock).
    pub const DEFAULT: KdfParams = KdfParams { m_cost_kib: 64 * 1024, t_cost: 3, p_cost: 1 };

    fn argon2(&self) -> Result<argon2::Argon2<'static>> {
        if self.m_cost_kib > MAX_M_COST_KIB {
            return Err(Error::Damaged {
                reason: format!("Argon2 memory {} KiB is too large", self.m_cost_kib),
            });
        }
        let params = argon2::Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(KEY_LEN))
            .map_err(|e| Error::Damaged { reason: format!("Argon2 parameters: {e}") })?;
        Ok(argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::DEFAULT
    }
}

/// Where the key that wraps the database key comes from. Recorded in the key file (`source`).
///
/// Only the passphrase exists today. The Android Keystore is the next source: the database key
/// wrapped by a non-exportable keystore key (the passphrase/PIN then only gates the app), recorded as
/// its own source so a file says which it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum KeySource {
    /// A passphrase or PIN the person types, stretched with Argon2id.
    Passphrase,
}

/// What can go wrong with a key file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The passphrase does not unwrap the key. Nothing was changed.
    #[error("passphrase: 口令不正确 / the passphrase is wrong")]
    WrongPassphrase,
    /// A new passphrase that is too short or too long. Nothing was written.
    #[error("passphrase: 口令须为 {MIN_PASSPHRASE} 至 {MAX_PASSPHRASE} 个字符 / the passphrase must have {MIN_PASSPHRASE} to {MAX_PASSPHRASE} characters")]
    BadPassphrase,
    /// No key file where one was expected.
    #[error("找不到密钥文件 {} / no key file at {}", .0.display(), .0.display())]
    NoKeyFile(PathBuf),
    /// A key file already exists where a new one was to be created; it is left as it was.
    #[error("密钥文件 {} 已存在，未覆盖 / a key file already exists at {}; it was not overwritten", .0.display(), .0.display())]
    Exists(PathBuf),
    /// The key file cannot be read as one.
    #[error("密钥文件已损坏 / the key file is damaged: {reason}")]
    Damaged {
        /// What is wrong with it.
        reason: String,
    },
    /// The key file is for a source this build cannot use.
    #[error("密钥文件需要 {0}，本程序无法使用 / the key file needs {0}, which this build cannot use")]
    Unsupported(String),
    /// The operating system gave no random bytes.
    #[error("无法取得随机数 / no random bytes from the system: {0}")]
    Random(String),
    /// Reading or writing the file failed.
    #[error("密钥文件 / key file: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The input field at fault, if the caller's input was at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::WrongPassphrase | Error::BadPassphrase => Some("passphrase"),
            _ => None,
        }
    }

    /// What went wrong, in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Error::WrongPassphrase => "口令不正确".into(),
            Error::BadPassphrase => format!("口令须为 {MIN_PASSPHRASE} 至 {MAX_PASSPHRASE} 个字符"),
            Error::NoKeyFile(p) => format!("找不到密钥文件 {}", p.display()),
            Error::Exists(p) => format!("密钥文件 {} 已存在，未覆盖", p.display()),
            Error::Damaged { .. } => "密钥文件已损坏".into(),
            Error::Unsupported(what) => format!("密钥文件需要 {what}，本程序无法使用"),
            Error::Random(_) => "无法取得随机数".into(),
            Error::Io(_) => "无法读写密钥文件".into(),
        }
    }

    /// What went wrong, in English.
    pub fn en(&self) -> String {
        match self {
            Error::WrongPassphrase => "the passphrase is wrong".into(),
            Error::BadPassphrase => {
                format!("the passphrase must have {MIN_PASSPHRASE} to {MAX_PASSPHRASE} characters")
            }
            Error::NoKeyFile(p) => format!("no key file at {}", p.display()),
            Error::Exists(p) => {
                format!("a key file already exists at {}; it was not overwritten", p.display())
            }
            Error::Damaged { reason } => format!("the key file is damaged: {reason}"),
            Error::Unsupported(what) => format!("the key file needs {what}, which this build cannot use"),
            Error::Random(e) => format!("no random bytes from the system: {e}"),
            Error::Io(e) => format!("key file: {e}"),
        }
    }
}

/// Result of key-file operations.
pub type Result<T> = std::result::Result<T, Error>;

/// The key file beside a database: `<db>.key`.
pub fn key_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".key");
    PathBuf::from(p)
}

/// The key file as stored (JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyFile {
    format: String,
    version: u32,
    source: KeySource,
    kdf: Kdf,
    /// How the database key is wrapped.
    wrap: String,
    /// hex
    nonce: String,
    /// hex: the database key sealed, with its tag.
    wrapped: String,
    /// The database's page cipher (SQLite3 Multiple Ciphers' scheme).
    database_cipher: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kdf {
    name: String,
    #[serde(flatten)]
    params: KdfParams,
    /// hex
    salt: String,
}

impl KeyFile {
    /// What the seal authenticates beside the key: everything that decides how it is unwrapped.
    fn aad(&self) -> Vec<u8> {
        format!(
            "{}\0{}\0{:?}\0{}\0{}\0{}\0{}\0{}\0{}\0{}",
            self.format,
            self.version,
            self.source,
            self.kdf.name,
            self.kdf.params.m_cost_kib,
            self.kdf.params.t_cost,
            self.kdf.params.p_cost,
            self.kdf.salt,
            self.wrap,
            self.database_cipher
        )
        .into_bytes()
    }

    fn seal(key: &DbKey, passphrase: &str, params: KdfParams) -> Result<KeyFile> {
        check_new(passphrase)?;
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut salt).map_err(|e| Error::Random(e.to_string()))?;
        getrandom::fill(&mut nonce).map_err(|e| Error::Random(e.to_string()))?;
        let mut file = KeyFile {
            format: FORMAT.into(),
            version: VERSION,
            source: KeySource::Passphrase,
            kdf: Kdf { name: "argon2id".into(), params, salt: hex::encode(salt) },
            wrap: "xchacha20poly1305".into(),
            nonce: hex::encode(nonce),
            wrapped: String::new(),
            database_cipher: "chacha20".into(),
        };
        let kek = derive(passphrase, &salt, params)?;
        let aad = file.aad();
        let sealed = XChaCha20Poly1305::new(kek.as_ref().into())
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.0.as_ref(), aad: &aad })
            .map_err(|_| Error::Damaged { reason: "sealing failed".into() })?;
        file.wrapped = hex::encode(sealed);
        Ok(file)
    }

    fn open(&self, passphrase: &str) -> Result<DbKey> {
        if self.format != FORMAT {
            return Err(Error::Damaged { reason: format!("not a Shouwang key file ({:?})", self.format) });
        }
        if self.version != VERSION {
            return Err(Error::Unsupported(format!("key file version {}", self.version)));
        }
        if self.kdf.name != "argon2id" || self.wrap != "xchacha20poly1305" {
            return Err(Error::Unsupported(format!("{} + {}", self.kdf.name, self.wrap)));
        }
        let salt = unhex(&self.kdf.salt, "salt")?;
        let nonce = unhex(&self.nonce, "nonce")?;
        let wrapped = unhex(&self.wrapped, "wrapped")?;
        if nonce.len() != NONCE_LEN || salt.len() < 8 {
            return Err(Error::Damaged { reason: "salt or nonce of the wrong length".into() });
        }
        let kek = derive(passphrase, &salt, self.kdf.params)?;
        let aad = self.aad();
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(kek.as_ref().into())
                .decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: &aad })
                .map_err(|_| Error::WrongPassphrase)?,
        );
        let mut bytes = [0u8; KEY_LEN];
        if plain.len() != KEY_LEN {
            return Err(Error::Damaged { reason: "the wrapped key has the wrong length".into() });
        }
        bytes.copy_from_slice(&plain);
        let key = DbKey::from_bytes(bytes);
        bytes.zeroize();
        Ok(key)
    }

    fn read(path: &Path) -> Result<KeyFile> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoKeyFile(path.to_path_buf()))
            }
            Err(e) => return Err(e.into()),
        };
        serde_json::from_str(&text).map_err(|e| Error::Damaged { reason: e.to_string() })
    }

    /// Writes the file whole or not at all: a temporary file beside it, synced, renamed over it.
    fn write(&self, path: &Path, create_new: bool) -> Result<()> {
        let json =
            serde_json::to_string_pretty(self).map_err(|e| Error::Damaged { reason: e.to_string() })?;
        let tmp = {
            let mut p = path.as_os_str().to_owned();
            p.push(".tmp");
            PathBuf::from(p)
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        {
            let mut f = options.open(&tmp)?;
            f.write_all(json.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
        }
        if create_new {
            // hard_link fails if the target exists: no race with another creator.
            match std::fs::hard_link(&tmp, path) {
                Ok(()) => std::fs::remove_file(&tmp)?,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::remove_file(&tmp)?;
                    return Err(Error::Exists(path.to_path_buf()));
                }
                Err(e) => {
                    std::fs::remove_file(&tmp)?;
                    return Err(e.into());
                }
            }
        } else {
            std::fs::rename(&tmp, path)?;
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(dir) = std::fs::File::open(parent) {
                // Makes the rename durable; not every platform can sync a directory.
                let _ = dir.sync_all();
            }
        }
        Ok(())
    }
}

fn unhex(s: &str, what: &str) -> Result<Vec<u8>> {
    hex::decode(s).map_err(|e| Error::Damaged { reason: format!("{what}: {e}") })
}

fn check_new(passphrase: &str) -> Result<()> {
    let n = passphrase.chars().count();
    if !(MIN_PASSPHRASE..=MAX_PASSPHRASE).contains(&n) {
        return Err(Error::BadPassphrase);
    }
    Ok(())
}

fn derive(passphrase: &str, salt: &[u8], params: KdfParams) -> Result<Zeroizing<[u8; KEY_LEN]>> {
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    params
        .argon2()?
        .hash_password_into(passphrase.as_bytes(), salt, kek.as_mut())
        .map_err(|e| Error::Damaged { reason: format!("Argon2: {e}") })?;
    Ok(kek)
}

/// The key file's operations: create, unlock, change the passphrase.
#[derive(Debug)]
pub struct Vault;

impl Vault {
    /// Draws a new database key and writes it to a new key file at `key_file`, wrapped under
    /// `passphrase` with [`KdfParams::DEFAULT`]. Refuses to overwrite an existing file.
    pub fn create(key_file: &Path, passphrase: &str) -> Result<DbKey> {
        Vault::create_with(key_file, passphrase, KdfParams::DEFAULT)
    }

    /// [`Vault::create`] with chosen Argon2id costs.
    pub fn create_with(key_file: &Path, passphrase: &str, params: KdfParams) -> Result<DbKey> {
        check_new(passphrase)?;
        if key_file.exists() {
            return Err(Error::Exists(key_file.to_path_buf()));
        }
        let key = DbKey::generate()?;
        KeyFile::seal(&key, passphrase, params)?.write(key_file, true)?;
        Ok(key)
    }

    /// The database key in `key_file`, unwrapped with `passphrase`.
    pub fn unlock(key_file: &Path, passphrase: &str) -> Result<DbKey> {
        KeyFile::read(key_file)?.open(passphrase)
    }

    /// Rewraps the key under `new` (same Argon2id costs, new salt and nonce); the database is not
    /// touched. A wrong `old` passphrase or a refused `new` one changes nothing.
    pub fn change(key_file: &Path, old: &str, new: &str) -> Result<()> {
        check_new(new)?;
        let file = KeyFile::read(key_file)?;
        let key = file.open(old)?;
        KeyFile::seal(&key, new, file.kdf.params)?.write(key_file, false)
    }

    /// The Argon2id costs a key file records.
    pub fn params(key_file: &Path) -> Result<KdfParams> {
        Ok(KeyFile::read(key_file)?.kdf.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: KdfParams = KdfParams { m_cost_kib: 1024, t_cost: 1, p_cost: 1 };

    #[test]
    fn a_wrong_passphrase_is_named_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.key");
        let key = Vault::create_with(&path, "123456", CHEAP).unwrap();
        let before = std::fs::read(&path).unwrap();
        let err = Vault::unlock(&path, "654321").unwrap_err();
        assert!(matches!(err, Error::WrongPassphrase));
        assert_eq!(err.field(), Some("passphrase"));
        assert!(err.to_string().contains("口令不正确"), "{err}");
        let err = Vault::change(&path, "000000", "abcdefgh").unwrap_err();
        assert!(matches!(err, Error::WrongPassphrase));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(Vault::unlock(&path, "123456").unwrap(), key);
    }

    #[test]
    fn changing_the_passphrase_keeps_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.key");
        let key = Vault::create_with(&path, "old passphrase", CHEAP).unwrap();
        Vault::change(&path, "old passphrase", "新的口令很长").unwrap();
        assert_eq!(Vault::unlock(&path, "新的口令很长").unwrap(), key);
        assert!(matches!(Vault::unlock(&path, "old passphrase"), Err(Error::WrongPassphrase)));
        assert_eq!(Vault::params(&path).unwrap(), CHEAP);
        assert!(!dir.path().join("db.key.tmp").exists());
    }

    #[test]
    fn short_passphrases_and_second_creation_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.key");
        let err = Vault::create_with(&path, "12345", CHEAP).unwrap_err();
        assert_eq!(err.field(), Some("passphrase"));
        assert!(!path.exists());
        Vault::create_with(&path, "123456", CHEAP).unwrap();
        let first = std::fs::read(&path).unwrap();
        assert!(matches!(Vault::create_with(&path, "abcdefg", CHEAP), Err(Error::Exists(_))));
        assert_eq!(std::fs::read(&path).unwrap(), first);
        let err = Vault::change(&path, "123456", "1234").unwrap_err();
        assert!(matches!(err, Error::BadPassphrase));
        assert_eq!(std::fs::read(&path).unwrap(), first);
    }

    #[test]
    fn the_key_file_holds_no_key_in_the_clear_and_its_costs_are_authenticated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.key");
        let key = Vault::create_with(&path, "passphrase", CHEAP).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let hex_key = &key.pragma_value()[4..];
        assert!(!text.contains(hex_key));
        assert!(text.contains("\"argon2id\"") && text.contains("\"passphrase\""), "{text}");
        assert_eq!(format!("{key:?}"), "DbKey(..)");
        // Editing the recorded cost is detected: the costs are part of what the seal authenticates.
        let tampered = text.replace("\"t_cost\": 1", "\"t_cost\": 2");
        assert_ne!(tampered, text);
        std::fs::write(&path, tampered).unwrap();
        assert!(matches!(Vault::unlock(&path, "passphrase"), Err(Error::WrongPassphrase)));
    }

    #[test]
    fn a_missing_or_damaged_key_file_is_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.key");
        assert!(matches!(Vault::unlock(&path, "passphrase"), Err(Error::NoKeyFile(_))));
        std::fs::write(&path, "{not json").unwrap();
        assert!(matches!(Vault::unlock(&path, "passphrase"), Err(Error::Damaged { .. })));
        assert_eq!(key_path(Path::new("/x/v.sqlite")), PathBuf::from("/x/v.sqlite.key"));
    }
}
