//! The daemon under load it should shrug off (issue 15 item 5 and its benchmarks), on loopback
//! against the real `playfield serve` binary run as a child process, so its CPU time and
//! memory are read from `/proc/<pid>` and count the whole daemon and nothing else.
//!
//! ```text
//! cargo bench -p playfield --bench pool_cost            # all three parts, about 4 minutes
//! PLAYFIELD_BENCH_PART=pool cargo bench -p playfield --bench pool_cost   # pool | heartbeat | memory
//! PLAYFIELD_POOL_SIZES=1000,100000 cargo bench -p playfield --bench pool_cost
//! ```
//!
//! Without `--bench` (e.g. `cargo test --benches`) it runs a short smoke pass.
//!
//! (a) **Searching-pool cost.** For each pool size N (1k, 10k, 100k) a fresh daemon runs a
//!     STANDALONE configuration (request timeout 43,200 s, the longest the service allows, so
//!     nothing times out) whose 1v1 rule set matches two players only when each team's skill
//!     is at most 0.5 from the match's average (skills at most 1 apart); ticket i has skill
//!     10·i, so none can match. N tickets are loaded through the API over 16 connections at
//!     once, for at most 60 s (`PLAYFIELD_LOAD_SECS`; the table then says how many the pool
//!     reached); then, once the daemon has settled (a cycle-long slice under 5 % CPU, or 30 s),
//!     the bench reads:
//!     - daemon CPU (% of one core) over an idle window of 5 cycles;
//!     - daemon CPU over a window of 10 cycles during which further unmatchable tickets arrive
//!       at a steady 10 per second, and those StartMatchmaking calls' latency (p50, p99);
//!     - for 3 matchable pairs (same skill, far from everyone) sent one after the other, the
//!       time from the second ticket's StartMatchmaking to the ticket reading COMPLETED
//!       (DescribeMatchmaking polled every 5 ms), against the cycle length.
//!     Target: 100k searching tickets cost under 5 % of one core, and a matchable pair is
//!     matched within one matchmaking cycle (counted as: by the end of the cycle it arrived
//!     in, i.e. within the cycle length plus 100 ms for the pass itself and the polling).
//!
//!     Figures (2-core shared dev box, 1 s cycle, `PLAYFIELD_LOAD_SECS=240`, one sitting;
//!     "before" is the code before the engine read this rule set as a spread rule, so each
//!     arrival was tried against the whole pool and the instant full-match check saw only the
//!     1,024 oldest tickets):
//!
//!     ```text
//!     tickets          load t/s  idle CPU %  busy CPU %  StartMM p50/p99 ms  pair      RSS MiB
//!     before 1,000        2,192        0.00        0.90        0.72 / 4.29   1,011 ms     21.2
//!     before 10,000         439        0.00        2.40        0.90 / 8.94   1,008 ms     45.5
//!     before 24,631 of 100k 102        0.00        5.00        1.22 / 212    1,036 ms     81.7
//!     after  1,000        9,358        0.00        0.50        0.41 / 4.42       0 ms     21.2
//!     after  10,000      15,576        0.00        0.60        0.41 / 5.38       1 ms     46.2
//!     after  100,000     10,897        0.00        2.60        0.43 / 2.82       0 ms    281.7
//!     ```
//!
//!     The rule here (each team's average within maxDistance of the match's average, teams of
//!     one) bounds the spread of two players' skills, so the pool is indexed by skill
//!     (flexmatch `spread` module): an arrival looks only at the tickets within reach, and a
//!     cycle with arrivals costs O(pool) (≈12 ms at 100k for one arrival), not arrivals × pool.
//!     A second run at 100k read the same CPU (2.60 %) with p99 21.8 ms: a call that meets the
//!     cycle's pass waits for it (of 100 calls, p99 is the worst one or two).
//!     A rule set the index cannot read still costs arrivals × pool per cycle, capped by the
//!     engine's per-cycle budget (`SEED_WORK`).
//! (b) **Heartbeat latency under API load.** 20 game servers (raw WebSocket, as the SDKs speak
//!     it) ready on one daemon each send HeartbeatServerProcess every 50 ms; round trips are
//!     measured for a quiet window, then for a window while 4 API connections (2 awsJson1_1,
//!     2 rpcv2Cbor) send ≈4 MB DescribeMatchmaking bodies back to back (150,000 ticket ids
//!     each, refused by validation after being decoded; the load runs on threads of its own,
//!     apart from the heartbeat clients'). p50 and p99 side by side, and the large bodies'
//!     throughput (bounding the daemon's concurrent decodes must not starve the API).
//! (c) **Memory per connected process.** The daemon's RSS before and after 1,000 game servers
//!     connect and become ready (ActivateServerProcess), divided by 1,000.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/json_api.rs"]
mod json_api;

