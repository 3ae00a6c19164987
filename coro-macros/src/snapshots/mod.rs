//! Snapshot tests of the expansion: every change to the generated code shows up here.
//! Update them with `UPDATE_EXPECT=1 cargo test -p coro-macros`. Free fns here; delegation,
//! branches and methods in `branches.rs`.

mod branches;

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
        expect![[r##"
            #[must_use = "a coroutine does nothing until it is resumed: drive it, or delegate to it with `yield_from!`"]
            fn running_sum(
                start: u64,
            ) -> impl ::coro::Coroutine<u64, Yield = u64, Return = String> + ::core::marker::Unpin {
                #[allow(dead_code, non_camel_case_types, clippy::large_enum_variant)]
                enum State<T0, T1, T2> {
                    Start { start: T0 },
                    AfterYield1 { iter: T1, total: T2 },
                    Complete,
                    Poisoned,
                }
                let mut __state = State::Start { start };
                let __coro_tys = {
                    fn __coro_types<T0, T1, T2>(
                        _: &State<T0, T1, T2>,
                    ) -> (
                        ::core::marker::PhantomData<T0>,
                        ::core::marker::PhantomData<T1>,
                        ::core::marker::PhantomData<T2>,
                    ) {
                        (
                            ::core::marker::PhantomData::<T0>,
                            ::core::marker::PhantomData::<T1>,
                            ::core::marker::PhantomData::<T2>,
                        )
                    }
                    __coro_types(&__state)
                };
                #[allow(
                    unused_variables,
                    unused_mut,
                    unused_assignments,
                    unreachable_code,
                    clippy::all
                )]
                let _ = |start: u64| -> String {
                    let mut total = start;
                    ::coro::__private::witness(&__coro_tys.2, &total);
                    {
                        let mut __coro_iter = ::core::iter::IntoIterator::into_iter(
                            vec![1u64, 2, 3],
                        );
                        ::coro::__private::witness(&__coro_tys.1, &__coro_iter);
                        while let ::core::option::Option::Some(x) = ::core::iter::Iterator::next(
                            &mut __coro_iter,
                        ) {
                            let got = (::coro::__private::resumed::<u64, u64>(total + x));
                            total += got;
                        }
                    }
                    format!("total={total}")
                };
                ::coro::Gen::new(
                    #[inline(always)]
                    move |__arg: u64| -> ::core::option::Option<::coro::CoroutineState<u64, String>> {
                        match ::core::mem::replace(&mut __state, State::Poisoned) {
                            #[allow(
                                unused_mut,
                                unused_variables,
                                unused_braces,
                                unused_parens,
                                unused_unsafe
                            )]
                            State::Start { start } => {
                                ::core::mem::drop(__arg);
                                let __block = {
                                    let mut total = start;
                                    {
                                        let mut __iter = ::core::iter::IntoIterator::into_iter(
                                            vec![1u64, 2, 3],
                                        );
                                        '__then1: {
                                            match ::core::iter::Iterator::next(&mut __iter) {
                                                ::core::option::Option::Some(x) => {
                                                    let __yield_value = total + x;
                                                    ::coro::__private::store(
                                                        &mut __state,
                                                        State::AfterYield1 {
                                                            iter: __iter,
                                                            total,
                                                        },
                                                    );
                                                    return ::core::option::Option::Some(
                                                        ::coro::CoroutineState::Yielded(__yield_value),
                                                    );
                                                }
                                                ::core::option::Option::None => break '__then1,
                                            }
                                        }
                                    }
                                    format!("total={total}")
                                };
                                {
                                    let __return_value = __block;
                                    ::coro::__private::store(&mut __state, State::Complete);
                                    return ::core::option::Option::Some(
                                        ::coro::CoroutineState::Complete(__return_value),
                                    );
                                }
                            }
                            #[allow(
                                unused_mut,
                                unused_variables,
                                unused_braces,
                                unused_parens,
                                unused_unsafe
                            )]
                            State::AfterYield1 { total: __saved_total, iter: __saved_iter } => {
                                let __block = {
                                    let mut total = __saved_total;
                                    {
                                        let mut __iter = __saved_iter;
                                        {
                                            let got = __arg;
                                            total += got;
                                        }
                                        '__then1: {
                                            match ::core::iter::Iterator::next(&mut __iter) {
                                                ::core::option::Option::Some(x) => {
                                                    let __yield_value = total + x;
                                                    ::coro::__private::store(
                                                        &mut __state,
                                                        State::AfterYield1 {
                                                            iter: __iter,
                                                            total,
                                                        },
                                                    );
                                                    return ::core::option::Option::Some(
                                                        ::coro::CoroutineState::Yielded(__yield_value),
                                                    );
                                                }
                                                ::core::option::Option::None => break '__then1,
                                            }
                                        }
                                    }
                                    format!("total={total}")
                                };
                                {
                                    let __return_value = __block;
                                    ::coro::__private::store(&mut __state, State::Complete);
                                    return ::core::option::Option::Some(
                                        ::coro::CoroutineState::Complete(__return_value),
                                    );
                                }
                            }
                            State::Complete => {
                                ::coro::__private::store(&mut __state, State::Complete);
                                return ::core::option::Option::None;
                            }
                            State::Poisoned => ::coro::__private::resumed_after_panic(),
                        }
                    },
                )
            }
        "##]],
    );
}

