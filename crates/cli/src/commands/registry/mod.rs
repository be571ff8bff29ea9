//! `init`, `demo`, `rebuild`, `info`, `policy` and `passphrase`: the registry as a whole.

pub(crate) mod create;
pub(crate) mod passphrase;
pub(crate) mod policy;

use crate::context::Ctx;
use crate::error::Result;
use crate::output;

/// `rebuild`: every projection row recreated from the documents, and how many rows differed.
pub fn rebuild(ctx: &Ctx) -> Result<()> {
    let mut store = ctx.open()?;
    let before = store.projection_dump()?;
    let elders = store.rebuild()?;
    let after = store.projection_dump()?;
    let differing = before.iter().filter(|r| !after.contains(r)).count()
        + after.iter().filter(|r| !before.contains(r)).count();
    if ctx.json {
        output::json(&serde_json::json!({ "elders": elders, "rows_differing": differing }));
    } else if differing == 0 {
        println!("已从文档重建 {elders} 位老人的索引，与原索引一致 / rebuilt the projection of {elders} elders from their documents: identical");
    } else {
        println!("已从文档重建 {elders} 位老人的索引，修复了 {differing} 行 / rebuilt the projection of {elders} elders: {differing} rows repaired");
    }
    Ok(())
}

/// `info`: the unit, the profile, the counts, the changes waiting for sync.
pub fn info(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    let r = store.registry();
    let counts = store.count_by_status()?;
    let pending = store.outbox_len()?;
    if ctx.json {
        let counts: serde_json::Map<_, _> = counts.into_iter().map(|(s, n)| (s, n.into())).collect();
        output::json(
            &serde_json::json!({ "registry": r, "database": ctx.db, "elders": counts, "pending_changes": pending, "schema_version": shouwang_core::store::schema_version() }),
        );
        return Ok(());
    }
    println!("台账 / registry   {} {} ({})", r.name, r.unit, output::unit_name(&r.unit));
    println!("政策 / profile    {}", r.policy);
    println!("数据库 / database {}", ctx.db.display());
    for (status, n) in counts {
        let label = shouwang_core::elder::Status::parse(&status)
            .map_or(status.clone(), |s| format!("{} / {}", s.zh(), s.code()));
        println!("  {label}: {n}");
    }
    println!("待同步 / pending changes {pending}");
    Ok(())
}