use futures_util::{SinkExt, StreamExt};
use json_api::JsonApi;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

const CONFIG: &str = "pool";
const FLEET: &str = "fleet-bench";

/// Sizes for a real run and for the smoke pass.
struct Plan {
    pool_sizes: Vec<usize>,
    /// Matchmaking cycle, ms (the configuration's `[matchmaking] cycle_millis`).
    cycle_ms: u64,
    idle_cycles: u64,
    busy_cycles: u64,
    arrivals_per_s: u64,
    pairs: usize,
    hb_processes: usize,
    hb_window: Duration,
    memory_processes: usize,
    /// Loading stops after this long (the pool is then measured at what it holds).
    load_cap: Duration,
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let mut plan = if benching {
        Plan {
            pool_sizes: vec![1_000, 10_000, 100_000],
            cycle_ms: 1000,
            idle_cycles: 5,
            busy_cycles: 10,
            arrivals_per_s: 10,
            pairs: 3,
            hb_processes: 20,
            hb_window: Duration::from_secs(5),
            memory_processes: 1_000,
            load_cap: Duration::from_secs(60),
        }
    } else {
        Plan {
            pool_sizes: vec![200],
            cycle_ms: 200,
            idle_cycles: 2,
            busy_cycles: 2,
            arrivals_per_s: 10,
            pairs: 1,
            hb_processes: 4,
            hb_window: Duration::from_millis(500),
            memory_processes: 50,
            load_cap: Duration::from_secs(20),
        }
    };
    if let Ok(s) = std::env::var("PLAYFIELD_POOL_SIZES") {
        plan.pool_sizes = s.split(',').filter_map(|v| v.trim().parse().ok()).collect();
    }
    if let Some(secs) = std::env::var("PLAYFIELD_LOAD_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        plan.load_cap = Duration::from_secs(secs);
    }
    let part = std::env::var("PLAYFIELD_BENCH_PART").unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        if part.is_empty() || part == "pool" {
            pool_cost(&plan).await;
        }
        if part.is_empty() || part == "heartbeat" {
            heartbeat_under_load(&plan).await;
        }
        if part.is_empty() || part == "memory" {
            memory_per_process(&plan).await;
        }
    });
}

// ---------------------------------------------------------------------------------------------
// The daemon as a child process.

struct Daemon {
    child: Child,
    api: SocketAddr,
    ws: SocketAddr,
    config_path: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

const RULES: &str = r#"{
    "name": "unmatchable", "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 0}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 1}],
    "rules": [{"name": "SameSkill", "type": "distance",
               "measurements": ["avg(teams[*].players.attributes[skill])"],
               "referenceValue": "avg(flatten(teams[*].players.attributes[skill]))",
               "maxDistance": 0.5}]
}"#;

