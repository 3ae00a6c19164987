//! The edition of the crate whose code the attribute rewrites.
//!
//! Where temporaries are dropped depends on it: edition 2024 drops the temporaries of a block's
//! tail expression at the end of the block and those of an `if let` scrutinee before its `else`;
//! earlier editions keep them to the end of the enclosing statement or `if let`. rustc applies
//! the rule of the code's own edition, which a proc macro cannot ask its spans for on stable.
//! Cargo runs rustc with `CARGO_MANIFEST_DIR` set to the package being compiled, so the macro
//! reads the `edition` of that package's `Cargo.toml` (following `edition.workspace = true` up
//! to the workspace's `[workspace.package]`). Without Cargo, or when the manifest cannot be
//! read, the edition is unknown and the expansion keeps the rules that do not depend on it.
//! (Cargo recompiles a package when its manifest changes, so the expansion follows an edition
//! change.)

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What the macro knows of the edition.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Edition {
    /// 2015, 2018 or 2021: temporaries of a tail expression or an `if let` scrutinee live to the
    /// end of the enclosing statement or `if let`.
    Before2024,
    /// 2024 or later.
    Since2024,
    /// Not known (no Cargo, an unreadable manifest).
    Unknown,
}

/// The edition of the package being compiled (cached per package: rust-analyzer's
/// proc-macro server expands many packages in one process).
pub fn of_package() -> Edition {
    static CACHE: Mutex<Option<HashMap<PathBuf, Edition>>> = Mutex::new(None);
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        return Edition::Unknown;
    };
    let Ok(mut cache) = CACHE.lock() else {
        return read(&dir);
    };
    *cache
        .get_or_insert_with(HashMap::default)
        .entry(dir.clone())
        .or_insert_with(|| read(&dir))
}

fn read(dir: &Path) -> Edition {
    let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return Edition::Unknown;
    };
    match edition_key(&manifest, "package") {
        // Cargo's default when `edition` is not written.
        None => Edition::Before2024,
        Some(Key::Value(year)) => from_year(&year),
        // The workspace's manifest may be this one.
        Some(Key::Workspace) => dir
            .ancestors()
            .filter_map(|d| std::fs::read_to_string(d.join("Cargo.toml")).ok())
            .find_map(|m| match edition_key(&m, "workspace.package") {
                Some(Key::Value(year)) => Some(from_year(&year)),
                _ => None,
            })
            .unwrap_or(Edition::Unknown),
    }
}

fn from_year(year: &str) -> Edition {
    match year.parse::<u32>() {
        Ok(y) if y >= 2024 => Edition::Since2024,
        Ok(_) => Edition::Before2024,
        Err(_) => Edition::Unknown,
    }
}

/// How a manifest section gives the edition.
#[derive(Debug, PartialEq)]
enum Key {
    Value(String),
    /// `edition.workspace = true` or `edition = { workspace = true }`.
    Workspace,
}

/// The `edition` key of the `[section]` table of a manifest (a line-based reading: the key is
/// always written on one line).
fn edition_key(manifest: &str, section: &str) -> Option<Key> {
    let mut current = String::new();
    for line in manifest.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(header) = line.strip_prefix('[') {
            current = header.trim_end_matches(']').trim().to_string();
            continue;
        }
        if current != section {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if key == "edition.workspace" || (key == "edition" && value.contains("workspace")) {
            return Some(Key::Workspace);
        }
        if key == "edition" {
            return Some(Key::Value(value.trim_matches(['"', '\'']).to_string()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_package_edition() {
        let m = "[package]\nname = \"x\" # a comment\nedition = \"2024\"\n[dependencies]\nedition = \"1\"\n";
        assert_eq!(edition_key(m, "package"), Some(Key::Value("2024".into())));
        let m = "[package]\nedition.workspace = true\n";
        assert_eq!(edition_key(m, "package"), Some(Key::Workspace));
        let m = "[package]\nedition = { workspace = true }\n";
        assert_eq!(edition_key(m, "package"), Some(Key::Workspace));
        let m = "[workspace.package]\nedition = '2021'\n";
        assert_eq!(
            edition_key(m, "workspace.package"),
            Some(Key::Value("2021".into()))
        );
        assert_eq!(edition_key("[package]\nname = \"x\"\n", "package"), None);
        assert_eq!(from_year("2021"), Edition::Before2024);
        assert_eq!(from_year("2024"), Edition::Since2024);
    }

    #[test]
    fn this_workspace_is_2021() {
        // coro-macros inherits the workspace's edition; so does the root package, whose
        // manifest is the workspace's.
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(read(here), Edition::Before2024);
        assert_eq!(read(here.parent().unwrap()), Edition::Before2024);
        assert_eq!(
            read(&here.parent().unwrap().join("tests/edition2024")),
            Edition::Since2024
        );
    }
}
