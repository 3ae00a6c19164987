//! The seed's demonstration: two tasks compute factorials, sleeping one second per step with
//! the loop's own sleep, so while one sleeps the other runs. Total: about 3 s.
//!
//! ```sh
//! cargo run --example factorial
//! ```
//!
//! The asyncio original:
//!
//! ```python
//! async def custom_sleep():
//!     print('SLEEP', datetime.now())
//!     await asyncio.sleep(1)
//!
//! async def factorial(name, number):
//!     f = 1
//!     for i in range(2, number + 1):
//!         print('Task {}: Compute factorial({})'.format(name, i))
//!         await custom_sleep()
//!         f *= i
//!     print('Task {}: factorial({}) is {}\n'.format(name, number, f))
//!
//! start = time.time()
//! loop = asyncio.new_event_loop()
//! tasks = [loop.create_task(factorial("A", 3)), loop.create_task(factorial("B", 4))]
//! loop.run_until_complete(asyncio.wait(tasks))
//! loop.close()
//! print("Total time: {}".format(time.time() - start))
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use coro::rt::{self, Loop};

#[coro::coroutine(task)]
fn custom_sleep() {
    println!("SLEEP {}", now());
    yield_from!(rt::sleep(Duration::from_secs(1)));
}

#[coro::coroutine(task)]
fn factorial(name: &'static str, number: u64) {
    let mut f = 1;
    for i in 2..=number {
        println!("Task {name}: Compute factorial({i})");
        yield_from!(custom_sleep());
        f *= i;
    }
    println!("Task {name}: factorial({number}) is {f}\n");
}

fn main() {
    let start = std::time::Instant::now();
    let lp = Loop::new();
    let tasks = vec![lp.spawn(factorial("A", 3)), lp.spawn(factorial("B", 4))];
    lp.run_until_complete(rt::join_all(tasks));
    lp.close();
    println!("Total time: {}", start.elapsed().as_secs_f64());
}

/// The wall-clock time as Python's `datetime.now()` prints it (in UTC).
fn now() -> String {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since_epoch.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{:06}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since_epoch.subsec_micros()
    )
}

/// Days since 1970-01-01 to (year, month, day): Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
