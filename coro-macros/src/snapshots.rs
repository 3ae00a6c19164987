//! Snapshot tests of the expansion: every change to the generated code shows up here.
//! Update them with `UPDATE_EXPECT=1 cargo test -p coro-macros`.

use expect_test::{expect, Expect};
use quote::quote;

fn expand(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
    let out = crate::expand::expand(attr, item).unwrap_or_else(|e| e.to_compile_error());
    match syn::parse2::<syn::File>(out.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => out.to_string(),
    }
}

fn check(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream, expected: Expect) {
    expected.assert_eq(&expand(attr, item));
}

#[test]
fn running_sum() {
    check(
        quote!(yield = u64, resume = u64),
        quote! {
            fn running_sum(start: u64) -> String {
                let mut total = start;
                for x in vec![1u64, 2, 3] {
                    let got = yield_!(total + x);
                    total += got;
                }
                format!("total={total}")
            }
        },
        expect![[r#"
            fn running_sum(
                start: u64,
            ) -> impl ::coro::Coroutine<u64, Yield = u64, Return = String> + ::core::marker::Unpin {
                #[allow(dead_code, non_camel_case_types, clippy::large_enum_variant)]
                enum State<T0, T1, T2, T3, T4, T5, T6> {
                    Start { start: T0 },
                    LoopHead1 { iter2: T1, total: T2 },
                    AfterYield1 { iter2: T3, total: T4 },
                    LoopExit1 { iter2: T5, total: T6 },
                    Complete,
                    Poisoned,
                }
                let mut __state = State::Start { start: start };
                ::coro::Gen::new(move |
                    __arg: u64,
                | -> ::core::option::Option<::coro::CoroutineState<u64, String>> {
                    let mut __arg = ::core::option::Option::Some(__arg);
                    '__dispatch: loop {
                        match ::core::mem::replace(&mut __state, State::Poisoned) {
                            #[allow(unused_mut, unused_variables)]
                            State::Start { start: start } => {
                                ::core::mem::drop(::coro::__private::take_arg(&mut __arg));
                                {
                                    let mut total = start;
                                    {
                                        let mut __iter2 = ::core::iter::IntoIterator::into_iter(
                                            vec![1u64, 2, 3],
                                        );
                                        {
                                            __state = State::LoopHead1 {
                                                iter2: __iter2,
                                                total: total,
                                            };
                                            continue '__dispatch;
                                        }
                                    }
                                }
                            }
                            #[allow(unused_mut, unused_variables)]
                            State::LoopHead1 { total: mut total, iter2: mut __iter2 } => {
                                match ::core::iter::Iterator::next(&mut __iter2) {
                                    ::core::option::Option::Some(x) => {
                                        let __yielded = total + x;
                                        __state = State::AfterYield1 {
                                            iter2: __iter2,
                                            total: total,
                                        };
                                        return ::core::option::Option::Some(
                                            ::coro::CoroutineState::Yielded(__yielded),
                                        );
                                    }
                                    ::core::option::Option::None => {
                                        __state = State::LoopExit1 {
                                            iter2: __iter2,
                                            total: total,
                                        };
                                        continue '__dispatch;
                                    }
                                }
                            }
                            #[allow(unused_mut, unused_variables)]
                            State::AfterYield1 { total: mut total, iter2: mut __iter2 } => {
                                {
                                    let __init3 = {
                                        let __resumed4 = ::coro::__private::take_arg(&mut __arg);
                                        __resumed4
                                    };
                                    let got = __init3;
                                    total += got;
                                }
                                {
                                    __state = State::LoopHead1 {
                                        iter2: __iter2,
                                        total: total,
                                    };
                                    continue '__dispatch;
                                }
                            }
                            #[allow(unused_mut, unused_variables)]
                            State::LoopExit1 { total: __saved_total, iter2: __saved_iter2 } => {
                                let __block1 = {
                                    let mut total = __saved_total;
                                    {
                                        let mut __iter2 = __saved_iter2;
                                    }
                                    format!("total={total}")
                                };
                                {
                                    let __returned = __block1;
                                    __state = State::Complete;
                                    return ::core::option::Option::Some(
                                        ::coro::CoroutineState::Complete(__returned),
                                    );
                                }
                            }
                            State::Complete => {
                                __state = State::Complete;
                                return ::core::option::Option::None;
                            }
                            State::Poisoned => ::coro::__private::resumed_after_panic(),
                        }
                    }
                })
            }
        "#]],
    );
}

#[test]
fn dump_for_debugging() {
    let Ok(path) = std::env::var("CORO_DUMP") else {
        return;
    };
    let src = std::fs::read_to_string(path).unwrap();
    let file: syn::File = syn::parse_str(&src).unwrap();
    for item in file.items {
        if let syn::Item::Fn(mut f) = item {
            let attr = f.attrs.remove(0);
            let args = match attr.meta {
                syn::Meta::List(l) => l.tokens,
                _ => quote!(),
            };
            println!("{}", expand(args, quote::ToTokens::to_token_stream(&f)));
        }
    }
}
