//! The store's keys (migration 0008): creating a village's key set, issuing and importing key bundles,
//! rotating generations, and finding the key that seals or opens a document. See [`crate::keys`].

use super::{Error, Result, Store};
use crate::doc::{DocId, DocKind};
use crate::elder::ElderId;
use crate::keys::{self, Alg, GenerationKey, Key, KeyBundle, Level, Sealer, What};
use crate::role::Role;
use crate::view::Operation;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use shouwang_protocol::DocRef;

/// What a store holds for one space, for `shouwang keys show` (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeySpace {
    /// The village code.
    pub space: String,
    /// The cipher (`xchacha20poly1305`, `sm4-gcm`).
    pub alg: String,
    /// The role the keys are cut for.
    pub role: String,
    /// Whether it holds the key of elder ids.
    pub id_key: bool,
    /// This device's key id, when a committee issued its keys.
    pub device_key_id: Option<String>,
    /// Generations held: (number, level).
    pub generations: Vec<(u32, String)>,
    /// Device keys this store issued: (key id, role, label, revoked).
    pub issued: Vec<(String, String, String, bool)>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// The village.
    pub space: String,
    /// The role the keys are cut for.
    pub role: String,
    /// Generations now held.
    pub generations: usize,
    /// Held changes this made readable (applied now).
    pub released: usize,
}

fn field(field: &str, zh: &str, en: &str) -> Error {
    Error::Field { field: field.into(), zh: zh.into(), en: en.into() }
}

fn corrupt(what: &str) -> Error {
    Error::Corrupt { doc: "keys".into(), reason: format!("a stored {what} is damaged") }
}

/// Creates a fresh key set (generation 1, a root) for `space` inside the caller's transaction.
pub(super) fn create(tx: &Connection, space: &str, alg: Alg, now: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO key_spaces (space, alg, id_key, role, updated_at) VALUES (?1, ?2, ?3, 'committee', ?4)",
        (space, alg.name(), Key::random().bytes().as_slice(), now),
    )?;
    tx.execute(
        "INSERT INTO key_generations (space, generation, level, elder, alg, key, added_at)
         VALUES (?1, 1, 'root', '', ?2, ?3, ?4)",
        (space, alg.name(), Key::random().bytes().as_slice(), now),
    )?;
    Ok(())
}

/// Creates the key set of a village unit (the default cipher) inside `Store::init`'s transaction; a
/// township's office imports one bundle per village instead.
pub(super) fn create_for_unit(tx: &Connection, unit: &crate::division::UnitCode, now: &str) -> Result<()> {
    if unit.level() == crate::division::UnitLevel::Village {
        create(tx, unit.as_str(), Alg::XChaCha20Poly1305, now)?;
    }
    Ok(())
}

/// The key of elder ids of `space`, if held.
pub(super) fn id_key(conn: &Connection, space: &str) -> Result<Option<Key>> {
    let bytes: Option<Option<Vec<u8>>> = conn
        .prepare_cached("SELECT id_key FROM key_spaces WHERE space = ?1")?
        .query_row([space], |r| r.get(0))
        .optional()?;
    Ok(bytes.flatten().and_then(|b| Key::from_slice(&b)))
}

struct Row {
    generation: u32,
    level: Level,
    elder: String,
    alg: Alg,
    key: Key,
}

