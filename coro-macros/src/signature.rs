//! Stage 2b: the outer fn's signature.
//!
//! The fn keeps its name, generics, parameters, attributes and visibility; its return type
//! becomes `impl Coroutine<A, Yield = Y, Return = R>`. Elided lifetimes in the parameters are
//! named (`&self` becomes `&'__coro0 self`) so the returned coroutine can be said to capture
//! them, which edition 2021 requires to be written (`Captures<…>`); elided lifetimes in the
//! yield, resume and return types follow the usual elision rules.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::visit_mut::{self, VisitMut};
use syn::{FnArg, GenericParam, Ident, Lifetime, Pat, Signature, Type};

use crate::args::{is_unit, Args};

pub struct Param {
    /// The name the body refers to it by (`__self` for the receiver).
    pub name: Ident,
    /// Declared as an owned value: `self`, `String`, `Vec<T>`… (not a reference).
    pub owned: bool,
    /// Declared with a primitive type (`u64`, `bool`…), so `Copy`.
    pub copy: bool,
    /// Declared with a named type that is not a number (`D`, `String`; not a primitive, a
    /// generic parameter, `Self` or a reference).
    pub not_a_number: bool,
    /// Known to have nothing to drop (a `&mut` reference).
    pub trivial_drop: bool,
    /// Its declared type (`&'a Self` for `&self`), for the type-discovery pass.
    pub ty: Type,
    /// The expression that moves it into the start state, in the outer fn.
    pub outer: TokenStream,
    pub mutable: bool,
    /// Declared `&mut T` (or `&mut self`) and never reassigned (`mut` is not written): a state
    /// may keep it as a pointer (see `reborrow`).
    pub exclusive: bool,
}

pub struct Prepared {
    pub sig: Signature,
    pub params: Vec<Param>,
    /// `let pattern = __coro_argN;` for parameters written as patterns.
    pub prelude: Vec<syn::Stmt>,
    pub has_receiver: bool,
    pub yield_ty: Type,
    pub resume_ty: Type,
    pub return_ty: Type,
    /// The resume type leaves a lifetime out: the coroutine accepts any lifetime at each resume.
    pub resume_any_lifetime: bool,
}

/// `&mut T`, also behind parentheses.
fn exclusive_reference(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => r.mutability.is_some(),
        Type::Paren(p) => exclusive_reference(&p.elem),
        _ => false,
    }
}

