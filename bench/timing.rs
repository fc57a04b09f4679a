//! Timing for the benchmarks: the best of a few runs.

use std::time::{Duration, Instant};

/// Runs `f` `runs` times; the fastest time and the last result.
pub(crate) fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.expect("at least one run"))
}
