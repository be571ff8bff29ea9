//! No import cycle inside core: read every module's `crate::…`, `super::…` and `self::…` paths, map
//! them to the module files they name, and find no two files that reach each other. A module's
//! references to its own ancestors (the `Store`, `Error` and `Result` a `mod.rs` defines for its
//! children) are the crate's skeleton, not imports, and are left out; so are tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every module file of `src`, by module path (`store::cases`; the crate root is empty).
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().to_string()).collect();
            let file = parts.pop().unwrap();
            let stem = file.trim_end_matches(".rs");
            if stem == "tests" || parts.iter().any(|p| p == "tests") {
                continue;
            }
            if !matches!(stem, "mod" | "lib") {
                parts.push(stem.to_string());
            }
            out.insert(parts, path);
        }
    }
    out
}

/// The code of a file without its `#[cfg(test)]` module and comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The module paths a file names: `crate::a::b`, `super::a`, `self::a`, and each name of a
/// `use super::{a, b::c}` group.
fn named(code: &str, here: &[String], is_dir_module: bool) -> Vec<Vec<String>> {
    // The module `super::` starts from: a `foo.rs` file's parent; a `foo/mod.rs`'s parent too.
    let parent: Vec<String> = here[..here.len().saturating_sub(1)].to_vec();
    let _ = is_dir_module;
    let bytes: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest: String = bytes[i..bytes.len().min(i + 8)].iter().collect();
        let (base, skip) = if rest.starts_with("crate::") {
            (Vec::new(), 7)
        } else if rest.starts_with("super::") {
            (parent.clone(), 7)
        } else if rest.starts_with("self::") {
            (here.to_vec(), 6)
        } else {
            i += 1;
            continue;
        };
        let before = if i == 0 { ' ' } else { bytes[i - 1] };
        if before.is_alphanumeric() || before == '_' || before == ':' {
            i += 1;
            continue;
        }
        i += skip;
        let mut segments = Vec::new();
        loop {
            let start = i;
            while i < bytes.len() && (bytes[i].is_alphanumeric() || bytes[i] == '_') {
                i += 1;
            }
            if i > start {
                segments.push(bytes[start..i].iter().collect::<String>());
            }
            if i + 1 < bytes.len() && bytes[i] == ':' && bytes[i + 1] == ':' {
                i += 2;
                if i < bytes.len() && bytes[i] == '{' {
                    // A group: each first name inside.
                    let end = bytes[i..].iter().position(|c| *c == '}').map_or(bytes.len(), |e| i + e);
                    let inner: String = bytes[i + 1..end].iter().collect();
                    for item in inner.split(',') {
                        let first = item.trim().split("::").next().unwrap_or("").trim();
                        if !first.is_empty() && first != "self" {
                            let mut p = base.clone();
                            p.extend(segments.iter().cloned());
                            p.push(first.to_string());
                            out.push(p);
                        }
                    }
                    i = end;
                    break;
                }
                continue;
            }
            break;
        }
        let mut p = base;
        p.extend(segments);
        out.push(p);
    }
    out
}

#[test]
fn no_two_modules_of_core_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (here, path) in &modules {
        let is_dir = path.ends_with("mod.rs");
        for named in named(&code(path), here, is_dir) {
            // The longest prefix that is a module file.
            let target =
                (0..=named.len()).rev().map(|n| named[..n].to_vec()).find(|p| modules.contains_key(p));
            let Some(target) = target else { continue };
            let ancestor = here.starts_with(&target);
            if target != *here && !ancestor {
                edges.entry(here.clone()).or_default().insert(target);
            }
        }
    }
    // A module's own children, named from its mod.rs (declarations, re-exports), are structure too.
    for (from, to) in edges.iter_mut() {
        to.retain(|t| !t.starts_with(from));
    }
    let cycles = strongly_connected(&edges);
    let shown: Vec<String> = cycles
        .iter()
        .map(|c| c.iter().map(|m| format!("crate::{}", m.join("::"))).collect::<Vec<_>>().join(" <-> "))
        .collect();
    assert!(shown.is_empty(), "import cycles in core:\n{}", shown.join("\n"));
    assert!(edges.values().map(BTreeSet::len).sum::<usize>() > 50, "the check read the imports");
}

/// The groups of more than one module that reach each other (Tarjan).
fn strongly_connected(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    struct State<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<Vec<String>, usize>,
        low: BTreeMap<Vec<String>, usize>,
        stack: Vec<Vec<String>>,
        on: BTreeSet<Vec<String>>,
        next: usize,
        out: Vec<Vec<Vec<String>>>,
    }
    fn visit(s: &mut State<'_>, v: &Vec<String>) {
        s.index.insert(v.clone(), s.next);
        s.low.insert(v.clone(), s.next);
        s.next += 1;
        s.stack.push(v.clone());
        s.on.insert(v.clone());
        let targets: Vec<Vec<String>> = s.edges.get(v).into_iter().flatten().cloned().collect();
        for w in targets {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let low = s.low[v].min(s.low[&w]);
                s.low.insert(v.clone(), low);
            } else if s.on.contains(&w) {
                let low = s.low[v].min(s.index[&w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(&w);
                let done = w == *v;
                group.push(w);
                if done {
                    break;
                }
            }
            if group.len() > 1 {
                s.out.push(group);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    let nodes: Vec<Vec<String>> = edges.keys().cloned().collect();
    for v in nodes {
        if !s.index.contains_key(&v) {
            visit(&mut s, &v);
        }
    }
    s.out
}
