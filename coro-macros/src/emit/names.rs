//! How the arm being written spells each local: its own name, a hidden one while shadowed or
//! renamed, or none once its scope has closed.

use proc_macro2::Ident;
use rustc_hash::FxHashMap as HashMap;

use crate::ir::LocalId;

/// How each local is spelled at a point of an arm (always one identifier), with the spelling's
/// text kept beside it: spellings are compared by text all the time, and turning tokens into
/// text, or cloning a token stream, goes through the compiler's bridge.
#[derive(Clone, Default)]
pub(super) struct Names {
    map: HashMap<LocalId, (Ident, String)>,
}

impl Names {
    pub(super) fn insert(&mut self, l: LocalId, spelled: Ident) {
        let text = spelled.to_string();
        self.map.insert(l, (spelled, text));
    }

    pub(super) fn get(&self, l: &LocalId) -> Option<&Ident> {
        self.map.get(l).map(|(t, _)| t)
    }

    /// The spelling's text.
    pub(super) fn text(&self, l: &LocalId) -> Option<&str> {
        self.map.get(l).map(|(_, s)| s.as_str())
    }

    pub(super) fn remove(&mut self, l: &LocalId) -> Option<Ident> {
        self.map.remove(l).map(|(t, _)| t)
    }

    pub(super) fn contains_key(&self, l: &LocalId) -> bool {
        self.map.contains_key(l)
    }

    pub(super) fn keys(&self) -> impl Iterator<Item = &LocalId> {
        self.map.keys()
    }

    /// Each local in scope with its spelling's text.
    pub(super) fn texts(&self) -> impl Iterator<Item = (&LocalId, &str)> {
        self.map.iter().map(|(l, (_, s))| (l, s.as_str()))
    }
}

impl std::ops::Index<&LocalId> for Names {
    type Output = Ident;
    fn index(&self, l: &LocalId) -> &Ident {
        &self.map[l].0
    }
}
