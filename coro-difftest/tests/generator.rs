//! The generator on its own (no builds): every feature appears, and the settings of the CI
//! batch never produce the constructs it leaves out.

use std::collections::BTreeSet;

use coro_difftest::config::CI_DISABLED;
use coro_difftest::render::{module, Form};
use coro_difftest::{generate, program_seed, Config, Feature};

#[test]
fn every_feature_is_generated_with_config_all() {
    let mut cfg = Config::all();
    cfg.edition = 2024;
    let mut seen = BTreeSet::new();
    for i in 0..1500 {
        let p = generate(program_seed(7, i), &cfg);
        for form in [Form::Coro, Form::Native] {
            assert!(!module(&p, form).is_empty());
        }
        seen.extend(p.features());
    }
    let missing: Vec<&str> = Feature::ALL
        .iter()
        .filter(|f| !seen.contains(f))
        .map(|f| f.name())
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

#[test]
fn the_ci_config_leaves_out_its_disabled_features() {
    let cfg = Config::ci();
    for i in 0..300 {
        let p = generate(program_seed(3, i), &cfg);
        let got = p.features();
        for f in CI_DISABLED {
            assert!(!got.contains(f), "seed {}: {f} in a CI program", p.seed);
        }
    }
}

#[test]
fn let_chains_only_in_edition_2024() {
    let cfg = Config::all();
    assert_eq!(cfg.edition, 2021);
    for i in 0..300 {
        let p = generate(program_seed(5, i), &cfg);
        assert!(!p.features().contains(&Feature::YieldLetChain));
        assert!(!module(&p, Form::Coro).contains("&& let "));
    }
}

#[test]
fn the_findings_case_files_parse() {
    for (file, n) in [
        ("findings/issue19.txt", 62),
        ("findings/issue19-2024.txt", 3),
        ("findings/temporaries.txt", 35),
        ("findings/deferred-init.txt", 3),
        ("findings/op-assign.txt", 5),
        ("findings/drop-flags.txt", 15),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let src = std::fs::read_to_string(&path).unwrap();
        let cases = coro_difftest::cases::parse(&src).unwrap();
        assert_eq!(cases.len(), n, "{file}");
        for (name, p) in &cases {
            let coro = module(p, Form::Coro);
            let native = module(p, Form::Native);
            assert!(coro.contains("#[coro::coroutine"), "{name}");
            assert!(!native.contains("yield_!"), "{name}: {native}");
        }
    }
}
