//! Debug mode: slow steps are reported with the task and where it was spawned; dumps show
//! what every task waits on and where.

mod common;

use std::time::Duration;

use common::{log, take};
use coro::rt::{self, Handle, Loop, Queue, TaskStatus};

#[coro::coroutine(task)]
fn blocks_the_loop(ms: u64) {
    // Models a blocking call: the virtual clock moves while the step runs.
    Handle::current().advance(Duration::from_millis(ms));
    yield_from!(rt::yield_now());
}

fn debug_loop() -> Loop {
    Loop::builder()
        .virtual_clock()
        .debug(true)
        .slow_step_threshold(Duration::from_millis(100))
        .on_diagnostic(|d| log(d.to_string()))
        .build()
}

#[test]
fn a_slow_step_is_reported_with_its_task_and_spawn_site() {
    let lp = debug_loop();
    let spawn_line = line!() + 1;
    let slow = lp.spawn_named("slowpoke", blocks_the_loop(250));
    let quick = lp.spawn(blocks_the_loop(99));
    lp.run_until_complete(rt::join_all(vec![slow, quick]));
    assert_eq!(
        take(),
        [format!(
            "coro: slowpoke (spawned at {}:{spawn_line}:19) held the loop for 0.250s in one step, at loop time 0.000s",
            file!()
        )]
    );
}

#[test]
fn without_debug_mode_nothing_is_measured() {
    let lp = Loop::builder()
        .virtual_clock()
        .debug(false)
        .on_diagnostic(|d| log(d.to_string()))
        .build();
    lp.run_until_complete(blocks_the_loop(1000));
    assert!(take().is_empty());
}

#[coro::coroutine(task)]
fn waits_on_a_queue(q: Queue<u8>) -> u8 {
    yield_from!(q.get()).unwrap()
}

#[test]
fn the_dump_names_each_task_what_it_waits_on_and_where() {
    let lp = Loop::with_virtual_clock();
    let q = Queue::unbounded();
    let sleeper = lp.spawn_named("sleeper", rt::sleep(Duration::from_secs(5)));
    let getter = lp.spawn_named("getter", waits_on_a_queue(q.clone()));
    lp.run_until_complete(rt::yield_now());
    let ready = lp.spawn_named("ready", rt::yield_now());
    let tasks = lp.tasks();
    assert_eq!(
        tasks.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["sleeper", "getter", "ready"]
    );
    match tasks[1].status {
        TaskStatus::Waiting(park) => {
            assert_eq!((park.on, park.deadline), ("Queue::get", None));
            // Where the user wrote the wait: the `q.get()` in `waits_on_a_queue`.
            assert_eq!((park.at.file(), park.at.line()), (file!(), 56));
        }
        other => panic!("{other:?}"),
    }
    let dump = lp.dump();
    let lines: Vec<&str> = dump.lines().collect();
    assert_eq!(
        lines[0],
        "3 live task(s) at loop time 0.000000000s, 1 timer(s):"
    );
    assert!(lines[1].starts_with("  #1 sleeper (spawned at "), "{dump}");
    assert!(
        lines[1].contains("): waiting on sleep until 5.000000000s at "),
        "{dump}"
    );
    // Where the wait was written, then the `yield_from!` of the task that delegates to it.
    assert!(
        lines[2].ends_with(&format!(
            "waiting on Queue::get at {f}:56:19, in yield_from! at {f}:56:5",
            f = file!()
        )),
        "{dump}"
    );
    assert!(!lines[1].contains("in yield_from!"), "{dump}");
    assert!(lines[3].ends_with("): ready"), "{dump}");
    drop((sleeper, getter, ready));
}

#[coro::coroutine(task)]
fn inner_wait(q: Queue<u8>) -> u8 {
    yield_from!(q.get()).unwrap() // wait: inner
}

#[coro::coroutine(task)]
fn middle_wait(q: Queue<u8>) -> u8 {
    let v = yield_from!(inner_wait(q)); // wait: middle
    v + 1
}

#[coro::coroutine(task)]
fn outer_wait(q: Queue<u8>) -> u8 {
    yield_from!(middle_wait(q)) + 1 // wait: outer
}

/// The line of this file that holds `marker`.
fn line_of(marker: &str) -> u32 {
    let n = include_str!("debug.rs")
        .lines()
        .position(|l| l.ends_with(marker))
        .expect("marker");
    n as u32 + 1
}

#[test]
fn the_dump_follows_the_yield_from_chain_down_to_the_wait() {
    let lp = Loop::with_virtual_clock();
    let q = Queue::unbounded();
    let h = lp.spawn_named("outer", outer_wait(q.clone()));
    lp.run_until_complete(rt::yield_now());
    let TaskStatus::Waiting(park) = lp.tasks()[0].status else {
        panic!("{}", lp.dump());
    };
    let sites: Vec<(&str, u32)> = park.via.iter().map(|s| (s.file(), s.line())).collect();
    assert_eq!(
        sites,
        [
            (file!(), line_of("// wait: inner")),
            (file!(), line_of("// wait: middle")),
            (file!(), line_of("// wait: outer")),
        ]
    );
    let dump = lp.dump();
    assert_eq!(dump.matches("in yield_from! at").count(), 3, "{dump}");
    assert!(q.try_put(1).is_ok());
    assert_eq!(lp.run_until_complete(h.join()).ok(), Some(3));
}

#[test]
fn a_deadlock_panics_with_the_dump() {
    let lp = Loop::new();
    let q: Queue<u8> = Queue::unbounded();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lp.run_until_complete(waits_on_a_queue(q.clone()))
    }));
    let payload = caught.unwrap_err();
    let message = payload.downcast_ref::<String>().unwrap();
    assert!(message.starts_with("coro: deadlock"), "{message}");
    assert!(message.contains("waiting on Queue::get at"), "{message}");
}

#[test]
fn a_slow_step_is_caught_on_the_real_clock() {
    #[coro::coroutine(task)]
    fn blocks_for_real() {
        std::thread::sleep(Duration::from_millis(30));
        yield_from!(rt::yield_now());
    }
    let lp = Loop::builder()
        .debug(true)
        .slow_step_threshold(Duration::from_millis(20))
        .on_diagnostic(|d| log(d.to_string()))
        .build();
    lp.run_until_complete(blocks_for_real());
    let trace = take();
    assert_eq!(trace.len(), 1, "{trace:?}");
    assert!(trace[0].contains("held the loop for 0.0"), "{trace:?}");
}

/// Runs this test binary again, for one test, with `CORO_DEBUG` set to `value`.
fn run_child(test: &str, value: &str) -> bool {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--quiet", "--test-threads=1"])
        .env("CORO_DEBUG", value)
        .env("CORO_DEBUG_CHILD", "1")
        .status()
        .unwrap()
        .success()
}

#[test]
fn debug_mode_follows_the_environment_variable() {
    if std::env::var_os("CORO_DEBUG_CHILD").is_some() {
        // In the child: the builder's default comes from CORO_DEBUG.
        let lp = Loop::builder()
            .virtual_clock()
            .on_diagnostic(|d| log(d.to_string()))
            .build();
        lp.run_until_complete(blocks_the_loop(500));
        let reported = !take().is_empty();
        let expected = std::env::var("CORO_DEBUG").unwrap() == "1";
        assert_eq!(reported, expected);
        return;
    }
    let me = "debug_mode_follows_the_environment_variable";
    assert!(run_child(me, "1"));
    assert!(run_child(me, "0"));
}
