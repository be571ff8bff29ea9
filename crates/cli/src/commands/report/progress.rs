//! `shouwang report progress [--month YYYY-MM] [--out X.xlsx|.csv|.json]`: the monthly progress report
//! (seed 004), computed by core (`Store::monthly_progress`, the same call the app makes).

use crate::context::Ctx;
use crate::error::{field, Result};
use crate::parse;
use shouwang_core::progress;
use std::path::Path;

/// Runs `report progress`.
pub fn run(ctx: &Ctx, month: Option<&str>, out: Option<&Path>) -> Result<()> {
    let start = parse::month("month", month, ctx.today())?;
    let (report, _) = ctx.open()?.monthly_progress(start, ctx.today())?;
    if let Some(out) = out {
        let ext = out.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        let bytes = match ext.as_str() {
            "xlsx" => progress::to_xlsx(&report).map_err(|e| {
                field("out", format!("无法写出 XLSX：{e}"), format!("cannot write XLSX: {e}"))
            })?,
            "csv" => progress::to_csv(&report).into_bytes(),
            "json" => serde_json::to_vec_pretty(&progress::to_json(&report)).expect("json"),
            _ => {
                let (zh, en) = (
                    "输出文件应以 .xlsx、.csv 或 .json 结尾",
                    "the output file must end in .xlsx, .csv or .json",
                );
                return Err(field("out", zh, en).into());
            }
        };
        std::fs::write(out, bytes)?;
    }
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&progress::to_json(&report)).expect("json"));
    } else {
        println!("农村互助养老月度推进情况 {}", report.month);
        println!("{}", progress::HEADINGS.join("\t"));
        for line in progress::to_csv(&report).trim_start_matches('\u{feff}').lines().skip(1) {
            println!("{}", line.replace(',', "\t"));
        }
    }
    Ok(())
}
