#!/usr/bin/env python3
"""Re-records the expected traces of a `tests/native_traces*` module from rustc's own coroutines.

    scripts/record-native-traces.py tests/native_traces/bindings.rs   # rewrites the file in place

Each `#[coro::coroutine(yield = u8, resume = u8)] fn name(..) -> u8 { body }` of the module is
written out as a nightly `#[coroutine]` closure (`yield_!(e)` becomes `yield e`, `yield_from!(c)`
the delegation loop the macro implements), every `check(|| call, &[(&[args], stop, &[trace]), ..])`
is run on that native form with the same driver as `tests/native_traces.rs` (`scenario`), and the
trace arrays are replaced by what rustc's coroutines did. Needs `cargo +nightly` (or
RUSTC_BOOTSTRAP=1 with the default toolchain, a test-only oracle).
"""
import os, re, subprocess, sys, tempfile

PRELUDE = r'''
#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]
#![allow(unused, unreachable_code, unused_braces)]
use std::cell::RefCell;
use std::ops::{Coroutine, CoroutineState};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::fmt::Write;
thread_local! { static TRACE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) }; }
fn log(e: impl Into<String>) { TRACE.with(|t| t.borrow_mut().push(e.into())); }
fn take() -> Vec<String> { TRACE.with(|t| std::mem::take(&mut *t.borrow_mut())) }
macro_rules! yield_from {
    ($e:expr) => {{
        let mut __c = $e;
        let mut __a: u8 = Default::default();
        loop {
            match Pin::new(&mut __c).resume(__a) {
                CoroutineState::Yielded(y) => __a = yield y,
                CoroutineState::Complete(r) => break r,
            }
        }
    }};
}
fn scenario<C: Coroutine<u8, Yield = u8, Return = u8> + Unpin>(mut c: C, args: &[u8], stop: usize) -> Vec<String> {
    for (k, a) in args.iter().enumerate() {
        if k == stop { log("dropping"); break; }
        match catch_unwind(AssertUnwindSafe(|| Pin::new(&mut c).resume(*a))) {
            Ok(CoroutineState::Yielded(y)) => log(format!("yield {y}")),
            Ok(CoroutineState::Complete(v)) => { log(format!("return {v}")); break; }
            Err(_) => { log("panicked"); break; }
        }
    }
    drop(c);
    take()
}
'''

def matching(src, i):
    """Index just past the bracket that closes the one at src[i]."""
    pairs = {'{': '}', '(': ')', '[': ']'}
    stack = []
    j = i
    in_str = False
    while j < len(src):
        c = src[j]
        if in_str:
            if c == '\\': j += 1
            elif c == '"': in_str = False
        elif c == '"': in_str = True
        elif c in pairs: stack.append(pairs[c])
        elif c in ')]}':
            stack.pop()
            if not stack: return j + 1
        j += 1
    raise ValueError('unbalanced')

def replace_macro(body, name, fmt):
    out, i = [], 0
    while True:
        k = body.find(name + '!(', i)
        if k < 0: out.append(body[i:]); return ''.join(out)
        open_ = k + len(name) + 1
        end = matching(body, open_)
        inner = replace_macro(body[open_ + 1:end - 1], name, fmt)
        out.append(body[i:k]); out.append(fmt(inner)); i = end

