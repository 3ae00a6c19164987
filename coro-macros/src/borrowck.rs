//! Stage 5: a local that borrows another local of the coroutine cannot be saved across a yield
//! (the state would borrow from itself). The check is sure only of what it reports: a borrow of
//! a local the coroutine owns, kept in a local that a state saves while the borrowed one is
//! alive there. Everything else is left to rustc.

use crate::ir::{BlockKind, Ir};
use crate::liveness::Liveness;

/// A local that borrows another (`let r = &x;`) cannot be saved across a yield: the state would
/// borrow from itself.
pub fn check(ir: &Ir, live: &Liveness) -> syn::Result<()> {
    let mut errors: Vec<syn::Error> = Vec::new();
    for (b, block) in ir.blocks.iter().enumerate() {
        if !matches!(
            block.kind,
            BlockKind::AfterYield | BlockKind::AfterYieldFrom
        ) {
            continue;
        }
        for &l in &live.fields[b] {
            let local = &ir.locals[l];
            if let Some(target) = local.borrows {
                if live.fields[b].contains(&target) || block.visible.contains(&target) {
                    let (r, x) = (&local.name, &ir.locals[target].name);
                    let x = if x == "__self" {
                        "self".to_string()
                    } else {
                        x.to_string()
                    };
                    let msg = if local.hidden {
                        format!(
                            "this `for` loop's iterator borrows `{x}` and the loop body yields: a coroutine saves its locals in its state when it suspends, and a state cannot hold a borrow of itself. Iterate over an owned value instead (`{x}.clone()`, or collect what you need into a `Vec` first), or loop over indices"
                        )
                    } else {
                        format!(
                            "`{r}` borrows `{x}` and is still in use after a `yield_!`: a coroutine saves its locals in its state when it suspends, and a state cannot hold a borrow of itself. Borrow `{x}` again after the yield, keep an index or a clone instead, or end the borrow before yielding"
                        )
                    };
                    if !errors.iter().any(|e| e.to_string() == msg) {
                        errors.push(syn::Error::new(local.span, msg));
                    }
                }
            }
        }
        let _ = block.span;
    }
    match errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    }) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
