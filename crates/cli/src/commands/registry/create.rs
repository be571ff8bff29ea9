//! `init` and `demo`: a registry created, encrypted at rest under a passphrase unless asked otherwise,
//! and a demo village added to it.

use crate::context::Ctx;
use crate::error::{field, CliError, Result};
use crate::{output, parse};
use clap::Args;
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::division::{UnitCode, UnitLevel};
use shouwang_core::policy::Policy;
use shouwang_core::store::{Error, Store};
use shouwang_core::validate::Rule;
use shouwang_core::vault::{self, Passphrase, Vault};

/// The passphrase of `shouwang demo` when none is given: printed, and stated in the README.
pub const DEMO_PASSPHRASE: &str = "shouwang-demo";

/// `shouwang init …`
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Policy profile: liaoning, shandong, hunan, guangdong or sichuan.
    #[arg(long)]
    profile: String,
    /// 12-digit statistical division code of the unit, e.g. 511902106202.
    #[arg(long)]
    unit: String,
    /// The unit's name, e.g. 斑竹村.
    #[arg(long)]
    name: String,
    /// Create the registry without encryption at rest (anyone who copies the file reads it).
    #[arg(long)]
    unencrypted: bool,
    /// The cipher that seals changes end to end: xchacha20poly1305 (default) or sm4-gcm (GB/T 39786).
    #[arg(long)]
    cipher: Option<String>,
}

/// `shouwang demo …`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many elders.
    #[arg(long, default_value_t = 60)]
    elders: usize,
    /// Random seed: the same seed gives the same village.
    #[arg(long, default_value_t = 1)]
    seed: u64,
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
        let existing = ctx.open()?;
        return Err(Error::AlreadyInitialised { unit: existing.registry().unit.to_string() }.into());
    }
    let key = Vault::create(&key_file, passphrase.as_str())?;
    Store::init_encrypted(&ctx.db, &key, unit, name, policy, ctx.now).map_err(|e| {
        // No key file for a registry that was not created.
        let _ = std::fs::remove_file(&key_file);
        e.into()
    })
}

/// `init`: the registry of a unit under a profile, then its end-to-end cipher when one is named.
pub fn init(ctx: &Ctx, a: InitArgs) -> Result<()> {
    let unit = parse::unit("unit", &a.unit)?;
    let policy = Policy::builtin(&a.profile).ok_or_else(|| Error::UnknownPolicy(a.profile.clone()))?;
    let passphrase = match (&ctx.passphrase, a.unencrypted) {
        (Some(_), true) => {
            return Err(field(
                "unencrypted",
                "既提供了口令又要求不加密：二者只能选一",
                "a passphrase was given together with --unencrypted: choose one",
            )
            .into())
        }
        (None, false) => {
            return Err(field(
                "passphrase",
                "新台账须加密存储：请用 --passphrase-file 口令文件 或环境变量 SHOUWANG_PASSPHRASE 提供口令（至少 6 个字符），或明确加上 --unencrypted",
                "a new registry is encrypted at rest: give a passphrase (6 characters or more) via --passphrase-file PATH or SHOUWANG_PASSPHRASE, or pass --unencrypted explicitly",
            )
            .into())
        }
        (passphrase, _) => passphrase.as_ref(),
    };
    let store = create(ctx, passphrase, unit, &a.name, &policy.id)?;
    let encrypted = passphrase.is_some();
    let r = store.registry();
    if ctx.json {
        output::json(r);
    } else {
        println!(
            "已建立台账 / registry created: {} {} ({}), 政策 / profile {} {}",
            r.name,
            r.unit,
            output::unit_name(&r.unit),
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
    drop(store);
    if let Some(name) = a.cipher {
        let alg = parse::cipher(&name)?;
        ctx.open()?.set_cipher(alg)?;
    }
    Ok(())
}

/// `demo`: a demo village added to the registry (created, with the demo passphrase, when absent).
pub fn demo(ctx: &Ctx, a: DemoArgs) -> Result<()> {
    let bazhou = DemoVillage::bazhou();
    let mut demo_passphrase = None;
    let mut store = match ctx.open() {
        Ok(store) => store,
        Err(CliError::Store(Error::NotInitialised)) => {
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
        return Err(field(
            "db",
            format!("演示数据需要村级台账，本台账单位为 {}", registry.unit),
            format!("demo data needs a village registry; this one is for {}", registry.unit),
        )
        .into());
    };
    let (mut added, mut existing) = (0, 0);
    let people = demo_village(&village, a.elders, a.seed);
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
    let services = shouwang_core::demo::demo_services(&mut store, &village, &people, a.seed, ctx.now)?;
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
