//! `change_hash` agrees with automerge on real changes, and refuses what automerge would not store as a
//! plain change.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use shouwang_protocol::{change_hash, Change, DocRef};

fn changes() -> Vec<automerge::Change> {
    let mut doc = AutoCommit::new();
    for i in 0..40 {
        doc.put(ROOT, "name", format!("张秀英 {i}")).unwrap();
        // A long text makes automerge's change big enough that it would compress it if it ever did.
        doc.put(ROOT, "notes", "高血压，每日服药一次。".repeat(i * 20 + 1)).unwrap();
        doc.commit();
    }
    assert!(doc.get(ROOT, "name").unwrap().is_some());
    let mut other = doc.fork();
    other.put(ROOT, "village", "斑竹村").unwrap();
    other.commit();
    doc.merge(&mut other).unwrap();
    doc.get_changes(&[])
}

#[test]
fn the_hash_from_the_bytes_is_automerges_hash() {
    let changes = changes();
    assert!(changes.len() > 40);
    assert!(changes.iter().any(|c| c.raw_bytes().len() > 4096), "some changes are large");
    for change in &changes {
        let bytes = change.raw_bytes();
        assert_eq!(bytes[8], 1, "AutoCommit::commit and get_changes give uncompressed change chunks");
        assert_eq!(change_hash(bytes).unwrap(), change.hash().0);
        // In the clear, a change is not what the relay accepts: it must be sealed first.
        let wire =
            Change { doc: DocRef { elder: "ab".repeat(16), kind: "card".into() }, bytes: bytes.to_vec() };
        assert_eq!(wire.validate().unwrap_err().field, "bytes");
    }
}

#[test]
fn a_damaged_or_compressed_change_is_refused() {
    let change = changes().pop().unwrap();
    let mut damaged = change.raw_bytes().to_vec();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x40;
    assert_eq!(change_hash(&damaged).unwrap_err().field, "bytes");
    let mut compressed = change.raw_bytes().to_vec();
    compressed[8] = 2;
    assert_eq!(change_hash(&compressed).unwrap_err().field, "bytes");
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "a", 1).unwrap();
    assert!(change_hash(&doc.save()).is_err(), "a whole document is not a change");
}
