//! FlexMatch rule engine benchmark (plain `harness = false` main).
//!
//! Rule sets (from the rule-engine issue):
//! - A: two teams of exactly 5; distance rule on team average skill vs match average
//!   (maxDistance 50); comparison count(red) = count(blue). Skill ~ N(1000, 200).
//! - B: A plus a latency rule (maxLatency 100); each player reports 3 of 4 regions, 20–200 ms.
//! - C: one team of 175–200, balanced on skill, largestPopulation, latency maxLatency 150.
//!
//! For each pool size (the best of 30 runs at 1k and 10k, of 10 at 100k, one run at 1M) it
//! inserts the pool, then runs passes (new seed each time) until a pass matches nothing,
//! and prints: insert time, first-pass time and tickets matched, total time and tickets
//! matched, tickets matched per second, the peak heap in use during the scenario (measured
//! by a counting allocator in this binary only), and the mean fill of the matches (players
//! per match / the rule set's maximum). Then, per rule set, how much more a 100k pool's
//! passes cost than a 10k pool's (issue 14's target: at most 12×).
//!
//! The heap is mimalloc's, as in the daemon (emulator/src/main.rs);
//! `FLEXMATCH_BENCH_ALLOC=system` measures with glibc's malloc instead.
//!
//! `cargo bench -p playfield-flexmatch --bench flexmatch` runs 1k, 10k, 100k and 1M (1M once).
//! `FLEXMATCH_BENCH_MAX=100000` caps the pool size; `FLEXMATCH_BENCH_ONLY=AB` picks rule sets.

use playfield_flexmatch::{AttributeValue, Player, Pool, RuleSet, Ticket};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Counts the heap in use (for the peak figure) around the allocator the daemon uses,
/// mimalloc (emulator/src/main.rs), or glibc's with `FLEXMATCH_BENCH_ALLOC=system` to
/// compare the two in one sitting.
struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// 0: not yet decided, 1: mimalloc, 2: the system allocator. Decided at the first
/// allocation, before any block exists, and never changed: every block is freed by the
/// allocator that made it.
static WHICH: AtomicUsize = AtomicUsize::new(0);

