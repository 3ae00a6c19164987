//! Snapshots of delegation, branches, methods and errors.

use super::check;
use expect_test::expect;
use quote::quote;

#[test]
fn delegation_and_branches() {
    check(
        quote!(yield = u8, resume = u8),
        quote! {
            fn outer(flag: bool) -> u8 {
                let got = if flag { yield_from!(inner()) } else { 0 };
                got + 1
            }
        },
        expect![[r##"
            #[must_use = "a coroutine does nothing until it is resumed: drive it, or delegate to it with `yield_from!`"]
            fn outer(
                flag: bool,
            ) -> impl ::coro::Coroutine<u8, Yield = u8, Return = u8> + ::core::marker::Unpin {
                #[allow(dead_code, non_camel_case_types, clippy::large_enum_variant)]
                enum State<T0, T1, T2> {
                    Start { flag: T0 },
                    AfterYieldFrom1 { delegate: T1 },
                    Join2 { value: T2 },
                    Complete,
                    Poisoned,
                }
                let mut __state = State::Start { flag };
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
                let _ = |flag: bool| -> u8 {
                    let got = if flag {
                        (::coro::__private::delegated::<u8, _>(inner()))
                    } else {
                        0
                    };
                    got + 1
                };
                ::coro::Gen::new(move |
                    __arg: u8,
                | -> ::core::option::Option<::coro::CoroutineState<u8, u8>> {
                    let mut __poison_on_unwind = ::coro::__private::PoisonOnUnwind::new(
                        &mut __state,
                        || State::Poisoned,
                    );
                    let __step = {
                        let __state = __poison_on_unwind.state();
                        (|| -> ::core::option::Option<::coro::CoroutineState<u8, u8>> {
                            '__dispatch: loop {
                                match &mut *__state {
                                    #[allow(
                                        unused_mut,
                                        unused_variables,
                                        unused_braces,
                                        unused_unsafe
                                    )]
                                    State::Start { .. } => {
                                        let State::Start { flag } = ::core::mem::replace(
                                            __state,
                                            State::Poisoned,
                                        ) else { ::core::unreachable!() };
                                        ::core::mem::drop(__arg);
                                        {
                                            {
                                                if flag {
                                                    let __block_1 = {
                                                        let mut __delegate = inner();
                                                        let __returned = '__then1: {
                                                            match ::coro::Coroutine::resume(
                                                                ::core::pin::Pin::new(&mut __delegate),
                                                                ::coro::__private::priming_arg(),
                                                            ) {
                                                                ::coro::CoroutineState::Yielded(__yielded) => {
                                                                    ::coro::__private::store(
                                                                        __state,
                                                                        State::AfterYieldFrom1 {
                                                                            delegate: __delegate,
                                                                        },
                                                                    );
                                                                    return ::core::option::Option::Some(
                                                                        ::coro::CoroutineState::Yielded(__yielded),
                                                                    );
                                                                }
                                                                ::coro::CoroutineState::Complete(__complete) => {
                                                                    break '__then1 __complete;
                                                                }
                                                            }
                                                        };
                                                        __returned
                                                    };
                                                    {
                                                        let __jump_value = __block_1;
                                                        ::coro::__private::store(
                                                            __state,
                                                            State::Join2 {
                                                                value: __jump_value,
                                                            },
                                                        );
                                                        continue '__dispatch;
                                                    }
                                                } else {
                                                    {
                                                        let __jump_value = { 0 };
                                                        ::coro::__private::store(
                                                            __state,
                                                            State::Join2 {
                                                                value: __jump_value,
                                                            },
                                                        );
                                                        continue '__dispatch;
                                                    }
                                                }
                                            }
                                        }
                                    }
                                    #[allow(
                                        unused_mut,
                                        unused_variables,
                                        unused_braces,
                                        unused_unsafe
                                    )]
                                    State::AfterYieldFrom1 { delegate: __delegate } => {
                                        let __sent = __arg;
                                        let __returned = '__then1: {
                                            match ::coro::Coroutine::resume(
                                                ::core::pin::Pin::new(&mut (*__delegate)),
                                                __sent,
                                            ) {
                                                ::coro::CoroutineState::Yielded(__yielded_1) => {
                                                    let __yield_value = __yielded_1;
                                                    return ::core::option::Option::Some(
                                                        ::coro::CoroutineState::Yielded(__yield_value),
                                                    );
                                                }
                                                ::coro::CoroutineState::Complete(__complete_1) => {
                                                    break '__then1 __complete_1;
                                                }
                                            }
                                        };
                                        let State::AfterYieldFrom1 { delegate: __moved_delegate } = ::core::mem::replace(
                                            __state,
                                            State::Poisoned,
                                        ) else { ::core::unreachable!() };
                                        let __block_1 = {
                                            let mut __delegate = __moved_delegate;
                                            let __returned = __returned;
                                            __returned
                                        };
                                        {
                                            let __jump_value = __block_1;
                                            ::coro::__private::store(
                                                __state,
                                                State::Join2 {
                                                    value: __jump_value,
                                                },
                                            );
                                            continue '__dispatch;
                                        }
                                    }
                                    #[allow(
                                        unused_mut,
                                        unused_variables,
                                        unused_braces,
                                        unused_unsafe
                                    )]
                                    State::Join2 { .. } => {
                                        let State::Join2 { value: __saved_value } = ::core::mem::replace(
                                            __state,
                                            State::Poisoned,
                                        ) else { ::core::unreachable!() };
                                        let __block = {
                                            let __init = {
                                                let __value = __saved_value;
                                                __value
                                            };
                                            let got = __init;
                                            got + 1
                                        };
                                        {
                                            let __return_value = __block;
                                            ::coro::__private::store(__state, State::Complete);
                                            return ::core::option::Option::Some(
                                                ::coro::CoroutineState::Complete(__return_value),
                                            );
                                        }
                                    }
                                    State::Complete => {
                                        return ::core::option::Option::None;
                                    }
                                    State::Poisoned => ::coro::__private::resumed_after_panic(),
                                }
                            }
                        })()
                    };
                    __poison_on_unwind.disarm();
                    __step
                })
            }
        "##]],
    );
}

