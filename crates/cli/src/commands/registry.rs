//! `init`, `demo`, `rebuild`, `info`, `policy` and `passphrase`: the registry as a whole, and opening
//! it (with its key when it is encrypted at rest).

use super::{Ctx, Result};
use crate::args::{PassphraseCommand, PolicyCommand};
use crate::output;
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::division::{UnitCode, UnitLevel};
use shouwang_core::policy::Policy;
use shouwang_core::store::{Error, Store};
use shouwang_core::validate::Rule;
use shouwang_core::vault::{self, Passphrase, Vault};
use std::path::Path;

/// The passphrase of `shouwang demo` when none is given: printed, and stated in the README.
pub const DEMO_PASSPHRASE: &str = "shouwang-demo";

/// The passphrase given: `--passphrase-file`, else the SHOUWANG_PASSPHRASE variable.
pub fn passphrase(file: Option<&Path>) -> Result<Option<Passphrase>> {
    if let Some(file) = file {
        return Ok(Some(Passphrase::read_file(file).map_err(|e| Error::Field {
            field: "passphrase-file".into(),
            zh: format!("无法读取口令文件 {}：{e}", file.display()),
            en: format!("cannot read the passphrase file {}: {e}", file.display()),
        })?));
    }
    Ok(std::env::var("SHOUWANG_PASSPHRASE").ok().map(Passphrase::new))
}

/// A key-file error as the store's: the passphrase's own errors name the field.
fn vault_error(e: vault::Error) -> Error {
    match e {
        vault::Error::Io(e) => Error::Io(e),
        vault::Error::Damaged { .. } | vault::Error::Unsupported(_) | vault::Error::Random(_) => {
            Error::Corrupt { doc: "key file".into(), reason: e.en() }
        }
        e => Error::Field { field: e.field().unwrap_or("key-file").into(), zh: e.zh(), en: e.en() },
    }
}

fn needs_passphrase() -> Error {
    Error::Field {
        field: "passphrase".into(),
        zh: "数据库已加密：请提供口令（--passphrase-file 口令文件，或环境变量 SHOUWANG_PASSPHRASE）".into(),
        en:
            "the database is encrypted: give the passphrase via --passphrase-file PATH or SHOUWANG_PASSPHRASE"
                .into(),
    }
}

/// Opens the registry: with its key when a key file lies beside it, else as a plaintext file.
pub fn open(ctx: &Ctx) -> Result<Store> {
    let key_file = vault::key_path(&ctx.db);
    if !key_file.exists() {
        return Ok(Store::open(&ctx.db, ctx.now)?);
    }
    let passphrase = ctx.passphrase.as_ref().ok_or_else(needs_passphrase)?;
    let key = Vault::unlock(&key_file, passphrase.as_str()).map_err(vault_error)?;
    Ok(Store::open_encrypted(&ctx.db, &key, ctx.now)?)
}

/// Creates the registry: encrypted under a new key wrapped by `passphrase`, or plaintext when asked.
fn create(
    ctx: &Ctx,
    passphrase: Option<&Passphrase>,
    unit: UnitCode,
    name: &str,
    policy: &str,
) -> Result<Store> {
    let Some(passphrase) = passphrase else {
        eprintln!(
            "警告：台账未加密，复制该文件的人可读取全部老人信息 / warning: the registry is NOT encrypted; anyone who copies {} reads every elder",
            ctx.db.display()
        );
        return Ok(Store::init(&ctx.db, unit, name, policy, ctx.now)?);
    };
    let key_file = vault::key_path(&ctx.db);
    if key_file.exists() {
        // An encrypted registry is already here: say so (after proving the passphrase), change nothing.
        let existing = open(ctx)?;
        return Err(Error::AlreadyInitialised { unit: existing.registry().unit.to_string() }.into());
    }
    let key = Vault::create(&key_file, passphrase.as_str()).map_err(vault_error)?;
    Store::init_encrypted(&ctx.db, &key, unit, name, policy, ctx.now).map_err(|e| {
        // No key file for a registry that was not created.
        let _ = std::fs::remove_file(&key_file);
        e.into()
    })
}