/// The allocator every block comes from (see `WHICH`).
fn inner() -> &'static dyn GlobalAlloc {
    static MI: mimalloc::MiMalloc = mimalloc::MiMalloc;
    let mut w = WHICH.load(Ordering::Relaxed);
    if w == 0 {
        // `getenv` allocates nothing, unlike `std::env::var`, which would re-enter here.
        // SAFETY: the name is a NUL-terminated C string; the result is only tested for null
        // and read as a C string while no thread changes the environment (none does here).
        let system = unsafe {
            let v = libc::getenv(c"FLEXMATCH_BENCH_ALLOC".as_ptr());
            !v.is_null() && std::ffi::CStr::from_ptr(v).to_bytes() == b"system"
        };
        w = if system { 2 } else { 1 };
        WHICH.store(w, Ordering::Relaxed);
    }
    if w == 2 {
        &System
    } else {
        &MI
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { inner().alloc(l) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { inner().dealloc(p, l) };
        CURRENT.fetch_sub(l.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { inner().realloc(p, l, new) };
        if !q.is_null() {
            if new > l.size() {
                let now = CURRENT.fetch_add(new - l.size(), Ordering::Relaxed) + (new - l.size());
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(l.size() - new, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Rule sets A (two teams of 5, fair team skill), B (A plus a latency rule) and C (one large
/// team, balanced, latency): this bench's, also read by core's burst_fill bench.
const RULE_SET_A: &str = include_str!("rulesets/bench-a.json");
const RULE_SET_B: &str = include_str!("rulesets/bench-b.json");
const RULE_SET_C: &str = include_str!("rulesets/bench-c.json");

/// A 1 v 1 where two players match only with a skill gap of at most 0.5 (issue 14 item 5,
/// issue 15 item 5): tickets with skills one apart never match.
const RULE_SET_U: &str = r#"{
  "name": "bench-U", "ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number"}],
  "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 1},
            {"name": "b", "minPlayers": 1, "maxPlayers": 1}],
  "rules": [{"name": "close", "type": "distance",
             "measurements": "max(flatten(teams[*].players.attributes[skill]))",
             "referenceValue": "min(flatten(teams[*].players.attributes[skill]))",
             "maxDistance": 0.5}]
}"#;

/// One solo ticket of rule set U.
fn solo(id: &str, skill: f64, created_ms: u64) -> Ticket {
    let mut p = Player {
        id: id.into(),
        ..Default::default()
    };
    p.attributes
        .insert("skill".into(), AttributeValue::Number(skill));
    Ticket {
        id: id.into(),
        players: vec![p],
        created_ms,
        backfill: false,
    }
}

/// A pool of `n` tickets that cannot match: what settling it costs (its newcomers worked
/// through cycle by cycle), what an idle cycle costs once it settled, what an arrival costs,
/// and whether a matchable pair arriving then is matched by the next cycle's pass.
fn unmatchable(n: usize) {
    let rs = Arc::new(RuleSet::parse(RULE_SET_U).expect("rule set U"));
    let mut pool = Pool::new(rs);
    for i in 0..n {
        pool.insert(solo(&format!("u{i}"), i as f64, 0))
            .expect("valid ticket");
    }
    let mut now = 1_000u64;
    let c0 = cpu_seconds().unwrap_or(f64::NAN);
    let mut cycles = 0u64;
    loop {
        pool.find_matches(now, cycles);
        cycles += 1;
        now += 1_000;
        if !pool.has_pending() {
            break;
        }
    }
    let settle = cpu_seconds().unwrap_or(f64::NAN) - c0;
    let c1 = cpu_seconds().unwrap_or(f64::NAN);
    for k in 0..100 {
        pool.find_matches(now, k);
        now += 1_000;
    }
    let idle = (cpu_seconds().unwrap_or(f64::NAN) - c1) / 100.0;
    let t = Instant::now();
    pool.insert(solo("x", -100.0, now)).expect("valid ticket");
    let mut matched = pool.find_full_matches(now, 1).matches.len();
    pool.insert(solo("y", -100.0, now)).expect("valid ticket");
    matched += pool.find_full_matches(now, 2).matches.len();
    let arrival = t.elapsed().as_secs_f64() / 2.0;
    let t = Instant::now();
    matched += pool.find_matches(now + 1_000, 3).matches.len();
    let cycle = t.elapsed().as_secs_f64();
    println!(
        "U  {n:>8} | settling {settle:>7.3}s cpu over {cycles:>5} cycles | idle cycle {:>8.1} µs cpu | arrival {:>8.1} µs | pair's cycle pass {:>8.3} ms | pair matched: {}",
        idle * 1e6,
        arrival * 1e6,
        cycle * 1e3,
        matched == 1
    );
}

const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"];

/// Normal(mean, sd) by Box–Muller.
fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The pool's tickets, generated one at a time so the input never sits in memory.
fn tickets(n: usize, latency: bool, seed: u64) -> impl Iterator<Item = Ticket> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(move |i| {
        let mut p = Player {
            id: format!("p{i}"),
            ..Default::default()
        };
        p.attributes.insert(
            "skill".into(),
            AttributeValue::Number(normal(&mut rng, 1000.0, 200.0)),
        );
        if latency {
            let skip = rng.random_range(0..REGIONS.len());
            for (k, r) in REGIONS.iter().enumerate() {
                if k != skip {
                    p.latency_ms
                        .insert(r.to_string(), rng.random_range(20..=200));
                }
            }
        }
        Ticket {
            id: format!("t{i}"),
            players: vec![p],
            created_ms: i as u64,
            backfill: false,
        }
    })
}

/// Runs a scenario several times (the machine is shared: the best run is the least
/// disturbed one), prints the best and returns its passes' CPU time: a million tickets'
/// worth of runs, from 3 to 30 (one at 1M). A 10k pool's passes take about 8 ms, and the
/// best of three ranged from 0.008 to 0.015 s on a busy machine.
fn scenario(label: &str, rs: &Arc<RuleSet>, n: usize, latency: bool) -> f64 {
    let reps = if n <= 100_000 {
        (1_000_000 / n).clamp(3, 30)
    } else {
        1
    };
    let best = (0..reps)
        .map(|_| run_once(rs, n, latency))
        .min_by(|a, b| a.total_s.total_cmp(&b.total_s))
        .expect("one run");
    println!(
        "{label:<2} {n:>8} | insert {:>7.3}s | pass1 {:>7.3}s {:>8} matched | all passes {:>7.3}s (cpu {:>7.4}s) {:>8} matched ({:>5.1}%) | {:>9.0} tickets/s (cpu {:>9.0}) | peak heap {:>8.1} MiB | {:.1} rule evaluations/ticket | mean fill {:>5.1}%",
        best.insert_s,
        best.first.0,
        best.first.1,
        best.total_s,
        best.cpu_s,
        best.matched,
        100.0 * best.matched as f64 / n as f64,
        best.matched as f64 / best.total_s,
        best.matched as f64 / best.cpu_s,
        best.peak as f64 / (1024.0 * 1024.0),
        best.evaluations as f64 / n as f64,
        100.0 * best.fill,
    );
    best.cpu_s
}

/// Prints how much more the passes of a 100k pool cost than those of a 10k pool (issue 14:
/// at most 12×, 10× being linear), from the best runs' CPU time.
fn print_growth(label: &str, costs: &[(usize, f64)]) {
    let cost = |n| costs.iter().find(|c| c.0 == n).map(|c| c.1);
    if let (Some(small), Some(large)) = (cost(10_000), cost(100_000)) {
        println!(
            "{label:<2} cost of 100k / cost of 10k: {:.1}x (CPU time of all passes, best runs)",
            large / small
        );
    }
}

/// Seconds this thread has spent on a CPU (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`), if
/// available. On a shared machine wall-clock time includes waiting for a core; this does not.
/// (`/proc/thread-self/schedstat`, read before, is brought up to date only at scheduler ticks
/// and switches: its figures moved in steps of about 4 ms, a third of a 10k pass.)
fn cpu_seconds() -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9)
}