#[test]
fn method_with_question_mark() {
    check(
        quote!(yield = String),
        quote! {
            fn lines(&self) -> Result<usize, std::num::ParseIntError> {
                let n: usize = self.count.parse()?;
                for i in 0..n {
                    yield_!(format!("{}-{i}", self.name));
                }
                Ok(n)
            }
        },
        expect![[r##"
            #[must_use = "a coroutine does nothing until it is resumed: drive it, or delegate to it with `yield_from!`"]
            fn lines<'__coro0>(
                &'__coro0 self,
            ) -> impl ::coro::Coroutine<
                (),
                Yield = String,
                Return = Result<usize, std::num::ParseIntError>,
            > + ::core::marker::Unpin + ::core::iter::Iterator<
                Item = String,
            > + ::coro::__private::Captures<
                (&'__coro0 (),),
            > + ::coro::__private::Captures<::core::marker::PhantomData<Self>> {
                #[allow(dead_code, non_camel_case_types, clippy::large_enum_variant)]
                enum State<T0, T1, T2> {
                    Start { self_: T0 },
                    AfterYield1 { iter: T1, n: T2, self_: T0 },
                    Complete,
                    Poisoned,
                }
                let mut __state = State::Start { self_: self };
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
                let _ = |__self: &'__coro0 Self| -> Result<usize, std::num::ParseIntError> {
                    let n: usize = __self.count.parse()?;
                    ::coro::__private::witness(&__coro_tys.2, &n);
                    {
                        let mut __coro_iter = ::core::iter::IntoIterator::into_iter(0..n);
                        ::coro::__private::witness(&__coro_tys.1, &__coro_iter);
                        while let ::core::option::Option::Some(i) = ::core::iter::Iterator::next(
                            &mut __coro_iter,
                        ) {
                            (::coro::__private::resumed::<
                                (),
                                String,
                            >(format!("{}-{i}", __self.name)));
                        }
                    }
                    Ok(n)
                };
                ::coro::Gen::new(move |
                    __arg: (),
                | -> ::core::option::Option<
                    ::coro::CoroutineState<String, Result<usize, std::num::ParseIntError>>,
                > {
                    let mut __poison_on_unwind = ::coro::__private::PoisonOnUnwind::new(
                        &mut __state,
                        || State::Poisoned,
                    );
                    let __step = {
                        let __state = __poison_on_unwind.state();
                        (|| -> ::core::option::Option<
                            ::coro::CoroutineState<String, Result<usize, std::num::ParseIntError>>,
                        > {
                            match &mut *__state {
                                #[allow(unused_mut, unused_variables, unused_braces, unused_unsafe)]
                                State::Start { .. } => {
                                    let State::Start { self_: __self } = ::core::mem::replace(
                                        __state,
                                        State::Poisoned,
                                    ) else { ::core::unreachable!() };
                                    ::core::mem::drop(__arg);
                                    let __block = {
                                        let n: usize = match ::coro::__private::Try::branch(
                                            __self.count.parse(),
                                        ) {
                                            ::core::ops::ControlFlow::Continue(__ok) => __ok,
                                            ::core::ops::ControlFlow::Break(__residual) => {
                                                let __return_value = ::coro::__private::FromResidual::from_residual(
                                                    __residual,
                                                );
                                                ::coro::__private::store(__state, State::Complete);
                                                return ::core::option::Option::Some(
                                                    ::coro::CoroutineState::Complete(__return_value),
                                                );
                                            }
                                        };
                                        {
                                            let mut __iter = ::core::iter::IntoIterator::into_iter(
                                                0..n,
                                            );
                                            '__then1: {
                                                match ::core::iter::Iterator::next(&mut __iter) {
                                                    ::core::option::Option::Some(i) => {
                                                        let __yield_value = format!("{}-{i}", __self.name);
                                                        ::coro::__private::store(
                                                            __state,
                                                            State::AfterYield1 {
                                                                iter: __iter,
                                                                n,
                                                                self_: __self,
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
                                        Ok(n)
                                    };
                                    {
                                        let __return_value = __block;
                                        ::coro::__private::store(__state, State::Complete);
                                        return ::core::option::Option::Some(
                                            ::coro::CoroutineState::Complete(__return_value),
                                        );
                                    }
                                }
                                #[allow(unused_mut, unused_variables, unused_braces, unused_unsafe)]
                                State::AfterYield1 { self_: __self, n, iter: __iter } => {
                                    ::core::mem::drop(__arg);
                                    '__then1: {
                                        match ::core::iter::Iterator::next(&mut (*__iter)) {
                                            ::core::option::Option::Some(i) => {
                                                let __yield_value = format!("{}-{i}", (* __self).name);
                                                return ::core::option::Option::Some(
                                                    ::coro::CoroutineState::Yielded(__yield_value),
                                                );
                                            }
                                            ::core::option::Option::None => break '__then1,
                                        }
                                    }
                                    let State::AfterYield1 {
                                        self_: __moved_self_,
                                        n: __moved_n,
                                        iter: __moved_iter,
                                    } = ::core::mem::replace(__state, State::Poisoned) else {
                                        ::core::unreachable!()
                                    };
                                    let __self = __moved_self_;
                                    let __block = {
                                        let n = __moved_n;
                                        {
                                            let mut __iter = __moved_iter;
                                        }
                                        Ok(n)
                                    };
                                    {
                                        let __return_value = __block;
                                        ::coro::__private::store(__state, State::Complete);
                                        return ::core::option::Option::Some(
                                            ::coro::CoroutineState::Complete(__return_value),
                                        );
                                    }
                                }
                                State::Complete => {
                                    return ::core::option::Option::None;
                                }
                                State::Poisoned => ::coro::__private::resumed_after_panic(),
                            }
                        })()
                    };
                    __poison_on_unwind.disarm();
                    __step
                })
            }
        "##]],
    );
}

#[test]
fn errors_are_spanned_compile_errors() {
    check(
        quote!(yield = u8, bogus),
        quote! { fn f() {} },
        expect![[r#"
            ::core::compile_error! {
                "unknown option `bogus` for #[coro::coroutine]: expected one of `yield = Type`, `resume = Type`, `task`, `clone`, `boxed`, `crate = path`"
            }
        "#]],
    );
}