pub fn init(ctx: &Ctx, profile: &str, unit: &str, name: &str, unencrypted: bool) -> Result<()> {
    let unit: UnitCode = unit.parse().map_err(|e: shouwang_core::division::UnitError| Error::Field {
        field: "unit".into(),
        zh: e.zh(),
        en: e.en(),
    })?;
    let policy = Policy::builtin(profile).ok_or_else(|| Error::UnknownPolicy(profile.into()))?;
    let passphrase = match (&ctx.passphrase, unencrypted) {
        (Some(_), true) => {
            return Err(Error::Field {
                field: "unencrypted".into(),
                zh: "既提供了口令又要求不加密：二者只能选一".into(),
                en: "a passphrase was given together with --unencrypted: choose one".into(),
            }
            .into())
        }
        (None, false) => {
            return Err(Error::Field {
                field: "passphrase".into(),
                zh: "新台账须加密存储：请用 --passphrase-file 口令文件 或环境变量 SHOUWANG_PASSPHRASE 提供口令（至少 6 个字符），或明确加上 --unencrypted".into(),
                en: "a new registry is encrypted at rest: give a passphrase (6 characters or more) via --passphrase-file PATH or SHOUWANG_PASSPHRASE, or pass --unencrypted explicitly".into(),
            }
            .into())
        }
        (passphrase, _) => passphrase.as_ref(),
    };
    let store = create(ctx, passphrase, unit, name, &policy.id)?;
    let encrypted = passphrase.is_some();
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
        if encrypted {
            println!(
                "已加密，密钥文件 / encrypted at rest, key file: {} (口令遗失则无法打开 / without the passphrase it cannot be opened)",
                vault::key_path(&ctx.db).display()
            );
        }
    }
    Ok(())
}

fn unit_name(unit: &UnitCode) -> String {
    shouwang_core::division::full_name(unit.county_prefix())
        .unwrap_or_else(|| "GB/T 2260 未收录 / not in GB/T 2260".into())
}

pub fn demo(ctx: &Ctx, elders: usize, seed: u64) -> Result<()> {
    let bazhou = DemoVillage::bazhou();
    let mut demo_passphrase = None;
    let mut store = match open(ctx) {
        Ok(store) => store,
        Err(crate::error::CliError::Store(Error::NotInitialised)) => {
            // A demo registry is encrypted like a real one; without a passphrase it gets the demo's.
            let passphrase = ctx.passphrase.clone().unwrap_or_else(|| {
                demo_passphrase = Some(DEMO_PASSPHRASE);
                Passphrase::new(DEMO_PASSPHRASE.into())
            });
            create(ctx, Some(&passphrase), bazhou.unit.clone(), "斑竹村", "sichuan")?
        }
        Err(e) => return Err(e),
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
            "services": services, "demo_passphrase": demo_passphrase,
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
        if let Some(p) = demo_passphrase {
            println!(
                "演示台账已加密，口令 / the demo registry is encrypted; passphrase: {p}  (export SHOUWANG_PASSPHRASE={p})"
            );
        }
    }
    Ok(())
}

pub fn passphrase_command(ctx: &Ctx, cmd: PassphraseCommand) -> Result<()> {
    match cmd {
        PassphraseCommand::Change { new_passphrase_file } => {
            let key_file = vault::key_path(&ctx.db);
            if !key_file.exists() {
                return Err(Error::Field {
                    field: "db".into(),
                    zh: format!("台账 {} 未加密（没有密钥文件），无口令可改", ctx.db.display()),
                    en: format!(
                        "the registry {} is not encrypted (no key file): there is no passphrase to change",
                        ctx.db.display()
                    ),
                }
                .into());
            }
            let old = ctx.passphrase.as_ref().ok_or_else(needs_passphrase)?;
            let new = match new_passphrase_file {
                Some(file) => Some(Passphrase::read_file(&file).map_err(|e| Error::Field {
                    field: "new-passphrase-file".into(),
                    zh: format!("无法读取口令文件 {}：{e}", file.display()),
                    en: format!("cannot read the passphrase file {}: {e}", file.display()),
                })?),
                None => std::env::var("SHOUWANG_NEW_PASSPHRASE").ok().map(Passphrase::new),
            };
            let new = new.ok_or_else(|| Error::Field {
                field: "new-passphrase-file".into(),
                zh: "请用 --new-passphrase-file 口令文件 或环境变量 SHOUWANG_NEW_PASSPHRASE 提供新口令"
                    .into(),
                en: "give the new passphrase via --new-passphrase-file PATH or SHOUWANG_NEW_PASSPHRASE"
                    .into(),
            })?;
            Vault::change(&key_file, old.as_str(), new.as_str()).map_err(vault_error)?;
            if ctx.json {
                output::json(&serde_json::json!({ "changed": true, "key_file": key_file }));
            } else {
                println!(
                    "口令已更改（数据库未重新加密）/ passphrase changed (the database key was rewrapped; the database is unchanged): {}",
                    key_file.display()
                );
            }
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
