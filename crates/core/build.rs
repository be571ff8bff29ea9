//! Embeds the SQL migrations of `schema/migrations/` in order, so a new migration is a new data file.

use std::{env, fs, path::Path};

fn main() {
    // Read at run time, not `env!`: one build directory shared by two checkouts must embed each one's own.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("../../schema/migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("schema/migrations exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("/// The migrations of `schema/migrations/`, in order: (file name, SQL).\n");
    out.push_str("pub const MIGRATIONS: &[(&str, &str)] = &[\n");
    for (i, path) in files.iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy();
        let number: usize = name.split('_').next().and_then(|n| n.parse().ok()).expect("NNNN_name.sql");
        assert_eq!(number, i + 1, "migrations are numbered 0001, 0002, … without gaps: {name}");
        println!("cargo:rerun-if-changed={}", path.display());
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.canonicalize().unwrap()));
    }
    out.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("migrations.rs"), out).unwrap();
}
