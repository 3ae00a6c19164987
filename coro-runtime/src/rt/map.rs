//! `map`: an awaitable whose return value goes through a function.

use super::{Awaitable, AwaitableOf};

/// `awaitable`, with its return value passed through `f`.
pub(crate) fn map<C, F, U>(awaitable: C, f: F) -> impl AwaitableOf<U>
where
    C: Awaitable,
    F: FnOnce(C::Return) -> U,
{
    mapped(awaitable, f)
}

#[coro_macros::coroutine(crate = crate, task)]
fn mapped<C, F, U>(awaitable: C, f: F) -> U
where
    C: Awaitable,
    F: FnOnce(C::Return) -> U,
{
    let value = yield_from!(awaitable);
    f(value)
}
