//! The key bundle: the keys a device is enrolled with, as text short enough for a QR code.
//!
//! Text: `SWK1.` and base64url (no padding) of:
//!
//! ```text
//! version 1 · space (12 ASCII digits) · role (1 committee, 2 township, 3 helper, 4 family) · alg
//! · flags (bit 0 id_key, bit 1 elder, bit 2 helper) · [id_key 32] · [elder 16] · [helper 16]
//! · key_id 16 · d 32 · count · count × (generation u32 LE · level (0 root, 1 village, 2 card, 3 verify)
//! · key 32)
//! ```
//!
//! A helper's or family's bundle also carries each generation's office key (level 3, verify): what
//! its device checks an erasure's signature with. A family phone's bundle (its elder's card key, the
//! office key and its device key) is about 210 characters.

use super::{Alg, Key};
use crate::role::Role;
use base64::Engine;

/// The prefix of a bundle's text.
pub const PREFIX: &str = "SWK1.";

/// How much of a generation a key is: a root derives the village and office keys, a village key the
/// card keys, a card key only itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The generation's root (committee, township).
    Root,
    /// The village key (helpers).
    Village,
    /// One elder's card key (a family phone).
    Card,
    /// The office key of a generation (a public key): verifies erasures on devices holding no root.
    Verify,
}

impl Level {
    /// The level's name as stored.
    pub fn code(self) -> &'static str {
        match self {
            Level::Root => "root",
            Level::Village => "village",
            Level::Card => "card",
            Level::Verify => "verify",
        }
    }

    /// Every level, in the order of their bytes.
    pub const ALL: [Level; 4] = [Level::Root, Level::Village, Level::Card, Level::Verify];

    /// The level with this stored name.
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == s)
    }

    /// The level's byte in a bundle or a key package.
    pub fn byte(self) -> u8 {
        match self {
            Level::Root => 0,
            Level::Village => 1,
            Level::Card => 2,
            Level::Verify => 3,
        }
    }

    /// The level with this byte.
    pub fn from_byte(b: u8) -> Option<Level> {
        Level::ALL.get(b as usize).copied()
    }

    /// The level a role holds.
    pub fn of_role(role: Role) -> Level {
        match role {
            Role::Committee | Role::Township => Level::Root,
            Role::Helper => Level::Village,
            Role::Family => Level::Card,
        }
    }
}

/// One generation's key in a bundle or a key package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerationKey {
    /// The generation.
    pub generation: u32,
    /// What the key is.
    pub level: Level,
    /// The key.
    pub key: Key,
}

/// The keys a device is enrolled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBundle {
    /// The village (space) the keys are for.
    pub space: String,
    /// The role the keys are cut for.
    pub role: Role,
    /// The deployment's cipher.
    pub alg: Alg,
    /// The key of elder ids (not for a family phone).
    pub id_key: Option<Key>,
    /// A family phone's elder.
    pub elder: Option<String>,
    /// A helper's tablet: the helper.
    pub helper: Option<String>,
    /// The device key's id (32 hex digits): key packages for this device are addressed to it.
    pub key_id: String,
    /// The device key: seals key packages for this device.
    pub device_key: Key,
    /// Every generation's key, as much as the role holds.
    pub generations: Vec<GenerationKey>,
}

/// A bundle's text that does not read, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("keys.{field}: {reason}")]
pub struct BundleError {
    /// The field (`text`, `space`, `role`, `alg`, `elder`, …).
    pub field: &'static str,
    /// What is wrong, in English.
    pub reason: &'static str,
}

fn bad(field: &'static str, reason: &'static str) -> BundleError {
    BundleError { field, reason }
}

fn role_byte(role: Role) -> u8 {
    match role {
        Role::Committee => 1,
        Role::Township => 2,
        Role::Helper => 3,
        Role::Family => 4,
    }
}

