//! `elder list`: elders filtered and sorted, as a table.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::choice;
use clap::Args;
use shouwang_core::elder::{Care, Category, Health, Status};
use shouwang_core::store::{AgeBand, ElderFilter, Sort};

/// Filters of `elder list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Part of the name or of the ID number.
    #[arg(long, short)]
    pub search: Option<String>,
    /// Group: advanced_age 高龄, disabled 失能, living_alone 独居, empty_nest 空巢, hardship 经济困难,
    /// destitute 特困, severe_disability 重度残疾, bereaved_one_child 计生特殊家庭.
    #[arg(long)]
    pub category: Option<String>,
    /// 重点对象 only: hardship family and 高龄 or 失能.
    #[arg(long)]
    pub priority: bool,
    /// healthy, disabled or ill.
    #[arg(long)]
    pub health: Option<String>,
    /// cared_for or not_cared_for.
    #[arg(long)]
    pub care: Option<String>,
    /// 60-69, 70-79, 60-79 or 80+.
    #[arg(long)]
    pub age: Option<String>,
    /// active (default), moved_away, deceased or all.
    #[arg(long)]
    pub status: Option<String>,
    /// name (default), age, address or updated.
    #[arg(long, default_value = "name")]
    pub sort: String,
    /// At most this many rows.
    #[arg(long)]
    pub limit: Option<u32>,
}

/// Runs `elder list`.
pub fn list(ctx: &Ctx, a: ListArgs) -> Result<()> {
    let (status, any_status) = match a.status.as_deref() {
        None => (None, false),
        Some("all") => (None, true),
        Some(s) => (Some(choice("status", s, Status::parse, format!("{}, all", Status::codes()))?), false),
    };
    let filter = ElderFilter {
        text: a.search,
        category: a
            .category
            .map(|c| choice("category", &c, Category::parse, Category::codes()))
            .transpose()?,
        priority: a.priority,
        health: a.health.map(|h| choice("health", &h, Health::parse, Health::codes())).transpose()?,
        care: a.care.map(|c| choice("care", &c, Care::parse, Care::codes())).transpose()?,
        age: a
            .age
            .map(|x| choice("age", &x, AgeBand::parse, "60-69, 70-79, 60-79, 80+".into()))
            .transpose()?,
        status,
        any_status,
        sort: choice(
            "sort",
            &a.sort,
            |s| serde_json::from_value::<Sort>(serde_json::Value::String(s.into())).ok(),
            "name, age, address, updated".into(),
        )?,
        limit: a.limit,
    };
    let rows = ctx.open()?.list(&filter, ctx.today())?;
    if ctx.json {
        output::json(&rows);
        return Ok(());
    }
    let zh = |code: &Option<String>, parse: fn(&str) -> Option<&'static str>| {
        code.as_deref().and_then(parse).unwrap_or("").to_string()
    };
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.name.clone(),
                shouwang_core::sex::Sex::parse(&r.sex).map_or("", |s| s.zh()).to_string(),
                r.age.to_string(),
                r.id_number.clone().unwrap_or_default(),
                r.address.clone(),
                zh(&r.health, |c| Health::parse(c).map(Health::zh)),
                zh(&r.care, |c| Care::parse(c).map(Care::zh)),
                r.categories
                    .iter()
                    .filter_map(|c| Category::parse(c))
                    .map(Category::zh)
                    .collect::<Vec<_>>()
                    .join("、"),
            ]
        })
        .collect();
    output::table(
        &["编号 id", "姓名", "性别", "年龄", "身份证号码", "现居住地址", "身体", "照料", "类别"],
        &table,
    );
    println!("共 {} 人 / {} elders", rows.len(), rows.len());
    Ok(())
}