struct Run {
    insert_s: f64,
    cpu_s: f64,
    first: (f64, usize),
    total_s: f64,
    matched: usize,
    peak: usize,
    evaluations: u64,
    /// Mean over the matches of players / the rule set's maximum players per match.
    fill: f64,
}

fn run_once(rs: &Arc<RuleSet>, n: usize, latency: bool) -> Run {
    let input = tickets(n, latency, 42);
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut pool = Pool::new(rs.clone());
    let t0 = Instant::now();
    for t in input {
        pool.insert(t).expect("valid ticket");
    }
    let insert_s = t0.elapsed().as_secs_f64();
    let now = n as u64 + 1_000;
    let t1 = Instant::now();
    let c1 = cpu_seconds();
    let mut matched = 0usize;
    let mut first = (0.0, 0usize);
    let mut evaluations = 0u64;
    let (mut fill_sum, mut match_count) = (0.0f64, 0usize);
    for pass in 0..20u64 {
        let r = pool.find_matches(now, pass);
        let got: usize = r.matches.iter().map(|m| m.ticket_ids.len()).sum();
        matched += got;
        for m in &r.matches {
            fill_sum += m.player_count() as f64 / f64::from(rs.max_match_players);
            match_count += 1;
        }
        evaluations += r
            .rule_metrics
            .iter()
            .map(|m| m.passed_count + m.failed_count)
            .sum::<u64>();
        if pass == 0 {
            first = (t1.elapsed().as_secs_f64(), got);
        }
        if got == 0 {
            break;
        }
    }
    let total_s = t1.elapsed().as_secs_f64();
    let cpu_s = match (c1, cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => f64::NAN,
    };
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    drop(pool);
    Run {
        insert_s,
        cpu_s,
        first,
        total_s,
        matched,
        peak,
        evaluations,
        fill: fill_sum / match_count.max(1) as f64,
    }
}

fn main() {
    // `cargo test --benches` passes `--bench`-less args; only run the figures under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let max: usize = std::env::var("FLEXMATCH_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let a = Arc::new(RuleSet::parse(RULE_SET_A).expect("rule set A"));
    let b = Arc::new(RuleSet::parse(RULE_SET_B).expect("rule set B"));
    let c = Arc::new(RuleSet::parse(RULE_SET_C).expect("rule set C"));
    let only = std::env::var("FLEXMATCH_BENCH_ONLY").unwrap_or_default();
    let want = |set: &str| only.is_empty() || only.contains(set);
    println!("set     pool | figures");
    let mut costs = Vec::new();
    for &n in [1_000, 10_000, 100_000, 1_000_000]
        .iter()
        .filter(|&&n| n <= max)
    {
        if !want("A") {
            break;
        }
        costs.push((n, scenario("A", &a, n, false)));
    }
    print_growth("A", &costs);
    let mut costs = Vec::new();
    for &n in [1_000, 10_000, 100_000, 1_000_000]
        .iter()
        .filter(|&&n| n <= max)
    {
        if !want("B") {
            break;
        }
        costs.push((n, scenario("B", &b, n, true)));
    }
    print_growth("B", &costs);
    let mut costs = Vec::new();
    for &n in [1_000, 10_000, 100_000, 1_000_000]
        .iter()
        .filter(|&&n| n <= max)
    {
        if !want("C") {
            break;
        }
        costs.push((n, scenario("C", &c, n, true)));
    }
    print_growth("C", &costs);
    // Settling a pool of unmatchable tickets: each newcomer is tried against the whole pool,
    // which rule set U's distance rule (a spread of one number) cuts to the tickets within
    // reach; without such a rule it is quadratic. 1k and 10k only.
    for &n in [1_000, 10_000].iter().filter(|&&n| n <= max) {
        if !want("U") {
            break;
        }
        unmatchable(n);
    }
}