fn hex16(s: &str, field: &'static str) -> Result<[u8; 16], BundleError> {
    let bytes = hex::decode(s).map_err(|_| bad(field, "must be 32 hex digits"))?;
    bytes.try_into().map_err(|_| bad(field, "must be 32 hex digits"))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], BundleError> {
        if self.0.len() < n {
            return Err(bad(field, "is cut short"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self, field: &'static str) -> Result<u8, BundleError> {
        Ok(self.take(1, field)?[0])
    }

    fn key(&mut self, field: &'static str) -> Result<Key, BundleError> {
        Ok(Key::from_slice(self.take(32, field)?).expect("32 bytes"))
    }
}

impl KeyBundle {
    /// The bundle as QR-ready text: `SWK1.` and base64url.
    pub fn to_text(&self) -> String {
        let mut out = vec![1u8];
        out.extend_from_slice(self.space.as_bytes());
        out.push(role_byte(self.role));
        out.push(self.alg.code());
        let flags = u8::from(self.id_key.is_some())
            | (u8::from(self.elder.is_some()) << 1)
            | (u8::from(self.helper.is_some()) << 2);
        out.push(flags);
        if let Some(k) = &self.id_key {
            out.extend_from_slice(k.bytes());
        }
        for id in [&self.elder, &self.helper].into_iter().flatten() {
            out.extend_from_slice(&hex16(id, "elder").expect("ids are 32 hex digits"));
        }
        out.extend_from_slice(&hex16(&self.key_id, "key_id").expect("key ids are 32 hex digits"));
        out.extend_from_slice(self.device_key.bytes());
        out.push(self.generations.len() as u8);
        for g in &self.generations {
            out.extend_from_slice(&g.generation.to_le_bytes());
            out.push(g.level.byte());
            out.extend_from_slice(g.key.bytes());
        }
        let text = format!("{PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&out));
        zeroize::Zeroize::zeroize(&mut out);
        text
    }

    /// Reads a bundle's text; the error names the field that does not read.
    pub fn parse(text: &str) -> Result<KeyBundle, BundleError> {
        let body = text.trim().strip_prefix(PREFIX).ok_or_else(|| bad("text", "must start with SWK1."))?;
        let bytes = zeroize::Zeroizing::new(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(body)
                .map_err(|_| bad("text", "is not base64url"))?,
        );
        let mut r = Reader(&bytes);
        if r.byte("version")? != 1 {
            return Err(bad("version", "is not a version this build reads"));
        }
        let space = std::str::from_utf8(r.take(12, "space")?)
            .ok()
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| bad("space", "must be a 12-digit code"))?
            .to_string();
        let role = match r.byte("role")? {
            1 => Role::Committee,
            2 => Role::Township,
            3 => Role::Helper,
            4 => Role::Family,
            _ => return Err(bad("role", "is not a known role")),
        };
        let alg = Alg::from_code(r.byte("alg")?).ok_or_else(|| bad("alg", "is not a known cipher"))?;
        let flags = r.byte("flags")?;
        let id_key = if flags & 1 != 0 { Some(r.key("id_key")?) } else { None };
        let elder = if flags & 2 != 0 { Some(hex::encode(r.take(16, "elder")?)) } else { None };
        let helper = if flags & 4 != 0 { Some(hex::encode(r.take(16, "helper")?)) } else { None };
        let key_id = hex::encode(r.take(16, "key_id")?);
        let device_key = r.key("device_key")?;
        let count = r.byte("generations")?;
        let mut generations = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let generation = u32::from_le_bytes(r.take(4, "generations")?.try_into().expect("4 bytes"));
            let level = Level::from_byte(r.byte("generations")?)
                .ok_or_else(|| bad("generations", "names an unknown level"))?;
            generations.push(GenerationKey { generation, level, key: r.key("generations")? });
        }
        if !r.0.is_empty() {
            return Err(bad("text", "has bytes after its last key"));
        }
        if role == Role::Family && (elder.is_none() || id_key.is_some()) {
            return Err(bad("elder", "a family bundle names its elder and holds no id key"));
        }
        let own = Level::of_role(role);
        let verifies = own != Level::Root;
        if !generations.iter().any(|g| g.level == own)
            || generations.iter().any(|g| g.level != own && !(verifies && g.level == Level::Verify))
        {
            return Err(bad("generations", "must hold the role's keys"));
        }
        Ok(KeyBundle { space, role, alg, id_key, elder, helper, key_id, device_key, generations })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family() -> KeyBundle {
        KeyBundle {
            space: "511902106202".into(),
            role: Role::Family,
            alg: Alg::Sm4Gcm,
            id_key: None,
            elder: Some("ab".repeat(16)),
            helper: None,
            key_id: "cd".repeat(16),
            device_key: Key::random(),
            generations: vec![
                GenerationKey { generation: 1, level: Level::Card, key: Key::random() },
                GenerationKey { generation: 1, level: Level::Verify, key: Key::random() },
            ],
        }
    }

    #[test]
    fn a_bundle_reads_back_and_fits_a_qr_code() {
        let bundle = family();
        let text = bundle.to_text();
        assert!(text.starts_with("SWK1.") && text.len() < 240, "{} characters", text.len());
        assert_eq!(KeyBundle::parse(&text).unwrap(), bundle);
    }

    #[test]
    fn a_spoiled_bundle_names_its_field() {
        let text = family().to_text();
        assert_eq!(KeyBundle::parse("SWK2.abc").unwrap_err().field, "text");
        let cut = |text: &str, n: usize| {
            let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let bytes = engine.decode(text.strip_prefix(PREFIX).unwrap()).unwrap();
            format!("{PREFIX}{}", engine.encode(&bytes[..bytes.len() - n]))
        };
        assert_eq!(KeyBundle::parse(&cut(&text, 10)).unwrap_err().field, "generations");
        let mut wrong_role = family();
        wrong_role.role = Role::Helper;
        assert_eq!(KeyBundle::parse(&wrong_role.to_text()).unwrap_err().field, "generations");
        // An office's bundle derives its office keys from the roots: it carries none.
        let mut office = family();
        office.role = Role::Committee;
        office.elder = None;
        office.id_key = Some(Key::random());
        office.generations[0].level = Level::Root;
        assert_eq!(KeyBundle::parse(&office.to_text()).unwrap_err().field, "generations");
        office.generations.pop();
        assert!(KeyBundle::parse(&office.to_text()).is_ok());
    }
}
