//! Shared bits of the echo benchmark binaries: argument parsing, the read buffer size, and
//! reading another process's CPU times from `/proc`.

use std::net::SocketAddr;

/// Size of every server's read buffer. Larger than a message (64 bytes), so that a read that
/// returns fewer bytes than this has drained the socket.
pub const BUF: usize = 4096;

/// The address every binary uses when given none.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7878";

/// The value after `--name` on the command line, or `default`.
pub fn arg(name: &str, default: &str) -> String {
    let flag = format!("--{name}");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == flag {
            return args
                .next()
                .unwrap_or_else(|| die(&format!("{flag} needs a value")));
        }
        if let Some(v) = a.strip_prefix(&format!("{flag}=")) {
            return v.to_string();
        }
    }
    default.to_string()
}

/// Whether `--name` is on the command line.
pub fn flag(name: &str) -> bool {
    let flag = format!("--{name}");
    std::env::args().skip(1).any(|a| a == flag)
}

/// `--addr`, parsed; refuses anything but a loopback address (the benchmark never leaves the
/// machine).
pub fn addr() -> SocketAddr {
    let s = arg("addr", DEFAULT_ADDR);
    let a: SocketAddr = s
        .parse()
        .unwrap_or_else(|e| die(&format!("bad --addr {s:?}: {e}")));
    if !a.ip().is_loopback() {
        die(&format!("--addr {a}: loopback addresses only"));
    }
    a
}

/// Prints a message and exits with status 2.
pub fn die(msg: &str) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(2)
}

/// Tells the script that the server is up (it also retries connecting, so this is informative).
pub fn announce(server: &str, addr: SocketAddr) {
    println!("{server} listening on {addr} (pid {})", std::process::id());
}

/// CPU times of a process, from `/proc/PID/stat` (user and system, clock ticks, all threads) and
/// `/proc/PID/schedstat` (time on CPU, nanoseconds, main thread only).
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuTimes {
    /// User-space time, seconds (a multiple of the clock tick, usually 10 ms).
    pub user: f64,
    /// Kernel time, seconds (likewise).
    pub system: f64,
    /// Time on CPU of the main thread, seconds (exact, from the scheduler).
    pub on_cpu: f64,
}

impl CpuTimes {
    /// Reads the times of `pid`, or `None` if the process is gone or `/proc` is not there.
    pub fn of(pid: u32) -> Option<CpuTimes> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command name (field 2) may contain spaces: the fields after it start after ')'.
        let rest = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split(' ').collect();
        // rest starts at field 3 (state); utime and stime are fields 14 and 15.
        let utime: f64 = fields.get(11)?.parse().ok()?;
        let stime: f64 = fields.get(12)?.parse().ok()?;
        let tick = clock_tick();
        let on_cpu = std::fs::read_to_string(format!("/proc/{pid}/schedstat"))
            .ok()
            .and_then(|s| s.split(' ').next()?.parse::<f64>().ok())
            .map_or(f64::NAN, |ns| ns / 1e9);
        Some(CpuTimes {
            user: utime / tick,
            system: stime / tick,
            on_cpu,
        })
    }

    /// `self - earlier`, field by field.
    pub fn since(self, earlier: CpuTimes) -> CpuTimes {
        CpuTimes {
            user: self.user - earlier.user,
            system: self.system - earlier.system,
            on_cpu: self.on_cpu - earlier.on_cpu,
        }
    }
}

fn clock_tick() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as f64
    } else {
        100.0
    }
}

/// Seconds of CPU time the whole machine spent busy (all but idle and iowait) and stolen by the
/// hypervisor, from the first line of `/proc/stat`, summed over all CPUs.
pub fn machine_busy() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?;
    let v: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    let total: f64 = v.iter().take(8).sum();
    let idle = v.get(3)? + v.get(4).unwrap_or(&0.0);
    let steal = *v.get(7).unwrap_or(&0.0);
    let tick = clock_tick();
    Some(((total - idle - steal) / tick, steal / tick))
}