fn rows(conn: &Connection, space: &str, generation: Option<u32>) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT generation, level, elder, alg, key FROM key_generations
         WHERE space = ?1 AND (?2 IS NULL OR generation = ?2) ORDER BY generation DESC",
    )?;
    let found = stmt.query_map(rusqlite::params![space, generation], |r| {
        Ok((
            r.get::<_, u32>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Vec<u8>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in found {
        let (generation, level, elder, alg, key) = row?;
        out.push(Row {
            generation,
            level: Level::parse(&level).ok_or_else(|| corrupt("key level"))?,
            elder,
            alg: Alg::parse(&alg).ok_or_else(|| corrupt("cipher"))?,
            key: Key::from_slice(&key).ok_or_else(|| corrupt("key"))?,
        });
    }
    Ok(out)
}

/// The key of `sealer` for subject `elder` derived from one stored row, if the row holds enough.
fn derive_from(row: &Row, sealer: Sealer, elder: &str) -> Option<Key> {
    match (sealer, row.level) {
        (Sealer::Card, Level::Root) => Some(keys::card_key(&keys::village_key(&row.key), elder)),
        (Sealer::Card, Level::Village) => Some(keys::card_key(&row.key, elder)),
        (Sealer::Card, Level::Card) if row.elder == elder => Some(row.key.clone()),
        (Sealer::Village, Level::Root) => Some(keys::village_key(&row.key)),
        (Sealer::Village, Level::Village) => Some(row.key.clone()),
        (Sealer::Office, Level::Root) => Some(keys::office_key(&row.key)),
        _ => None,
    }
}

/// The keys that may open an envelope of `what` for `doc` in `space` sealed under `generation`, or seal
/// one (`generation` None: the newest generation that gives a key). Several only for an elder with more
/// than one `k_E` (two office devices created one before they met).
pub(super) fn keys_for(
    conn: &Connection,
    space: &str,
    what: What,
    doc: &DocId,
    generation: Option<u32>,
) -> Result<Vec<(u32, Alg, Key)>> {
    let sealer = match what {
        What::Change => Sealer::of(doc.kind),
        What::ElderKey => Sealer::Office,
        // An erasure is sealed with the elder's card key, so every device that holds anything of the
        // elder (a helper's tablet, the family's phone) can open it and erase its own copy; only a
        // committee device may send one (the relay refuses others).
        What::Erasure => Sealer::Card,
        What::KeyPackage => Sealer::Device,
    };
    match sealer {
        Sealer::Elder => {
            let alg = space_alg(conn, space)?;
            let found: Vec<Vec<u8>> = conn
                .prepare_cached("SELECT key FROM elder_keys WHERE elder_id = ?1 ORDER BY key")?
                .query_map([doc.elder.as_str()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(found.iter().filter_map(|k| Key::from_slice(k)).map(|k| (0, alg, k)).collect())
        }
        Sealer::Device => {
            let own: Option<(Option<String>, Option<Vec<u8>>, String)> = conn
                .prepare_cached("SELECT device_key_id, device_key, alg FROM key_spaces WHERE space = ?1")?
                .query_row([space], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let Some((Some(_), Some(d), alg)) = own else { return Ok(Vec::new()) };
            let alg = Alg::parse(&alg).ok_or_else(|| corrupt("cipher"))?;
            Ok(Key::from_slice(&d).map(|k| (0, alg, k)).into_iter().collect())
        }
        _ => {
            for row in rows(conn, space, generation)? {
                if let Some(key) = derive_from(&row, sealer, doc.elder.as_str()) {
                    return Ok(vec![(row.generation, row.alg, key)]);
                }
            }
            Ok(Vec::new())
        }
    }
}

fn space_alg(conn: &Connection, space: &str) -> Result<Alg> {
    let alg: Option<String> = conn
        .prepare_cached("SELECT alg FROM key_spaces WHERE space = ?1")?
        .query_row([space], |r| r.get(0))
        .optional()?;
    Ok(alg.and_then(|a| Alg::parse(&a)).unwrap_or(Alg::XChaCha20Poly1305))
}

/// Whether this store holds a generation's root for `space` (a committee or township device).
pub(super) fn holds_root(conn: &Connection, space: &str) -> Result<bool> {
    Ok(rows(conn, space, None)?.iter().any(|r| r.level == Level::Root))
}

/// The wire address of a document.
pub(super) fn doc_ref(doc: &DocId) -> DocRef {
    DocRef { elder: doc.elder.to_string(), kind: doc.kind.code().to_string() }
}

/// Seals a plaintext for `doc` of `space` with the newest key this store holds for it; `None` when it
/// holds none (the entry waits in the outbox).
pub(super) fn seal_for(
    conn: &Connection,
    space: &str,
    what: What,
    doc: &DocId,
    plaintext: &[u8],
) -> Result<Option<Vec<u8>>> {
    let found = keys_for(conn, space, what, doc, None)?;
    Ok(found.first().map(|(generation, alg, key)| {
        keys::seal(*alg, key, what, *generation, space, &doc_ref(doc), plaintext)
    }))
}

/// Adds generations to `space` (ignoring ones already held).
fn add_generations(
    tx: &Connection,
    space: &str,
    alg: Alg,
    elder: Option<&str>,
    generations: &[GenerationKey],
    now: &str,
) -> Result<usize> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO key_generations (space, generation, level, elder, alg, key, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut added = 0;
    for g in generations {
        let elder = if g.level == Level::Card { elder.unwrap_or("") } else { "" };
        added += stmt.execute(rusqlite::params![
            space,
            g.generation,
            g.level.code(),
            elder,
            alg.name(),
            g.key.bytes().as_slice(),
            now
        ])?;
    }
    Ok(added)
}

/// A key package's plaintext: count, then (generation u32 LE, level, key 32) each.
pub(super) fn package_bytes(generations: &[GenerationKey]) -> Vec<u8> {
    let mut out = vec![generations.len() as u8];
    for g in generations {
        out.extend_from_slice(&g.generation.to_le_bytes());
        out.push(g.level.byte());
        out.extend_from_slice(g.key.bytes());
    }
    out
}

fn read_package(bytes: &[u8]) -> Option<Vec<GenerationKey>> {
    let (&count, mut rest) = bytes.split_first()?;
    let mut out = Vec::new();
    for _ in 0..count {
        if rest.len() < 37 {
            return None;
        }
        let generation = u32::from_le_bytes(rest[..4].try_into().ok()?);
        let level = Level::from_byte(rest[4])?;
        out.push(GenerationKey { generation, level, key: Key::from_slice(&rest[5..37])? });
        rest = &rest[37..];
    }
    rest.is_empty().then_some(out)
}

/// Adds the generations of a key package opened with this device's key.
pub(super) fn accept_package(tx: &Connection, space: &str, plaintext: &[u8], now: &str) -> Result<usize> {
    let Some(generations) = read_package(plaintext) else { return Ok(0) };
    let (alg, elder): (String, Option<String>) = tx
        .prepare_cached("SELECT alg, elder FROM key_spaces WHERE space = ?1")?
        .query_row([space], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let alg = Alg::parse(&alg).ok_or_else(|| corrupt("cipher"))?;
    add_generations(tx, space, alg, elder.as_deref(), &generations, now)
}

/// The generations to give a device of `role` (for a family phone: `elder`'s card keys), with each
/// generation's office key for a device that holds no root (it verifies erasures with it).
fn cut(
    conn: &Connection,
    space: &str,
    role: Role,
    elder: Option<&str>,
    generation: Option<u32>,
) -> Result<Vec<GenerationKey>> {
    let mut out = Vec::new();
    for row in rows(conn, space, generation)? {
        if row.level != Level::Root {
            continue;
        }
        let key = match role {
            Role::Committee | Role::Township => row.key.clone(),
            Role::Helper => keys::village_key(&row.key),
            Role::Family => keys::card_key(&keys::village_key(&row.key), elder.unwrap_or_default()),
        };
        out.push(GenerationKey { generation: row.generation, level: Level::of_role(role), key });
        if Level::of_role(role) != Level::Root {
            let office = keys::office_public_key(&row.key);
            out.push(GenerationKey { generation: row.generation, level: Level::Verify, key: office });
        }
    }
    Ok(out)
}

/// The office key (Ed25519 public key) of `generation` of `space`, as this store holds it: derived from
/// the root on an office device, received in the bundle or a key package on others.
pub(super) fn office_key(conn: &Connection, space: &str, generation: u32) -> Result<Option<Key>> {
    for row in rows(conn, space, Some(generation))? {
        match row.level {
            Level::Root => return Ok(Some(keys::office_public_key(&row.key))),
            Level::Verify => return Ok(Some(row.key)),
            _ => {}
        }
    }
    Ok(None)
}

/// The newest generation's root of `space`, if this store holds one (an office device).
pub(super) fn newest_root(conn: &Connection, space: &str) -> Result<Option<(u32, Alg, Key)>> {
    Ok(rows(conn, space, None)?
        .into_iter()
        .find(|r| r.level == Level::Root)
        .map(|r| (r.generation, r.alg, r.key)))
}

/// Seals an erasure of `doc` (an elder's `keyring`) with the elder's card key of the newest root and
/// signs it with that generation's office signing key; `None` on a store holding no root.
pub(super) fn seal_erasure(
    conn: &Connection,
    space: &str,
    doc: &DocId,
    plaintext: &[u8],
) -> Result<Option<Vec<u8>>> {
    let Some((generation, alg, root)) = newest_root(conn, space)? else { return Ok(None) };
    let card = keys::card_key(&keys::village_key(&root), doc.elder.as_str());
    let seed = keys::office_signing_seed(&root);
    Ok(Some(keys::seal_signed(alg, &card, What::Erasure, generation, space, &doc_ref(doc), plaintext, &seed)))
}

impl Store {
    /// The space this store seals its own writes for: its unit (a village).
    pub(super) fn key_space(&self) -> String {
        self.registry.unit.as_str().to_string()
    }

    /// Seals one automerge change of `doc` with the newest key this store holds for it, as another
    /// device of the village would have sealed it: for tools that craft changes themselves (the fuzz
    /// target, tests of merges). [`Error::Field`] `keys` when this store holds no key for `doc`.
    pub fn seal_change(&self, doc: &DocId, change: &[u8]) -> Result<Vec<u8>> {
        seal_for(&self.conn, &self.key_space(), What::Change, doc, change)?.ok_or_else(|| Error::Field {
            field: "keys".into(),
            zh: format!("本设备没有 {doc} 的密钥"),
            en: format!("this device holds no key for {doc}"),
        })
    }

    /// Chooses the deployment's cipher (`shouwang init --cipher`) for the key set this store created:
    /// only before anything was written or sealed with it, and not on a store that imported its keys.
    pub fn set_cipher(&mut self, alg: Alg) -> Result<()> {
        let space = self.key_space();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let own: Option<Option<String>> = tx
            .query_row("SELECT device_key_id FROM key_spaces WHERE space = ?1", [&space], |r| r.get(0))
            .optional()?;
        let records: i64 = tx.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
        if own != Some(None) || records > 0 {
            return Err(field(
                "cipher",
                "只能在新建的村登记册写入记录之前选择加密算法",
                "the cipher is chosen when a village's first store is created, before anything is written",
            ));
        }
        tx.execute("UPDATE key_spaces SET alg = ?1 WHERE space = ?2", (alg.name(), &space))?;
        tx.execute("UPDATE key_generations SET alg = ?1 WHERE space = ?2", (alg.name(), &space))?;
        tx.commit()?;
        Ok(())
    }

    /// Refuses unless this store may issue, rotate and revoke the village's keys: it holds the root of
    /// its space (a committee device). Ask before anything else is done for a new device (a code
    /// fetched from the relay, a form filled).
    pub fn require_village_keys(&self) -> Result<()> {
        self.require(Operation::VillageKeys)?;
        if holds_root(&self.conn, &self.key_space())? {
            Ok(())
        } else {
            Err(Error::Refused(self.viewer().refuse(Operation::VillageKeys)))
        }
    }

    /// What this store holds per space (ciphers, generations, key ids; never a secret).
    pub fn keys_summary(&self) -> Result<Vec<KeySpace>> {
        let spaces: Vec<(String, String, String, bool, Option<String>)> = self
            .conn
            .prepare(
                "SELECT space, alg, role, id_key IS NOT NULL, device_key_id FROM key_spaces ORDER BY space",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (space, alg, role, id_key, device_key_id) in spaces {
            let generations = self
                .conn
                .prepare("SELECT generation, level FROM key_generations WHERE space = ?1 ORDER BY generation, elder")?
                .query_map([&space], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let issued = self
                .conn
                .prepare(
                    "SELECT key_id, role, label, revoked_at IS NOT NULL FROM device_keys WHERE space = ?1
                     ORDER BY issued_at, key_id",
                )?
                .query_map([&space], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            out.push(KeySpace { space, alg, role, id_key, device_key_id, generations, issued });
        }
        Ok(out)
    }

    /// Issues a key bundle for a new device of `role` (a family phone: for `elder`; a helper's tablet:
    /// `helper`, if named), from the keys of this store's village, and records its device key so key
    /// packages reach it after a rotation. Only a store holding the village's root (a committee device)
    /// issues bundles.
    pub fn issue_key_bundle(
        &mut self,
        role: Role,
        elder: Option<&ElderId>,
        helper: Option<&str>,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyBundle> {
        self.require_village_keys()?;
        let space = self.key_space();
        if role == Role::Family && elder.is_none() {
            return Err(field("elder", "家属设备的密钥须指定老人", "a family device's keys name its elder"));
        }
        if let Some(h) = helper {
            if h.len() != 32 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(field("helper", "互助员编号为 32 位十六进制", "a helper id is 32 hex digits"));
            }
        }
        let elder = elder.filter(|_| role == Role::Family).map(|e| e.to_string());
        let alg = space_alg(&self.conn, &space)?;
        let generations = cut(&self.conn, &space, role, elder.as_deref(), None)?;
        let mut key_id = [0u8; 16];
        crate::ids::fill(&mut key_id);
        let bundle = KeyBundle {
            space: space.clone(),
            role,
            alg,
            id_key: if role == Role::Family { None } else { id_key(&self.conn, &space)? },
            elder: elder.clone(),
            helper: helper.map(|h| h.to_ascii_lowercase()),
            key_id: hex::encode(key_id),
            device_key: Key::random(),
            generations,
        };
        self.conn.execute(
            "INSERT INTO device_keys (key_id, space, d, role, elder, helper, label, issued_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                bundle.key_id,
                space,
                bundle.device_key.bytes().as_slice(),
                role.code(),
                elder,
                bundle.helper,
                label.trim(),
                now.to_rfc3339()
            ],
        )?;
        Ok(bundle)
    }

    /// Imports a key bundle (text `SWK1.…`): the device can then read and write what its role may. A
    /// bundle of another village is refused (`keys.space`), and so is one that would re-key a store
    /// already holding records under another key of elder ids (`keys.id_key`). Changes held for want of
    /// a key are applied now.
    pub fn import_key_bundle(&mut self, text: &str, now: DateTime<Utc>) -> Result<Imported> {
        let bundle = KeyBundle::parse(text).map_err(|e| {
            field(
                &format!("keys.{}", e.field),
                "密钥包无法读取（请重新扫码）",
                &format!("the key bundle {}", e.reason),
            )
        })?;
        let unit = &self.registry.unit;
        let space_code: crate::division::UnitCode = bundle.space.parse().map_err(|_| {
            field("keys.space", "密钥包的村代码无效", "the bundle's village code is not a valid code")
        })?;
        if !(unit == &space_code || unit.contains(&space_code)) {
            return Err(field(
                "keys.space",
                &format!("密钥包属于 {}，本设备登记的是 {}", bundle.space, unit),
                &format!("the bundle is for {}, this registry is {}", bundle.space, unit),
            ));
        }
        let stamp = now.to_rfc3339();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = id_key(&tx, &bundle.space)?;
        let same_set = current.is_some() && current == bundle.id_key;
        if !same_set {
            let records: i64 = tx.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
            let keyed_ids = current.is_some() && unit == &space_code;
            if records > 0 && keyed_ids {
                return Err(field(
                    "keys.id_key",
                    "本设备已有用另一套密钥登记的记录，不能换用这套密钥",
                    "this device already holds records under another key set; it cannot take this bundle",
                ));
            }
            tx.execute("DELETE FROM key_generations WHERE space = ?1", [&bundle.space])?;
            tx.execute("DELETE FROM key_spaces WHERE space = ?1", [&bundle.space])?;
        }
        tx.execute(
            "INSERT INTO key_spaces (space, alg, id_key, role, elder, device_key_id, device_key, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (space) DO UPDATE SET role = excluded.role, elder = excluded.elder,
                 device_key_id = excluded.device_key_id, device_key = excluded.device_key,
                 updated_at = excluded.updated_at",
            rusqlite::params![
                bundle.space,
                bundle.alg.name(),
                bundle.id_key.as_ref().map(|k| k.bytes().to_vec()),
                bundle.role.code(),
                bundle.elder,
                bundle.key_id,
                bundle.device_key.bytes().as_slice(),
                stamp
            ],
        )?;
        add_generations(
            &tx,
            &bundle.space,
            bundle.alg,
            bundle.elder.as_deref(),
            &bundle.generations,
            &stamp,
        )?;
        let generations: i64 = tx.query_row(
            "SELECT count(DISTINCT generation) FROM key_generations WHERE space = ?1",
            [&bundle.space],
            |r| r.get(0),
        )?;
        tx.commit()?;
        let released = self.release_held(now)?;
        Ok(Imported {
            space: bundle.space,
            role: bundle.role.code().to_string(),
            generations: generations as usize,
            released,
        })
    }

    /// Starts a new key generation (committee): new writes are sealed with it, and every device key this
    /// store issued and did not revoke gets a key package (a family phone: its elder's card key only).
    /// Old generations are kept to open old envelopes. Returns the new generation.
    pub fn rotate_keys(&mut self, now: DateTime<Utc>) -> Result<u32> {
        self.require_village_keys()?;
        let space = self.key_space();
        let stamp = now.to_rfc3339();
        let refused = self.viewer().refuse(Operation::VillageKeys);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !holds_root(&tx, &space)? {
            return Err(Error::Refused(refused));
        }
        let alg = space_alg(&tx, &space)?;
        let next: u32 = tx.query_row(
            "SELECT coalesce(max(generation), 0) + 1 FROM key_generations WHERE space = ?1",
            [&space],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO key_generations (space, generation, level, elder, alg, key, added_at)
             VALUES (?1, ?2, 'root', '', ?3, ?4, ?5)",
            rusqlite::params![space, next, alg.name(), Key::random().bytes().as_slice(), stamp],
        )?;
        let devices: Vec<(String, Vec<u8>, String, Option<String>)> = tx
            .prepare(
                "SELECT key_id, d, role, elder FROM device_keys WHERE space = ?1 AND revoked_at IS NULL",
            )?
            .query_map([&space], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (key_id, d, role, elder) in devices {
            let role = Role::parse(&role).ok_or_else(|| corrupt("device role"))?;
            let d = Key::from_slice(&d).ok_or_else(|| corrupt("device key"))?;
            let generations = cut(&tx, &space, role, elder.as_deref(), Some(next))?;
            // A family phone's relay filter keys on its elder: its package is addressed there.
            let subject =
                if role == Role::Family { elder.clone().unwrap_or_default() } else { key_id.clone() };
            let doc = DocId {
                elder: subject.parse().map_err(|reason| Error::Corrupt { doc: subject, reason })?,
                kind: DocKind::Keys,
            };
            let envelope = keys::seal(
                alg,
                &d,
                What::KeyPackage,
                next,
                &space,
                &doc_ref(&doc),
                &package_bytes(&generations),
            );
            queue_sealed(&tx, &doc, What::KeyPackage, &envelope, &stamp)?;
        }
        tx.commit()?;
        Ok(next)
    }

    /// Revokes a device key this store issued: it gets no key package at the next rotation. Rotate after
    /// revoking, or the device still reads what is sealed with the current generation.
    pub fn revoke_device_key(&mut self, key_id: &str, now: DateTime<Utc>) -> Result<()> {
        self.require_village_keys()?;
        let n = self.conn.execute(
            "UPDATE device_keys SET revoked_at = coalesce(revoked_at, ?2) WHERE key_id = ?1",
            (key_id.trim().to_ascii_lowercase(), now.to_rfc3339()),
        )?;
        if n == 0 {
            return Err(field(
                "key_id",
                "本设备没有签发过这个密钥编号",
                "this store issued no device key with this id",
            ));
        }
        Ok(())
    }
}

/// Queues an already sealed envelope (an elder's key, an erasure, a key package) in the outbox.
pub(super) fn queue_sealed(
    tx: &Connection,
    doc: &DocId,
    what: What,
    envelope: &[u8],
    stamp: &str,
) -> Result<()> {
    use sha2::{Digest, Sha256};
    tx.prepare_cached(
        "INSERT INTO outbox (doc_id, hash, change, created_at, what) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (doc_id, hash) DO NOTHING",
    )?
    .execute(rusqlite::params![
        doc.to_string(),
        hex::encode(Sha256::digest(envelope)),
        envelope,
        stamp,
        what.code()
    ])?;
    Ok(())
}

impl Store {
    /// The village's office key of the newest generation this store holds a root of (an office
    /// device), as the relay is given it when the device enrols; `None` on other devices.
    pub fn office_key_now(&self) -> Result<Option<shouwang_protocol::office::OfficeKey>> {
        let space = self.key_space();
        Ok(newest_root(&self.conn, &space)?.map(|(generation, _, root)| {
            shouwang_protocol::office::OfficeKey {
                generation,
                key: keys::office_public_key(&root).bytes().to_vec(),
            }
        }))
    }

    /// The village's office key of `generation`, derived from its root if this store holds it.
    pub fn office_key_of(&self, generation: u32) -> Result<Option<shouwang_protocol::office::OfficeKey>> {
        let space = self.key_space();
        Ok(rows(&self.conn, &space, Some(generation))?.into_iter().find(|r| r.level == Level::Root).map(
            |r| shouwang_protocol::office::OfficeKey {
                generation,
                key: keys::office_public_key(&r.key).bytes().to_vec(),
            },
        ))
    }

    /// Records that the relay holds the office key of `generation` for this store's village.
    pub fn note_office_registration(&mut self, generation: u32, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO office_registration (space, generation, registered_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (space) DO UPDATE SET generation = excluded.generation, registered_at = excluded.registered_at",
            rusqlite::params![self.key_space(), generation, now.to_rfc3339()],
        )?;
        Ok(())
    }

    /// The generation of the office key the relay was last given for this store's village, if any.
    pub fn registered_office_generation(&self) -> Result<Option<u32>> {
        Ok(self
            .conn
            .query_row(
                "SELECT generation FROM office_registration WHERE space = ?1",
                [self.key_space()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The signature of a routing table's `digest` with the office signing key of the generation the
    /// relay holds for this village (`PUT …/routes`); `None` on a store that never registered one (not
    /// an office device, or one the relay found with another office key).
    pub fn sign_routes(&self, digest: u64) -> Result<Option<Vec<u8>>> {
        let Some(registered) = self.registered_office_generation()? else { return Ok(None) };
        let space = self.key_space();
        let Some(root) =
            rows(&self.conn, &space, Some(registered))?.into_iter().find(|r| r.level == Level::Root)
        else {
            return Ok(None);
        };
        let message = shouwang_protocol::office::routes_message(&space, digest);
        Ok(Some(shouwang_protocol::office::sign(keys::office_signing_seed(&root.key).bytes(), &message)))
    }

    /// After a rotation, the change that moves the relay's office key for this village to the newest
    /// generation, signed with the office signing key of the generation the relay holds; `None` when it
    /// holds the newest already, or this store never registered one (it is not an office device, or
    /// enrolled before holding its keys).
    pub fn office_key_change(&self) -> Result<Option<shouwang_protocol::office::OfficeKeyChange>> {
        let (Some(registered), Some(new)) = (self.registered_office_generation()?, self.office_key_now()?)
        else {
            return Ok(None);
        };
        if new.generation <= registered {
            return Ok(None);
        }
        let space = self.key_space();
        let Some(old) =
            rows(&self.conn, &space, Some(registered))?.into_iter().find(|r| r.level == Level::Root)
        else {
            return Ok(None);
        };
        let message = shouwang_protocol::office::change_message(&space, &new);
        let signature =
            shouwang_protocol::office::sign(keys::office_signing_seed(&old.key).bytes(), &message);
        Ok(Some(shouwang_protocol::office::OfficeKeyChange { new, signature }))
    }
}
