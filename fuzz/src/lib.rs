//! What the fuzz targets share: a registry on a RAM disk with a few demo elders, and the input format
//! of `apply_changes` (a sequence of `[kind][length, u16 LE][bytes]` records).

pub mod targets;

use chrono::{DateTime, Utc};
use shouwang_core::doc::DocKind;
use shouwang_core::elder::ElderId;
use shouwang_core::store::Store;

/// The fixed clock of the targets.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").expect("a date").to_utc()
}

/// A village registry with `elders` demo elders in a fresh directory (on `/dev/shm` when there is one,
/// so the store's fsyncs cost little), and the elders' ids.
pub fn registry(elders: usize) -> (tempfile::TempDir, Store, Vec<ElderId>) {
    let shm = std::path::Path::new("/dev/shm");
    let dir =
        if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.expect("a directory");
    let village = shouwang_core::demo::DemoVillage::bazhou();
    let mut store =
        Store::init(dir.path().join("fuzz.sqlite"), village.unit.clone(), "斑竹村", "sichuan", now())
            .expect("a store");
    let ids = shouwang_core::demo::demo_village(&village, elders, 5)
        .into_iter()
        .map(|e| store.add_elder(e, now()).expect("a demo elder").id)
        .collect();
    (dir, store, ids)
}

/// One record of an `apply_changes` input: which elder (index, modulo the registry's; high bit: the
/// bytes are an envelope as received), which kind (index into [`DocKind::ALL`], modulo; high bit: wrap
/// the bytes in a change chunk with a valid checksum before sealing them), and the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// Elder index.
    pub elder: u8,
    /// Kind byte.
    pub kind: u8,
    /// The bytes.
    pub bytes: &'a [u8],
}

impl Record<'_> {
    /// The document kind.
    pub fn doc_kind(&self) -> DocKind {
        DocKind::ALL[usize::from(self.kind & 0x7f) % DocKind::ALL.len()]
    }

    /// Whether the bytes are a change's body to be wrapped with a valid header and checksum.
    pub fn wrap(&self) -> bool {
        self.kind & 0x80 != 0
    }

    /// Whether the bytes are an envelope as the relay sent it (not sealed by the target).
    pub fn as_received(&self) -> bool {
        self.elder & 0x80 != 0
    }
}

/// Splits an input into records; a truncated last record takes what is left.
pub fn records(mut data: &[u8]) -> Vec<Record<'_>> {
    let mut out = Vec::new();
    while data.len() >= 4 {
        let (elder, kind) = (data[0], data[1]);
        let len = usize::from(u16::from_le_bytes([data[2], data[3]])).min(data.len() - 4);
        out.push(Record { elder, kind, bytes: &data[4..4 + len] });
        data = &data[4 + len..];
    }
    out
}

/// Encodes records as [`records`] reads them.
pub fn encode(records: &[(u8, u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (elder, kind, bytes) in records {
        out.extend([*elder, *kind]);
        out.extend((bytes.len() as u16).to_le_bytes());
        out.extend(bytes);
    }
    out
}
