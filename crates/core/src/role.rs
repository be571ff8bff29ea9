//! Who uses a device, which decides what it may read and write.

crate::elder::choice! {
    /// The role of an enrolled device.
    Role {
        /// 互助员: visits the elders assigned to them.
        Helper = "helper" / "互助员",
        /// 村委会: keeps the village registry.
        Committee = "committee" / "村委会",
        /// 乡镇民政办: reads every village under its code.
        Township = "township" / "乡镇",
        /// 子女: sees the contact card of their own elder.
        Family = "family" / "家属",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_either_spelling() {
        assert_eq!(Role::parse("村委会"), Some(Role::Committee));
        assert_eq!(Role::parse("helper"), Some(Role::Helper));
        let _ = serde_json::to_string(&Role::Family).unwrap();
    }
}