def native(src):
    """The module's items with each coroutine fn written as a native coroutine."""
    out, i = [], 0
    head = re.compile(r'#\[coro::coroutine\(yield = u8, resume = u8\)\]\s*(#\[[^\]]*\]\s*)*((?:pub )?fn) (\w+)(<[^>]*>)?\(([^)]*)\) -> u8 \{')
    while True:
        m = head.search(src, i)
        if not m: out.append(src[i:]); break
        out.append(src[i:m.start()])
        open_ = m.end() - 1
        end = matching(src, open_)
        body = native(src[open_ + 1:end - 1])  # nested coroutine fns too
        body = replace_macro(body, 'yield_', lambda e: '(yield (%s))' % (e if e.strip() else '0'))
        body = body.replace('yield_from!(', 'yield_from!(')
        generics, params = m.group(4) or '', m.group(5)
        # Each parameter moved into the closure whole (edition 2021 closures capture only the
        # fields they use; a coroutine fn owns its parameters).
        names = [q.split(':')[0].strip() for q in params.split(',') if ':' in q]
        rebind = lambda n: 'let mut %s = %s; ' % (n[4:], n[4:]) if n.startswith('mut ') else 'let %s = %s; ' % (n, n)
        # The body as a block of its own: its tail's temporaries are dropped before the
        # parameters, as in a fn (before 2024 they outlive the body's locals).
        body = ''.join(rebind(n) for n in names if n.replace('mut ', '').isidentifier()) + \
            'let __body = {%s}; __body' % body
        lifetime = re.search(r"'\w+", generics)
        borrows = ' + ' + lifetime.group(0) if lifetime else (" + '_" if '&' in params else '')
        out.append('%s %s%s(%s) -> impl Coroutine<u8, Yield = u8, Return = u8> + Unpin%s {\n'
                   '    #[coroutine] move |_: u8| -> u8 {%s}\n}' % (m.group(2), m.group(3), generics, params, borrows, body))
        i = end
    return ''.join(out)

def checks(src):
    """(start, end, call, [(args, stop)]) for each `check(|| call, &[...])`."""
    found = []
    for m in re.finditer(r'check\(\s*\|\|\s*', src):
        call_start = m.end()
        depth, j = 0, call_start
        while not (src[j] == ',' and depth == 0):
            if src[j] in '([{': depth += 1
            if src[j] in ')]}': depth -= 1
            j += 1
        call = src[call_start:j]
        arr = src.index('&[', j) + 1
        arr_end = matching(src, arr)
        cases = []
        for c in re.finditer(r'\(\s*&\[([^\]]*)\],\s*(\d+),\s*&\[', src[arr:arr_end]):
            cases.append((c.group(1), c.group(2)))
        found.append((arr, arr_end, call, cases))
    return found

def main(path):
    src = open(path).read()
    items = src.split('// --- tests ---')[0]
    # The module's own imports of coro and of the parent go; the prelude has `Pin`.
    items = re.sub(r'^\s*use (super|coro|std::pin::Pin|std::fmt::Write)\b.*?;\s*$', '', items, flags=re.M | re.S)
    items = re.sub(r'^\s*//!.*$', '', items, flags=re.M)
    items = re.sub(r'#!\[[^\]]*\]', '', items)
    found = checks(src)
    main_body = []
    for n, (_, _, call, cases) in enumerate(found):
        for args, stop in cases:
            main_body.append('println!("%d\\t{:?}", scenario(%s, &[%s], %s));' % (n, call, args, stop))
    prog = PRELUDE + native(items) + '\nfn main() {\n' + '\n'.join(main_body) + '\n}\n'
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, 'main.rs'), 'w').write(prog)
        exe = os.path.join(d, 'native')
        cmd = ['rustc', '+nightly', '--edition', '2021', '-o', exe, os.path.join(d, 'main.rs')]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            env = dict(os.environ, RUSTC_BOOTSTRAP='1')
            r = subprocess.run(cmd[:1] + cmd[2:], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            sys.stderr.write(prog + '\n' + r.stderr); sys.exit(1)
        out = subprocess.run([exe], capture_output=True, text=True).stdout
    traces = {}
    for line in out.splitlines():
        n, t = line.split('\t', 1)
        traces.setdefault(int(n), []).append(t)
    # Rewrite the trace arrays, last check first so indices stay valid.
    for n in reversed(range(len(found))):
        arr, arr_end, call, cases = found[n]
        text = src[arr:arr_end]
        pieces, k = [], 0
        for (args, stop), trace in zip(cases, traces[n]):
            m = re.compile(r'\(\s*&\[' + re.escape(args) + r'\],\s*' + stop + r',\s*&\[').search(text, k)
            t_open = m.end() - 1
            t_end = matching(text, t_open)
            pieces.append(text[k:t_open]); pieces.append(trace)
            k = t_end
        pieces.append(text[k:])
        new = ''.join(pieces)
        src = src[:arr] + new + src[arr_end:]
    open(path, 'w').write(src)

if __name__ == '__main__':
    main(sys.argv[1])
