//! Which ticks of a schedule are due now, and what happens to those that were missed.
//!
//! A schedule remembers the last tick it handled; every tick after it, up to now, is due.
//! Normally that is one tick, a few milliseconds late. More means ticks passed while no
//! coordinator led (a failover, the whole cluster down), and the schedule's policy says which
//! of them run.

use kiln_proto::v1 as pb;

use super::cron::Cron;

/// How late a tick may be and still run under [`pb::MissedTicks::Skip`].
pub const SKIP_LATER_THAN_MS: u64 = 60_000;

/// The most missed ticks run one by one under [`pb::MissedTicks::RunAll`].
pub const MAX_CATCH_UP: usize = 100;

/// What to do with a schedule's due ticks.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Due {
    /// The ticks to run now, oldest first.
    pub run: Vec<u64>,
    /// How many due ticks are passed over.
    pub missed: usize,
    /// The tick to remember as handled (the latest due one).
    pub last: Option<u64>,
}

/// The most ticks walked at once: beyond, the oldest missed ticks are not even counted.
const MAX_WALK: usize = 1_000_000;

/// The ticks of `cron` after `last_tick_ms` and up to `now_ms`, sorted by `policy`.
pub fn due(cron: &Cron, last_tick_ms: u64, now_ms: u64, policy: pb::MissedTicks) -> Due {
    // The latest MAX_CATCH_UP due ticks, and how many there are in all.
    let mut latest = std::collections::VecDeque::with_capacity(MAX_CATCH_UP);
    let mut total = 0;
    let mut after = last_tick_ms;
    while total < MAX_WALK {
        match cron.next_after(after) {
            Some(tick) if tick <= now_ms => {
                if latest.len() == MAX_CATCH_UP {
                    latest.pop_front();
                }
                latest.push_back(tick);
                total += 1;
                after = tick;
            }
            _ => break,
        }
    }
    let Some(&last) = latest.back() else {
        return Due::default();
    };
    let (run, missed) = match policy {
        pb::MissedTicks::RunAll => (Vec::from(latest), total.saturating_sub(MAX_CATCH_UP)),
        pb::MissedTicks::RunOnce => (vec![last], total - 1),
        pb::MissedTicks::Skip if now_ms.saturating_sub(last) <= SKIP_LATER_THAN_MS => {
            (vec![last], total - 1)
        }
        pb::MissedTicks::Skip => (vec![], total),
    };
    Due {
        run,
        missed,
        last: Some(last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: u64 = 1_000;
    const T0: u64 = 1_800_000_000_000; // a whole second

    fn every_second() -> Cron {
        Cron::parse("s", "* * * * * *", "").unwrap()
    }

    #[test]
    fn nothing_is_due_before_the_next_tick() {
        assert_eq!(
            due(&every_second(), T0, T0 + 999, pb::MissedTicks::Skip),
            Due::default()
        );
    }

    #[test]
    fn an_on_time_tick_runs_under_every_policy() {
        for policy in [
            pb::MissedTicks::Skip,
            pb::MissedTicks::RunOnce,
            pb::MissedTicks::RunAll,
        ] {
            let due = due(&every_second(), T0, T0 + SECOND + 3, policy);
            assert_eq!(due.run, vec![T0 + SECOND], "{policy:?}");
            assert_eq!((due.missed, due.last), (0, Some(T0 + SECOND)));
        }
    }

    #[test]
    fn missed_ticks_follow_the_policy() {
        let now = T0 + 5 * SECOND + 10;
        let all = due(&every_second(), T0, now, pb::MissedTicks::RunAll);
        assert_eq!(
            all.run,
            (1..=5).map(|i| T0 + i * SECOND).collect::<Vec<_>>()
        );
        assert_eq!(all.missed, 0);
        let once = due(&every_second(), T0, now, pb::MissedTicks::RunOnce);
        assert_eq!((once.run, once.missed), (vec![T0 + 5 * SECOND], 4));
        let skip = due(&every_second(), T0, now, pb::MissedTicks::Skip);
        assert_eq!((skip.run, skip.missed), (vec![T0 + 5 * SECOND], 4));
    }

    #[test]
    fn a_long_outage_runs_at_most_the_catch_up_bound_and_skip_runs_nothing_stale() {
        let now = T0 + 500 * SECOND;
        let all = due(&every_second(), T0, now, pb::MissedTicks::RunAll);
        assert_eq!(all.run.len(), MAX_CATCH_UP);
        assert_eq!(all.run[0], T0 + 401 * SECOND, "the newest ticks run");
        assert_eq!(all.missed, 400);
        assert_eq!(all.last, Some(now));
        let hourly = Cron::parse("s", "0 * * * *", "").unwrap();
        let day_later = due(
            &hourly,
            T0,
            T0 + 86_400 * SECOND + 90 * SECOND,
            pb::MissedTicks::Skip,
        );
        assert!(day_later.run.is_empty(), "{day_later:?}");
        assert_eq!(day_later.missed, 24);
    }
}
