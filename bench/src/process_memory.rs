//! A process's memory as Linux reports it in `/proc`: what the benchmarks report of the
//! processes they start.

/// A figure of `/proc/PID/status` in bytes (`VmRSS`: resident now; `VmHWM`: the peak), 0 when
/// the process is gone.
fn status_bytes(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// The resident memory of process `pid`, in bytes.
pub fn resident(pid: u32) -> u64 {
    status_bytes(pid, "VmRSS")
}

/// The peak resident memory of process `pid` since it started or since [`reset_peak`].
pub fn peak_resident(pid: u32) -> u64 {
    status_bytes(pid, "VmHWM")
}

/// Starts measuring `pid`'s peak resident memory afresh (`clear_refs` 5), so a figure covers
/// one query.
pub fn reset_peak(pid: u32) -> std::io::Result<()> {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5")
}