#[test]
fn countdown_iterator() {
    check(
        quote!(yield = u32),
        quote! {
            /// Counts down.
            pub fn countdown(n: u32) {
                let mut i = n;
                while i > 0 {
                    yield_!(i);
                    i -= 1;
                }
            }
        },
        expect![[r#"
            /// Counts down.
            #[must_use = "a coroutine does nothing until it is resumed: drive it, or delegate to it with `yield_from!`"]
            pub fn countdown(
                n: u32,
            ) -> impl ::coro::Coroutine<
                (),
                Yield = u32,
                Return = (),
            > + ::core::marker::Unpin + ::core::iter::Iterator<Item = u32> {
                #[allow(dead_code, non_camel_case_types, clippy::large_enum_variant)]
                enum State<T0, T1> {
                    Start { n: T0 },
                    AfterYield1 { i: T1 },
                    Complete,
                    Poisoned,
                }
                let mut __state = State::Start { n };
                let __coro_tys = {
                    fn __coro_types<T0, T1>(
                        _: &State<T0, T1>,
                    ) -> (::core::marker::PhantomData<T0>, ::core::marker::PhantomData<T1>) {
                        (::core::marker::PhantomData::<T0>, ::core::marker::PhantomData::<T1>)
                    }
                    __coro_types(&__state)
                };
                #[allow(
                    unused_variables,
                    unused_mut,
                    unused_assignments,
                    unreachable_code,
                    clippy::all
                )]
                let _ = |n: u32| -> () {
                    let mut i = n;
                    ::coro::__private::witness(&__coro_tys.1, &i);
                    while i > 0 {
                        (::coro::__private::resumed::<(), u32>(i));
                        i -= 1;
                    }
                };
                ::coro::Gen::new(
                    #[inline(always)]
                    move |__arg: ()| -> ::core::option::Option<::coro::CoroutineState<u32, ()>> {
                        match ::core::mem::replace(&mut __state, State::Poisoned) {
                            #[allow(
                                unused_mut,
                                unused_variables,
                                unused_braces,
                                unused_parens,
                                unused_unsafe
                            )]
                            State::Start { n } => {
                                ::core::mem::drop(__arg);
                                let __block = {
                                    let mut i = n;
                                    '__then1: {
                                        if i > 0 {
                                            {
                                                {
                                                    {
                                                        let __yield_value = i;
                                                        ::coro::__private::store(
                                                            &mut __state,
                                                            State::AfterYield1 { i },
                                                        );
                                                        return ::core::option::Option::Some(
                                                            ::coro::CoroutineState::Yielded(__yield_value),
                                                        );
                                                    }
                                                }
                                            }
                                        } else {
                                            break '__then1
                                        }
                                    }
                                };
                                {
                                    let __return_value = __block;
                                    ::coro::__private::store(&mut __state, State::Complete);
                                    return ::core::option::Option::Some(
                                        ::coro::CoroutineState::Complete(__return_value),
                                    );
                                }
                            }
                            #[allow(
                                unused_mut,
                                unused_variables,
                                unused_braces,
                                unused_parens,
                                unused_unsafe
                            )]
                            State::AfterYield1 { i: __saved_i } => {
                                let __block = {
                                    let mut i = __saved_i;
                                    ::core::mem::drop(__arg);
                                    i -= 1;
                                    '__then1: {
                                        if i > 0 {
                                            {
                                                {
                                                    {
                                                        let __yield_value = i;
                                                        ::coro::__private::store(
                                                            &mut __state,
                                                            State::AfterYield1 { i },
                                                        );
                                                        return ::core::option::Option::Some(
                                                            ::coro::CoroutineState::Yielded(__yield_value),
                                                        );
                                                    }
                                                }
                                            }
                                        } else {
                                            break '__then1
                                        }
                                    }
                                };
                                {
                                    let __return_value = __block;
                                    ::coro::__private::store(&mut __state, State::Complete);
                                    return ::core::option::Option::Some(
                                        ::coro::CoroutineState::Complete(__return_value),
                                    );
                                }
                            }
                            State::Complete => {
                                ::coro::__private::store(&mut __state, State::Complete);
                                return ::core::option::Option::None;
                            }
                            State::Poisoned => ::coro::__private::resumed_after_panic(),
                        }
                    },
                )
            }
        "#]],
    );
}