impl Daemon {
    /// Starts `playfield serve` with a configuration holding the bench's fleet, the
    /// unmatchable rule set and a STANDALONE configuration, and waits for its API port.
    async fn start(cycle_ms: u64) -> Daemon {
        let (api, ws, wss) = (free_port(), free_port(), free_port());
        let toml = format!(
            r#"[listen]
api = "127.0.0.1:{api}"
ws = "127.0.0.1:{ws}"
wss = "127.0.0.1:{wss}"

[matchmaking]
cycle_millis = {cycle_ms}

[[fleets]]
id = "{FLEET}"
name = "bench"
locations = ["custom-bench"]

[[rule_sets]]
name = "unmatchable"
body = '''{RULES}'''

[[matchmaking_configurations]]
name = "{CONFIG}"
rule_set = "unmatchable"
flex_match_mode = "STANDALONE"
request_timeout_seconds = 43200
"#
        );
        let config_path =
            std::env::temp_dir().join(format!("pool_cost-{}-{api}.toml", std::process::id()));
        std::fs::write(&config_path, toml).expect("write the daemon's configuration");
        let child = Command::new(env!("CARGO_BIN_EXE_playfield"))
            .arg("--log-level")
            .arg("warn")
            .arg("serve")
            .arg("--config")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("playfield serve starts");
        let api: SocketAddr = ([127, 0, 0, 1], api).into();
        let ws: SocketAddr = ([127, 0, 0, 1], ws).into();
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(api).await.is_err() || TcpStream::connect(ws).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "the daemon did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Daemon {
            child,
            api,
            ws,
            config_path,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The daemon's CPU time so far (user + system, all threads).
    fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the command name, which ends with the last ')': state is field 3, so
        // utime (14) and stime (15) are the 12th and 13th after it.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let f: Vec<u64> = rest
            .split_whitespace()
            .skip(11)
            .take(2)
            .filter_map(|v| v.parse().ok())
            .collect();
        // SAFETY: sysconf only reads a constant.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        Duration::from_secs_f64(f.iter().sum::<u64>() as f64 / hz)
    }

    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse().ok())
            })
            .unwrap_or(0)
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.config_path);
    }
}

/// CPU % of one core the daemon spends over `window` (wall).
async fn cpu_over(d: &Daemon, window: Duration) -> f64 {
    let (c0, t0) = (d.cpu(), Instant::now());
    tokio::time::sleep(window).await;
    let (c1, t1) = (d.cpu(), Instant::now());
    100.0 * (c1 - c0).as_secs_f64() / (t1 - t0).as_secs_f64()
}

/// Skills of unmatchable tickets are this far apart: the rule allows a team average at most
/// 0.5 from the match's average, that is two players at most 1 apart.
const SPACING: i64 = 10;

