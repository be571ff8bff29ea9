//! Who may read and write what: the relay's scope rules, as pure functions of a [`Device`].
//!
//! | role | reads | writes |
//! |---|---|---|
//! | helper | its village: card, family, profile, assignment | its village |
//! | committee | its village: every kind | its village |
//! | township | every village under its code: every kind | nothing |
//! | family | its elder's card and family documents | its elder's family document |

use crate::store::{Device, ReadFilter};
use shouwang_protocol::{space, Change, Role};

/// Whether the device may read anything in `space`.
pub fn may_read_space(device: &Device, space_code: &str) -> bool {
    space::covers(&device.scope, space_code)
}

/// Whether the device may push to `space` at all.
pub fn may_write_space(device: &Device, space_code: &str) -> bool {
    device.role != Role::Township && device.scope == space_code && space::is_village(space_code)
}

/// Whether the device may write this change (in a space it may write to).
pub fn may_write_change(device: &Device, change: &Change) -> bool {
    match device.role {
        Role::Helper | Role::Committee => true,
        Role::Township => false,
        Role::Family => device.elder.as_deref() == Some(&change.doc.elder) && change.doc.kind == "family",
    }
}

/// What a pull by this device returns.
pub fn read_filter(device: &Device) -> ReadFilter {
    ReadFilter {
        kinds: device.role.readable_kinds(),
        elder: if device.role == Role::Family { device.elder.clone() } else { None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shouwang_protocol::DocRef;

    fn device(role: Role, scope: &str) -> Device {
        Device {
            id: "d".into(),
            name: "n".into(),
            role,
            scope: scope.into(),
            elder: (role == Role::Family).then(|| "a".repeat(32)),
            created_at: 0,
            revoked_at: None,
            last_seen: None,
        }
    }

    fn change(elder: char, kind: &str) -> Change {
        Change { doc: DocRef { elder: elder.to_string().repeat(32), kind: kind.into() }, bytes: vec![1] }
    }

    #[test]
    fn the_scope_table() {
        let village = "511902106202";
        let other = "511902106203";
        let cases = [
            (device(Role::Helper, village), village, true, true),
            (device(Role::Helper, village), other, false, false),
            (device(Role::Committee, village), village, true, true),
            (device(Role::Township, "511902106000"), village, true, false),
            (device(Role::Township, "511902106000"), other, true, false),
            (device(Role::Township, "511902107000"), village, false, false),
            (device(Role::Family, village), village, true, true),
            (device(Role::Family, village), other, false, false),
        ];
        for (d, space, read, write) in cases {
            assert_eq!(may_read_space(&d, space), read, "{:?} reads {space}", d.role);
            assert_eq!(may_write_space(&d, space), write, "{:?} writes {space}", d.role);
        }
    }

    #[test]
    fn a_family_device_writes_only_its_elders_family_document() {
        let d = device(Role::Family, "511902106202");
        assert!(may_write_change(&d, &change('a', "family")));
        assert!(!may_write_change(&d, &change('a', "card")));
        assert!(!may_write_change(&d, &change('b', "family")));
        assert_eq!(read_filter(&d).kinds, ["card", "family"]);
        assert_eq!(read_filter(&device(Role::Helper, "511902106202")).elder, None);
    }
}