pub fn prepare(sig: &Signature, args: &Args) -> syn::Result<Prepared> {
    let mut sig = sig.clone();
    let krate = &args.krate;

    // Name the elided lifetimes of the inputs.
    let mut namer = Namer {
        next: 0,
        named: Vec::new(),
    };
    let mut receiver_lifetime = None;
    for input in sig.inputs.iter_mut() {
        match input {
            FnArg::Receiver(r) => {
                if let Some((_, lt)) = &mut r.reference {
                    if lt.is_none() {
                        *lt = Some(namer.fresh());
                    }
                    receiver_lifetime = lt.clone();
                    // Keep the receiver's type in step with its reference.
                    let l = lt.clone();
                    let m = r.mutability;
                    *r.ty = syn::parse_quote!(&#l #m Self);
                } else {
                    namer.visit_type_mut(&mut r.ty);
                }
            }
            FnArg::Typed(t) => namer.visit_type_mut(&mut t.ty),
        }
    }
    for l in &namer.named {
        sig.generics
            .params
            .push(GenericParam::Lifetime(syn::LifetimeParam::new(l.clone())));
    }

    let all_lifetimes: Vec<Lifetime> = sig
        .generics
        .lifetimes()
        .map(|l| l.lifetime.clone())
        .collect();
    let elision = receiver_lifetime.or_else(|| {
        // The lifetime of the only reference-like input, if there is exactly one.
        let mut found = Vec::new();
        for input in &sig.inputs {
            if let FnArg::Typed(t) = input {
                collect_lifetimes(&t.ty, &mut found);
            }
        }
        found.dedup();
        if found.len() == 1 {
            found.pop()
        } else {
            None
        }
    });

    let mut yield_ty = args.yield_ty.clone();
    let resume_ty = args.resume_ty.clone();
    let mut return_ty: Type = match &sig.output {
        syn::ReturnType::Default => syn::parse_quote!(()),
        syn::ReturnType::Type(_, ty) => (**ty).clone(),
    };
    if let Some(l) = &elision {
        let mut e = Elider {
            lifetime: l.clone(),
        };
        e.visit_type_mut(&mut yield_ty);
        e.visit_type_mut(&mut return_ty);
    }

    // Parameters: simple names are kept; patterns are bound in the body.
    let generic_types: Vec<String> = sig
        .generics
        .type_params()
        .map(|t| t.ident.to_string())
        .collect();
    let mut params = Vec::new();
    let mut prelude = Vec::new();
    let mut has_receiver = false;
    for (i, input) in sig.inputs.iter_mut().enumerate() {
        match input {
            FnArg::Receiver(r) => {
                has_receiver = true;
                let mutable = r.mutability.is_some() && r.reference.is_none();
                if r.reference.is_none() {
                    r.mutability = None;
                }
                params.push(Param {
                    name: Ident::new("__self", Span::call_site()),
                    outer: quote!(self),
                    mutable,
                    owned: r.reference.is_none() && r.colon_token.is_none(),
                    // `&self` is a shared reference, `&mut self` one with nothing to drop.
                    copy: r.reference.is_some() && r.mutability.is_none(),
                    not_a_number: false,
                    trivial_drop: r.reference.is_some(),
                    exclusive: !mutable && exclusive_reference(&r.ty),
                    ty: (*r.ty).clone(),
                });
            }
            FnArg::Typed(t) => match &mut *t.pat {
                Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => {
                    let mutable = p.mutability.take().is_some();
                    params.push(Param {
                        name: p.ident.clone(),
                        outer: p.ident.to_token_stream(),
                        mutable,
                        owned: owned_type(&t.ty),
                        not_a_number: named_type(&t.ty, &generic_types),
                        copy: crate::syntax::guess::surely_copy(&t.ty),
                        trivial_drop: matches!(&*t.ty, Type::Reference(_)),
                        exclusive: !mutable && exclusive_reference(&t.ty),
                        ty: (*t.ty).clone(),
                    });
                }
                pat => {
                    let name = Ident::new(&format!("__coro_arg{i}"), Span::call_site());
                    let ty = (*t.ty).clone();
                    let original = pat.clone();
                    prelude.push(syn::parse_quote!(let #original = #name;));
                    *pat = syn::parse_quote!(#name);
                    params.push(Param {
                        name: name.clone(),
                        outer: name.to_token_stream(),
                        mutable: false,
                        owned: false,
                        copy: false,
                        not_a_number: false,
                        trivial_drop: false,
                        exclusive: false,
                        ty,
                    });
                }
            },
        }
    }

    // A lifetime left out of the resume type (`resume = Option<&[u8]>`, natural for a push
    // parser fed slices) is a lifetime of each resume, as for rustc's coroutine closures: the
    // coroutine resumes with a value of any lifetime (`impl for<'r> Coroutine<Option<&'r [u8]>>`),
    // and the step closure's parameter, written with the lifetime left out, is as general.
    let mut resume_bound = resume_ty.clone();
    let higher_ranked = {
        let r: Lifetime = syn::parse_quote!('__resume);
        let before = resume_bound.to_token_stream().to_string();
        Elider {
            lifetime: r.clone(),
        }
        .visit_type_mut(&mut resume_bound);
        (resume_bound.to_token_stream().to_string() != before).then(|| quote!(for<#r>))
    };

    // The returned coroutine's type.
    let iterator = if is_unit(&resume_ty) {
        quote!(+ ::core::iter::Iterator<Item = #yield_ty>)
    } else {
        quote!()
    };
    let clone = if args.clone {
        quote!(+ ::core::clone::Clone)
    } else {
        quote!()
    };
    let captures = if all_lifetimes.is_empty() {
        quote!()
    } else {
        quote!(+ #krate::__private::Captures<(#(&#all_lifetimes (),)*)>)
    };
    let captures_self = if has_receiver {
        quote!(+ #krate::__private::Captures<::core::marker::PhantomData<Self>>)
    } else {
        quote!()
    };
    let output: Type = match args.boxed {
        // A named type, so that the fn can delegate to itself (`yield_from!(walk(child))`,
        // which an opaque `impl Coroutine` cannot: E0720). Everything the coroutine holds
        // outlives a fresh lifetime, the trait object's.
        Some(span) => {
            if higher_ranked.is_some() {
                return Err(syn::Error::new(
                    span,
                    "a `boxed` coroutine's resume type must name its lifetimes (`resume = &'a [u8]` with `'a` a lifetime parameter of the fn)",
                ));
            }
            let lt: Lifetime = syn::parse_quote!('__coro);
            let held: Vec<Type> = params.iter().map(|p| p.ty.clone()).collect();
            sig.generics
                .params
                .push(GenericParam::Lifetime(syn::LifetimeParam::new(lt.clone())));
            let where_clause = sig.generics.make_where_clause();
            for ty in &held {
                where_clause.predicates.push(syn::parse_quote!(#ty: #lt));
            }
            if has_receiver {
                where_clause.predicates.push(syn::parse_quote!(Self: #lt));
            }
            syn::parse_quote!(#krate::Boxed<#lt, #resume_ty, #yield_ty, #return_ty>)
        }
        None => syn::parse_quote! {
            impl #higher_ranked #krate::Coroutine<#resume_bound, Yield = #yield_ty, Return = #return_ty>
                + ::core::marker::Unpin #iterator #clone #captures #captures_self
        },
    };
    sig.output = syn::ReturnType::Type(Default::default(), Box::new(output));

    Ok(Prepared {
        sig,
        params,
        prelude,
        has_receiver,
        yield_ty,
        resume_any_lifetime: higher_ranked.is_some(),
        resume_ty,
        return_ty,
    })
}

/// Collections and strings, which a parameter owns when declared with them.
fn named_type(ty: &Type, generic_types: &[String]) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            name != "Self"
                && !generic_types.contains(&name)
                && !crate::syntax::guess::surely_copy(ty)
                && !crate::syntax::guess::primitive_type(ty)
        }),
        _ => false,
    }
}

fn owned_type(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            [
                "String", "Vec", "VecDeque", "HashMap", "BTreeMap", "HashSet", "BTreeSet",
            ]
            .contains(&s.ident.to_string().as_str())
        }),
        _ => false,
    }
}

/// Whether a type contains `impl Trait` (not writable in a closure's signature).
pub fn contains_impl_trait(ty: &Type) -> bool {
    struct Finder(bool);
    impl syn::visit::Visit<'_> for Finder {
        fn visit_type_impl_trait(&mut self, _: &syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut f = Finder(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

/// Names elided lifetimes: `&T` → `&'__coroN T`, `'_` → `'__coroN`.
struct Namer {
    next: usize,
    named: Vec<Lifetime>,
}

impl Namer {
    fn fresh(&mut self) -> Lifetime {
        let l = Lifetime::new(&format!("'__coro{}", self.next), Span::call_site());
        self.next += 1;
        self.named.push(l.clone());
        l
    }
}

impl VisitMut for Namer {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.fresh());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.fresh();
        }
    }
    // Their own elision scopes.
    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
    fn visit_parenthesized_generic_arguments_mut(
        &mut self,
        _: &mut syn::ParenthesizedGenericArguments,
    ) {
    }
    fn visit_type_impl_trait_mut(&mut self, _: &mut syn::TypeImplTrait) {}
    fn visit_type_trait_object_mut(&mut self, t: &mut syn::TypeTraitObject) {
        for b in t.bounds.iter_mut() {
            if let syn::TypeParamBound::Lifetime(l) = b {
                self.visit_lifetime_mut(l);
            }
        }
    }
}

/// Fills elided lifetimes in an output type with the elision rules' choice.
struct Elider {
    lifetime: Lifetime,
}

impl VisitMut for Elider {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.lifetime.clone());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.lifetime.clone();
        }
    }
    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
    fn visit_parenthesized_generic_arguments_mut(
        &mut self,
        _: &mut syn::ParenthesizedGenericArguments,
    ) {
    }
}

fn collect_lifetimes(ty: &Type, out: &mut Vec<Lifetime>) {
    struct C<'a>(&'a mut Vec<Lifetime>);
    impl syn::visit::Visit<'_> for C<'_> {
        fn visit_lifetime(&mut self, l: &Lifetime) {
            if !self.0.contains(l) {
                self.0.push(l.clone());
            }
        }
        fn visit_type_bare_fn(&mut self, _: &syn::TypeBareFn) {}
    }
    syn::visit::Visit::visit_type(&mut C(out), ty);
}
