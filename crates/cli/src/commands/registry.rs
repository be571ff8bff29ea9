//! `init`, `demo`, `rebuild`, `info` and `policy`: the registry as a whole.

use super::{Ctx, Result};
use crate::args::PolicyCommand;
use crate::output;
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::division::{UnitCode, UnitLevel};
use shouwang_core::policy::Policy;
use shouwang_core::store::{Error, Store};
use shouwang_core::validate::Rule;

pub fn init(ctx: &Ctx, profile: &str, unit: &str, name: &str) -> Result<()> {
    let unit: UnitCode = unit.parse().map_err(|e: shouwang_core::division::UnitError| Error::Field {
        field: "unit".into(),
        zh: e.zh(),
        en: e.en(),
    })?;
    let policy = Policy::builtin(profile).ok_or_else(|| Error::UnknownPolicy(profile.into()))?;
    let store = Store::init(&ctx.db, unit, name, &policy.id, ctx.now)?;
    let r = store.registry();
    if ctx.json {
        output::json(r);
    } else {
        println!(
            "已建立台账 / registry created: {} {} ({}), 政策 / profile {} {}",
            r.name,
            r.unit,
            unit_name(&r.unit),
            policy.id,
            policy.name
        );
        println!("数据库 / database: {}", ctx.db.display());
    }
    Ok(())
}

fn unit_name(unit: &UnitCode) -> String {
    shouwang_core::division::full_name(unit.county_prefix())
        .unwrap_or_else(|| "GB/T 2260 未收录 / not in GB/T 2260".into())
}

pub fn demo(ctx: &Ctx, elders: usize, seed: u64) -> Result<()> {
    let bazhou = DemoVillage::bazhou();
    let mut store = match Store::open(&ctx.db, ctx.now) {
        Ok(store) => store,
        Err(Error::NotInitialised) => {
            Store::init(&ctx.db, bazhou.unit.clone(), "斑竹村", "sichuan", ctx.now)?
        }
        Err(e) => return Err(e.into()),
    };
    let registry = store.registry().clone();
    let village = if registry.unit.level() == UnitLevel::Village {
        DemoVillage { unit: registry.unit.clone(), name: registry.name.clone(), today: ctx.today(), ..bazhou }
    } else if registry.unit.contains(&bazhou.unit) {
        DemoVillage { today: ctx.today(), ..bazhou }
    } else {
        return Err(Error::Field {
            field: "db".into(),
            zh: format!("演示数据需要村级台账，本台账单位为 {}", registry.unit),
            en: format!("demo data needs a village registry; this one is for {}", registry.unit),
        }
        .into());
    };
    let (mut added, mut existing) = (0, 0);
    let people = demo_village(&village, elders, seed);
    for elder in people.clone() {
        match store.add_elder(elder, ctx.now) {
            Ok(_) => added += 1,
            Err(Error::Invalid(v)) if v.iter().any(|v| matches!(v.rule, Rule::DuplicateIdNumber { .. })) => {
                existing += 1
            }
            Err(e) => return Err(e.into()),
        }
    }
    // Helpers with homes, the organisation, assignments by walking reach and three months of visits.
    let services = shouwang_core::demo::demo_services(&mut store, &village, &people, seed, ctx.now)?;
    if ctx.json {
        output::json(&serde_json::json!({
            "unit": registry.unit, "name": registry.name, "added": added, "already_registered": existing,
            "services": services,
        }));
    } else {
        println!("演示村 / demo village {} {}: 新增 {added} 位老人 / {added} elders added ({existing} already registered)", registry.name, registry.unit);
        if services.helpers > 0 {
            println!(
                "  互助员 {} 名，分配 {} 位老人（偏远 {} 位），探访 {} 次 / {} helpers, {} elders assigned ({} remote), {} visits",
                services.helpers, services.assigned, services.remote, services.visits,
                services.helpers, services.assigned, services.remote, services.visits
            );
        }
    }
    Ok(())
}

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
    println!("台账 / registry   {} {} ({})", r.name, r.unit, unit_name(&r.unit));
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

pub fn policy(ctx: &Ctx, cmd: PolicyCommand) -> Result<()> {
    match cmd {
        PolicyCommand::List => {
            let all = Policy::all_builtin();
            if ctx.json {
                output::json(&all);
            } else {
                let rows: Vec<Vec<String>> = all
                    .iter()
                    .map(|p| {
                        vec![
                            p.id.clone(),
                            p.name.clone(),
                            format!("{} 个月", p.absence_months),
                            format!("{:?}", p.age_cutoff),
                            format!("{} 天", p.visit_interval_days),
                        ]
                    })
                    .collect();
                output::table(&["profile", "名称", "外出时限", "年龄截止 / age cutoff", "探访周期"], &rows);
            }
        }
        PolicyCommand::Show { name } => {
            let p = Policy::builtin(&name).ok_or(Error::UnknownPolicy(name))?;
            if ctx.json {
                output::json(&p);
            } else {
                print!("{}", toml::to_string_pretty(&p).unwrap_or_default());
            }
        }
    }
    Ok(())
}