fn ticket(id: &str, skill: i64) -> Value {
    json!({"TicketId": id, "ConfigurationName": CONFIG,
           "Players": [{"PlayerId": format!("p-{id}"),
                        "PlayerAttributes": {"skill": {"N": skill}}}]})
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

// ---------------------------------------------------------------------------------------------
// (a) The searching pool.

struct PoolRow {
    wanted: usize,
    n: usize,
    load: Duration,
    settle: Option<Duration>,
    idle_cpu: f64,
    busy_cpu: f64,
    start_p50: Duration,
    start_p99: Duration,
    pair_worst: Option<Duration>,
    rss_mib: f64,
}

async fn pool_cost(plan: &Plan) {
    println!(
        "pool_cost (a): unmatchable searching tickets, cycle {} ms, {} arrivals/s during the busy window",
        plan.cycle_ms, plan.arrivals_per_s
    );
    let mut rows = Vec::new();
    for &n in &plan.pool_sizes {
        let row = pool_row(plan, n).await;
        if row.n < n {
            println!(
                "  N={n}: loading stopped at the {} s cap with {} tickets in the pool (StartMatchmaking slows as the pool grows)",
                plan.load_cap.as_secs(),
                row.n
            );
        }
        let n = row.n;
        println!(
            "  N={n}: loaded in {:.1} s, settled {}, idle {:.2} %, busy {:.2} %, StartMatchmaking p50 {:.2} ms p99 {:.2} ms, pair {}",
            row.load.as_secs_f64(),
            row.settle.map_or("never (30 s)".into(), |d| format!("after {:.1} s", d.as_secs_f64())),
            row.idle_cpu,
            row.busy_cpu,
            ms(row.start_p50),
            ms(row.start_p99),
            row.pair_worst.map_or("NOT MATCHED".into(), |d| format!("{:.0} ms", ms(d))),
        );
        rows.push(row);
    }
    println!();
    println!(
        "{:>15} | {:>9} | {:>8} | {:>10} | {:>10} | {:>13} | {:>13} | {:>15} | {:>8}",
        "tickets",
        "load t/s",
        "settle s",
        "idle CPU %",
        "busy CPU %",
        "StartMM p50ms",
        "StartMM p99ms",
        "pair worst ms",
        "RSS MiB"
    );
    for r in &rows {
        println!(
            "{:>15} | {:>9.0} | {:>8} | {:>10.2} | {:>10.2} | {:>13.2} | {:>13.2} | {:>15} | {:>8.1}",
            if r.n < r.wanted {
                format!("{} of {}", r.n, r.wanted)
            } else {
                r.n.to_string()
            },
            r.n as f64 / r.load.as_secs_f64(),
            r.settle.map_or(">30".into(), |d| format!("{:.1}", d.as_secs_f64())),
            r.idle_cpu,
            r.busy_cpu,
            ms(r.start_p50),
            ms(r.start_p99),
            r.pair_worst.map_or("not matched".into(), |d| format!(
                "{:.0} ({:.2} cyc)",
                ms(d),
                ms(d) / plan.cycle_ms as f64
            )),
            r.rss_mib,
        );
    }
    if let Some(big) = rows.iter().max_by_key(|r| r.wanted) {
        if big.n < big.wanted {
            println!(
                "target at {} tickets: NOT MEASURED: loading reached only {} tickets within {} s \
                 (StartMatchmaking slows as the pool grows); figures at {} below",
                big.wanted,
                big.n,
                plan.load_cap.as_secs(),
                big.n
            );
        }
        let cpu_ok = big.idle_cpu < 5.0 && big.busy_cpu < 5.0;
        let pair_ok = big
            .pair_worst
            .is_some_and(|d| d <= Duration::from_millis(plan.cycle_ms + 100));
        println!(
            "target at {} tickets: CPU < 5 % of one core: {} (idle {:.2} %, busy {:.2} %); pair matched within one cycle: {}",
            big.n,
            if cpu_ok { "PASS" } else { "FAIL" },
            big.idle_cpu,
            big.busy_cpu,
            if pair_ok { "PASS" } else { "FAIL" },
        );
    }
    println!();
}

async fn pool_row(plan: &Plan, wanted: usize) -> PoolRow {
    let n = wanted;
    let daemon = Daemon::start(plan.cycle_ms).await;
    let addr = daemon.api;
    let cycle = Duration::from_millis(plan.cycle_ms);

    // Load: 16 connections at once, each taking the next ticket, for at most `load_cap`.
    const LOADERS: usize = 16;
    let started = Instant::now();
    let load_cap = plan.load_cap;
    let next = Arc::new(AtomicUsize::new(0));
    let loaders: Vec<_> = (0..LOADERS)
        .map(|_| {
            let next = next.clone();
            tokio::spawn(async move {
                let mut api = JsonApi::connect(addr).await;
                loop {
                    if started.elapsed() > load_cap {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    api.call(
                        "StartMatchmaking",
                        &ticket(&format!("t{i}"), SPACING * i as i64),
                    )
                    .await;
                }
            })
        })
        .collect();
    for l in loaders {
        l.await.expect("loader");
    }
    let load = started.elapsed();
    // Tickets taken before the cap (each loader stops after its call in flight).
    let n = next.load(Ordering::Relaxed).min(n);
    let n = if n < wanted {
        n.saturating_sub(LOADERS)
    } else {
        n
    };

    // Settle: the daemon works through what the burst left (each newcomer is tried against
    // the pool within a per-cycle budget); wait for one cycle-long slice under 5 %.
    let settle_from = Instant::now();
    let mut settle = None;
    while settle_from.elapsed() < Duration::from_secs(30) {
        if cpu_over(&daemon, cycle).await < 5.0 {
            settle = Some(settle_from.elapsed());
            break;
        }
    }

    let idle_cpu = cpu_over(&daemon, cycle * plan.idle_cycles as u32).await;

    // Busy window: unmatchable arrivals at a steady rate, each call timed.
    let busy = cycle * plan.busy_cycles as u32;
    let mut api = JsonApi::connect(addr).await;
    let (c0, t0) = (daemon.cpu(), Instant::now());
    let every = Duration::from_secs_f64(1.0 / plan.arrivals_per_s as f64);
    let mut tick = tokio::time::interval(every);
    let mut latencies = Vec::new();
    let mut k = 0i64;
    while t0.elapsed() < busy {
        tick.tick().await;
        let req = api.json_request(
            "StartMatchmaking",
            ticket(&format!("x{k}"), SPACING * (n as i64 + 10 + k))
                .to_string()
                .as_bytes(),
        );
        k += 1;
        let s = Instant::now();
        let (status, body) = api.send_raw(&req).await;
        latencies.push(s.elapsed());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    }
    let busy_cpu = 100.0 * (daemon.cpu() - c0).as_secs_f64() / t0.elapsed().as_secs_f64();
    latencies.sort();

    // Matchable pairs: both players at a skill far from everyone else.
    let mut worst: Option<Duration> = Some(Duration::ZERO);
    for p in 0..plan.pairs {
        let skill = -1_000_000 - 10 * p as i64;
        api.call("StartMatchmaking", &ticket(&format!("pair{p}a"), skill))
            .await;
        let second = api.json_request(
            "StartMatchmaking",
            ticket(&format!("pair{p}b"), skill).to_string().as_bytes(),
        );
        let t = Instant::now();
        let (status, _) = api.send_raw(&second).await;
        assert_eq!(status, 200);
        let describe = json!({"TicketIds": [format!("pair{p}b")]});
        let deadline = t + cycle * 5;
        let took = loop {
            let v = api.call("DescribeMatchmaking", &describe).await;
            let status = v["TicketList"][0]["Status"].as_str().unwrap_or("");
            if matches!(status, "COMPLETED" | "PLACING" | "REQUIRES_ACCEPTANCE") {
                break Some(t.elapsed());
            }
            if Instant::now() > deadline {
                break None;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        worst = match (worst, took) {
            (Some(w), Some(d)) => Some(w.max(d)),
            _ => None,
        };
        // Start the next pair at a different point of the cycle.
        tokio::time::sleep(cycle / 3).await;
    }

    // The loaded tickets are still searching (none matched, none timed out).
    let sample: Vec<String> = [0, n / 2, n - 1].iter().map(|i| format!("t{i}")).collect();
    let v = api
        .call("DescribeMatchmaking", &json!({ "TicketIds": sample }))
        .await;
    for t in v["TicketList"].as_array().expect("tickets") {
        assert_eq!(t["Status"], "SEARCHING", "{t}");
    }
    let rss_mib = daemon.rss_kib() as f64 / 1024.0;
    daemon.stop();
    PoolRow {
        wanted,
        n,
        load,
        settle,
        idle_cpu,
        busy_cpu,
        start_p50: percentile(&latencies, 50.0),
        start_p99: percentile(&latencies, 99.0),
        pair_worst: worst,
        rss_mib,
    }
}

// ---------------------------------------------------------------------------------------------
// Game servers over raw WebSocket.

type Ws = tokio_tungstenite::WebSocketStream<TcpStream>;

/// Connects game server `pid` and makes it ready (ActivateServerProcess answered 200).
async fn ready_server(ws_addr: SocketAddr, pid: &str) -> Option<Ws> {
    let url = format!(
        "ws://{ws_addr}/?ComputeId=bench&FleetId={FLEET}&IdempotencyToken=t&pID={pid}&sdkLanguage=Go&sdkVersion=5.6.0&Authorization=bench"
    );
    let tcp = TcpStream::connect(ws_addr).await.ok()?;
    tcp.set_nodelay(true).ok()?;
    let (mut ws, _) = tokio_tungstenite::client_async(url, tcp).await.ok()?;
    let req = format!(
        r#"{{"Action":"ActivateServerProcess","RequestId":"ready-{pid}","SdkVersion":"5.6.0","SdkLanguage":"Go","Port":7777,"LogPaths":null}}"#
    );
    ws.send(Message::text(req)).await.ok()?;
    loop {
        let m = ws.next().await?.ok()?;
        if let Ok(t) = m.to_text() {
            if t.contains("ready-") {
                return t.contains("\"StatusCode\":200").then_some(ws);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (b) Heartbeats while the API face chews large bodies.

/// ≈4 MB DescribeMatchmaking bodies: 150,000 ticket ids (validation refuses more than 10,
/// after decoding them all).
const BIG_IDS: usize = 150_000;

fn big_json() -> Vec<u8> {
    let ids: Vec<String> = (0..BIG_IDS).map(|i| format!("ticket-{i:017}")).collect();
    json!({ "TicketIds": ids }).to_string().into_bytes()
}

fn cbor_head(out: &mut Vec<u8>, major: u8, len: usize) {
    let m = major << 5;
    match len {
        0..=23 => out.push(m | len as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, len as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(m | 26);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
}

fn big_cbor() -> Vec<u8> {
    let mut out = Vec::new();
    cbor_head(&mut out, 5, 1);
    cbor_head(&mut out, 3, "TicketIds".len());
    out.extend_from_slice(b"TicketIds");
    cbor_head(&mut out, 4, BIG_IDS);
    for i in 0..BIG_IDS {
        let id = format!("ticket-{i:017}");
        cbor_head(&mut out, 3, id.len());
        out.extend_from_slice(id.as_bytes());
    }
    out
}

/// Each server heartbeats every `every` until `stop`; all round trips.
async fn heartbeats(servers: &mut [Ws], every: Duration, window: Duration) -> Vec<Duration> {
    let deadline = Instant::now() + window;
    let mut all = Vec::new();
    let tasks = servers.iter_mut().enumerate().map(|(s, ws)| async move {
        let mut out = Vec::new();
        let mut tick = tokio::time::interval(every);
        // Spread the servers over the interval.
        tokio::time::sleep(every * s as u32 / 20).await;
        let mut k = 0u64;
        while Instant::now() < deadline {
            tick.tick().await;
            let id = format!("hb-{s}-{k}");
            k += 1;
            let msg = format!(
                r#"{{"Action":"HeartbeatServerProcess","RequestId":"{id}","HealthStatus":true}}"#
            );
            let t = Instant::now();
            ws.send(Message::text(msg)).await.expect("heartbeat sent");
            loop {
                let m = tokio::time::timeout(Duration::from_secs(30), ws.next())
                    .await
                    .expect("a heartbeat answered within 30 s")
                    .expect("socket open")
                    .expect("frame");
                if m.to_text().is_ok_and(|t| t.contains(&id)) {
                    break;
                }
            }
            out.push(t.elapsed());
        }
        out
    });
    for v in futures_util::future::join_all(tasks).await {
        all.extend(v);
    }
    all.sort();
    all
}

async fn heartbeat_under_load(plan: &Plan) {
    let daemon = Daemon::start(1000).await;
    let mut servers = Vec::new();
    for i in 0..plan.hb_processes {
        servers.push(
            ready_server(daemon.ws, &format!("hb-proc-{i}"))
                .await
                .expect("a game server becomes ready"),
        );
    }
    let every = Duration::from_millis(50);
    let quiet = heartbeats(&mut servers, every, plan.hb_window).await;

    let (json_body, cbor_body) = (Arc::new(big_json()), Arc::new(big_cbor()));
    println!(
        "pool_cost (b): {} game servers heartbeat every {} ms; API load: 4 connections sending {:.1} MB JSON / {:.1} MB CBOR DescribeMatchmaking bodies back to back",
        plan.hb_processes,
        every.as_millis(),
        json_body.len() as f64 / 1e6,
        cbor_body.len() as f64 / 1e6
    );
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let api_times = Arc::new(parking_lot::Mutex::new(Vec::new()));
    // The load is generated on threads of its own: writing 4 MB bodies must not delay the
    // bench's own heartbeat clients, or the bench measures itself rather than the daemon.
    let loader_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("loaders' runtime");
    let spawner = loader_rt.handle().clone();
    let loaders: Vec<_> = (0..4)
        .map(|i| {
            let (stop, sent, api_times) = (stop.clone(), sent.clone(), api_times.clone());
            let (json_body, cbor_body) = (json_body.clone(), cbor_body.clone());
            let addr = daemon.api;
            spawner.spawn(async move {
                let mut api = JsonApi::connect(addr).await;
                let req = if i % 2 == 0 {
                    api.json_request("DescribeMatchmaking", &json_body)
                } else {
                    api.cbor_request("DescribeMatchmaking", &cbor_body)
                };
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let (status, body) = api.send_raw(&req).await;
                    api_times.lock().push(t.elapsed());
                    assert_eq!(
                        status,
                        400,
                        "a 4 MB DescribeMatchmaking is refused: {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    );
                    sent.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    // Let the load get going.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let c0 = daemon.cpu();
    let t0 = Instant::now();
    let loaded = heartbeats(&mut servers, every, plan.hb_window).await;
    let cpu = 100.0 * (daemon.cpu() - c0).as_secs_f64() / t0.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for l in loaders {
        l.await.expect("API loader");
    }
    loader_rt.shutdown_background();
    let mut api_times = api_times.lock().clone();
    api_times.sort();
    println!(
        "{:<28} | {:>6} | {:>9} | {:>9} | {:>9}",
        "heartbeat round trip", "n", "p50 ms", "p99 ms", "max ms"
    );
    for (what, v) in [("API quiet", &quiet), ("API loaded", &loaded)] {
        println!(
            "{what:<28} | {:>6} | {:>9.2} | {:>9.2} | {:>9.2}",
            v.len(),
            ms(percentile(v, 50.0)),
            ms(percentile(v, 99.0)),
            ms(*v.last().unwrap_or(&Duration::ZERO)),
        );
    }
    println!(
        "API load: {} large bodies answered in the window ({:.1}/s), each in p50 {:.0} ms p99 {:.0} ms; daemon CPU {:.0} % of one core",
        sent.load(Ordering::Relaxed),
        api_times.len() as f64 / t0.elapsed().as_secs_f64(),
        ms(percentile(&api_times, 50.0)),
        ms(percentile(&api_times, 99.0)),
        cpu
    );
    let p99 = percentile(&loaded, 99.0);
    println!(
        "target: a heartbeat is answered within a few ms whatever the API is doing: loaded p99 {:.2} ms {}",
        ms(p99),
        if p99 <= Duration::from_millis(10) {
            "PASS (<= 10 ms)"
        } else {
            "FAIL (> 10 ms)"
        }
    );
    println!();
    drop(servers);
    daemon.stop();
}

// ---------------------------------------------------------------------------------------------
// (c) Memory per connected process.

async fn memory_per_process(plan: &Plan) {
    let n = plan.memory_processes;
    let daemon = Daemon::start(1000).await;
    // One connection first, so lazily built state (first-connection buffers, the runtime's
    // per-worker caches) is not billed to the thousand.
    let warm = ready_server(daemon.ws, "warm").await.expect("ready");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = daemon.rss_kib();
    let gate = Arc::new(tokio::sync::Semaphore::new(64));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (gate, ws) = (gate.clone(), daemon.ws);
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.ok()?;
                ready_server(ws, &format!("mem-proc-{i}")).await
            })
        })
        .collect();
    let mut open = Vec::with_capacity(n);
    for t in tasks {
        if let Ok(Some(ws)) = t.await {
            open.push(ws);
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = daemon.rss_kib();
    let delta = after.saturating_sub(before);
    println!(
        "pool_cost (c): {} of {n} game servers ready; daemon RSS {before} KiB -> {after} KiB: {:.1} KiB per connected process (issue 15: 22.7 KiB)",
        open.len(),
        delta as f64 / open.len().max(1) as f64
    );
    drop(open);
    drop(warm);
    daemon.stop();
}
