//! How full and how complete the matches are when a burst of players arrives (issue 14: "the
//! share of tickets matched and the mean team fill (players per match / maximum) ... for each
//! rule set and for the guide's eleven examples fed with a burst of players").
//!
//! For each rule set — the flexmatch bench's A, B and C, and the guide's eleven examples
//! ("FlexMatch 规则集示例", guide 002 lines 803–1708, as copied in
//! `flexmatch/tests/rulesets/`) — a STANDALONE core (no placement: a match completes its
//! tickets at once) gets a burst of solo tickets whose attributes are drawn to fit the example
//! (a few hundred players within 300 ms, a fraction of the default 1 s matchmaking cycle),
//! then time moves on the core's own timers (cycles, expansions, request timeouts of 120 s)
//! until the pool is settled. It prints, per rule set: players, matches, the share of players
//! matched, the mean fill (players per match / the rule set's maximum players), and the mean
//! wait of a matched player.
//!
//! `cargo bench -p playfield-core --bench burst_fill` (a release build; a few seconds).
//! Deterministic: fixed seeds, no wall clock.

use std::collections::BTreeMap;

use playfield_core::{
    ConfigurationSpec, Core, CoreConfig, Effect, Event, FlexMatchMode, MatchmakingEvent,
    StartMatchmaking,
};
use playfield_flexmatch::{AttributeValue, Player, RuleSet};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// 2025-01-01T00:00:00Z, the start of every run.
const T0: u64 = 1_735_689_600_000;
/// The burst: every player starts matchmaking within this many milliseconds.
const BURST_MS: u64 = 300;
/// The configuration's RequestTimeoutSeconds: past every example's last expansion step.
const REQUEST_TIMEOUT_S: u32 = 120;

/// Rule sets A (two teams of 5, fair team skill), B (A plus a latency rule) and C (one large
/// team, balanced, latency): the flexmatch bench's, shared from `flexmatch/benches/rulesets/`.
const RULE_SET_A: &str = include_str!("../../flexmatch/benches/rulesets/bench-a.json");
const RULE_SET_B: &str = include_str!("../../flexmatch/benches/rulesets/bench-b.json");
const RULE_SET_C: &str = include_str!("../../flexmatch/benches/rulesets/bench-c.json");

const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"];

/// Normal(mean, sd) by Box–Muller.
fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn num(p: &mut Player, name: &str, v: f64) {
    p.attributes.insert(name.into(), AttributeValue::Number(v));
}

fn string(p: &mut Player, name: &str, v: &str) {
    p.attributes
        .insert(name.into(), AttributeValue::String(v.into()));
}

fn list(p: &mut Player, name: &str, v: &[&str]) {
    p.attributes.insert(
        name.into(),
        AttributeValue::StringList(v.iter().map(|s| s.to_string()).collect()),
    );
}

/// Latencies to three of the four regions, `lo..=hi` ms each.
fn latencies(rng: &mut ChaCha8Rng, p: &mut Player, lo: u32, hi: u32) {
    let skip = rng.random_range(0..REGIONS.len());
    for (k, r) in REGIONS.iter().enumerate() {
        if k != skip {
            p.latency_ms
                .insert(r.to_string(), rng.random_range(lo..=hi));
        }
    }
}

/// `k` distinct items of `from`, in `from`'s order.
fn some<'a>(rng: &mut ChaCha8Rng, from: &[&'a str], k: usize) -> Vec<&'a str> {
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < k.min(from.len()) {
        let i = rng.random_range(0..from.len());
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    picked.sort();
    picked.into_iter().map(|i| from[i]).collect()
}

/// A rule set to feed: its label, body, burst size and the player generator.
struct Case {
    label: &'static str,
    body: String,
    players: usize,
    player: fn(&mut ChaCha8Rng, usize, usize) -> Player,
}

fn base(i: usize) -> Player {
    Player {
        id: format!("p{i}"),
        ..Default::default()
    }
}

fn cases() -> Vec<Case> {
    macro_rules! example {
        ($file:literal) => {
            include_str!(concat!("../../flexmatch/tests/rulesets/", $file, ".json")).to_string()
        };
    }
    vec![
        Case {
            label: "A (5v5, fair team skill)",
            body: RULE_SET_A.into(),
            players: 1000,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "skill", normal(rng, 1000.0, 200.0));
                p
            },
        },
        Case {
            label: "B (A + latency 100)",
            body: RULE_SET_B.into(),
            players: 1000,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "skill", normal(rng, 1000.0, 200.0));
                latencies(rng, &mut p, 20, 200);
                p
            },
        },
        Case {
            label: "C (large 175-200, latency)",
            body: RULE_SET_C.into(),
            players: 1000,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "skill", normal(rng, 1000.0, 200.0));
                latencies(rng, &mut p, 20, 200);
                p
            },
        },
        // Example 1: teams of 4–8, equal sizes, team average skill near the match's.
        Case {
            label: "01 aliens vs cowboys",
            body: example!("01_aliens_vs_cowboys"),
            players: 300,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "skill", normal(rng, 50.0, 10.0).round());
                p
            },
        },
        // Example 2: 5 hunters and 1 monster who wants to be one and is skilled enough.
        Case {
            label: "02 players vs monster",
            body: example!("02_players_vs_monster"),
            players: 300,
            player: |rng, i, _| {
                let mut p = base(i);
                if i % 6 == 0 {
                    num(&mut p, "wantsToBeMonster", 1.0);
                    num(&mut p, "skill", rng.random_range(30..=60) as f64);
                } else {
                    num(&mut p, "wantsToBeMonster", 0.0);
                    num(&mut p, "skill", rng.random_range(10..=50) as f64);
                    num(
                        &mut p,
                        "desiredSkillOfMonster",
                        rng.random_range(10..=40) as f64,
                    );
                }
                p
            },
        },
        // Example 3: three teams of 3–5, close sizes, fair skill, at most 5 medics, latency.
        Case {
            label: "03 three team game",
            body: example!("03_three_team_game"),
            players: 300,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "skill", normal(rng, 50.0, 10.0).round());
                let c = ["peasant", "knight", "archer", "medic"][rng.random_range(0..4)];
                list(&mut p, "character", &[c]);
                latencies(rng, &mut p, 20, 140);
                p
            },
        },
        // Example 4: 3v3, a shared game mode and an acceptable map in common.
        Case {
            label: "04 multi map game",
            body: example!("04_multi_map_game"),
            players: 300,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "experience", rng.random_range(1..=100) as f64);
                let k = rng.random_range(1..=2);
                list(
                    &mut p,
                    "gameMode",
                    &some(rng, &["deathmatch", "coop", "ctf"], k),
                );
                let k = rng.random_range(1..=3);
                let maps = some(rng, &["canyon", "harbor", "tundra"], k);
                list(&mut p, "acceptableMaps", &maps);
                let prefs = maps
                    .iter()
                    .map(|m| (m.to_string(), rng.random_range(1..=100) as f64))
                    .collect();
                p.attributes.insert(
                    "mapPreference".into(),
                    AttributeValue::StringNumberMap(prefs),
                );
                p
            },
        },
        // Example 5: one team of 5 whose characters are on everyone's preferred opponents.
        Case {
            label: "05 preferred characters",
            body: example!("05_preferred_characters"),
            players: 300,
            player: |rng, i, _| {
                let chars = ["ninja", "wizard", "robot", "pirate", "knight"];
                let mut p = base(i);
                list(&mut p, "myCharacter", &[chars[rng.random_range(0..5)]]);
                list(&mut p, "preferredOpponents", &some(rng, &chars, 4));
                p
            },
        },
        // Example 6: 1v1, same mode and map, different characters.
        Case {
            label: "06 compare all players",
            body: example!("06_compare_all_players"),
            players: 300,
            player: |rng, i, _| {
                let mut p = base(i);
                string(
                    &mut p,
                    "gameMode",
                    ["turn-based", "real-time"][rng.random_range(0..2)],
                );
                num(&mut p, "gameMap", rng.random_range(1..=3) as f64);
                num(&mut p, "character", rng.random_range(1..=6) as f64);
                p
            },
        },
        // Example 7: one team of 175–200 (100 after 15 s), latency 150 (200 after 12 s).
        Case {
            label: "07 free for all",
            body: example!("07_free_for_all"),
            players: 400,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "skill", normal(rng, 50.0, 10.0).round());
                latencies(rng, &mut p, 20, 180);
                p
            },
        },
        // Example 8: 5 monsters and ten hunter teams of 12–15, latency 150.
        Case {
            label: "08 monster hunters",
            body: example!("08_monster_hunters"),
            players: 400,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "monster-kills", rng.random_range(0..=20) as f64);
                latencies(rng, &mut p, 20, 160);
                p
            },
        },
        // Example 9: 100 v 100, batched on league, skill, map and mode.
        Case {
            label: "09 large similar attributes",
            body: example!("09_large_similar_attributes"),
            players: 400,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "league", rng.random_range(1..=3) as f64);
                num(&mut p, "skill", rng.random_range(45..=55) as f64);
                string(&mut p, "map", ["canyon", "harbor"][rng.random_range(0..2)]);
                string(&mut p, "mode", "ctf");
                latencies(rng, &mut p, 20, 120);
                p
            },
        },
        // Example 10: 10–20 a side, same map and mode, or close skill and league.
        Case {
            label: "10 compound",
            body: example!("10_compound"),
            players: 300,
            player: |rng, i, _| {
                let mut p = base(i);
                num(&mut p, "league", rng.random_range(1..=10) as f64);
                num(&mut p, "skill", rng.random_range(0..=100) as f64);
                string(&mut p, "map", ["canyon", "harbor"][rng.random_range(0..2)]);
                string(&mut p, "mode", ["ctf", "tdm"][rng.random_range(0..2)]);
                latencies(rng, &mut p, 20, 120);
                p
            },
        },
        // Example 11: 5v5, nobody in a match on another player's block list.
        Case {
            label: "11 block list",
            body: example!("11_block_list"),
            players: 300,
            player: |rng, i, n| {
                let mut p = base(i);
                let k = rng.random_range(0..=3);
                let blocked: Vec<String> = (0..k)
                    .map(|_| format!("p{}", rng.random_range(0..n)))
                    .filter(|b| *b != p.id)
                    .collect();
                let blocked: Vec<&str> = blocked.iter().map(String::as_str).collect();
                list(&mut p, "BlockList", &blocked);
                p
            },
        },
    ]
}

/// What one burst came to.
struct Outcome {
    players: usize,
    matches: usize,
    matched: usize,
    fill: f64,
    wait_ms: f64,
}

fn run(case: &Case, seed: u64) -> Outcome {
    let max = RuleSet::parse(&case.body)
        .unwrap_or_else(|e| panic!("{}: {e}", case.label))
        .max_match_players as f64;
    let mut c = Core::new(CoreConfig {
        seed,
        ..CoreConfig::default()
    });
    c.create_rule_set(T0, "rs", &case.body)
        .unwrap_or_else(|e| panic!("{}: {e}", case.label));
    let mut spec = ConfigurationSpec::new("cfg", "rs", "unused");
    spec.flex_match_mode = FlexMatchMode::Standalone;
    spec.game_session_queues.clear();
    spec.request_timeout_seconds = REQUEST_TIMEOUT_S;
    c.create_configuration(T0, spec)
        .unwrap_or_else(|e| panic!("{}: {e}", case.label));
    c.take_effects();

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut started: BTreeMap<String, u64> = BTreeMap::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut waits: Vec<u64> = Vec::new();
    let mut collect = |c: &mut Core, now: u64, started: &BTreeMap<String, u64>| {
        for e in c.take_effects() {
            if let Effect::Event(Event::Matchmaking(MatchmakingEvent::PotentialMatchCreated {
                ticket_ids,
                ..
            })) = e
            {
                sizes.push(ticket_ids.len());
                waits.extend(ticket_ids.iter().map(|t| now - started[t.as_str()]));
            }
        }
    };
    for i in 0..case.players {
        let now = T0 + (i as u64 * BURST_MS) / case.players as u64;
        let id = format!("t{i}");
        started.insert(id.clone(), now);
        c.start_matchmaking(
            now,
            StartMatchmaking {
                ticket_id: Some(id.clone()),
                configuration_name: "cfg".into(),
                players: vec![(case.player)(&mut rng, i, case.players)],
            },
        )
        .unwrap_or_else(|e| panic!("{}: ticket {id}: {e}", case.label));
        collect(&mut c, now, &started);
    }
    let end = T0 + BURST_MS + u64::from(REQUEST_TIMEOUT_S) * 1_000 + 1_000;
    while let Some(at) = c.next_deadline() {
        if at > end {
            break;
        }
        c.on_time(at);
        collect(&mut c, at, &started);
    }
    let matched: usize = sizes.iter().sum();
    Outcome {
        players: case.players,
        matches: sizes.len(),
        matched,
        fill: sizes.iter().map(|&s| s as f64 / max).sum::<f64>() / sizes.len().max(1) as f64,
        wait_ms: waits.iter().sum::<u64>() as f64 / waits.len().max(1) as f64,
    }
}

fn main() {
    let seeds = [1u64, 2, 3];
    println!(
        "burst_fill: solo players within {BURST_MS} ms, STANDALONE, request timeout \
         {REQUEST_TIMEOUT_S} s, matchmaking cycle: {}; sums over seeds {seeds:?}",
        CoreConfig::default().matchmaking_cycle_ms_or_none()
    );
    println!(
        "{:<30} | {:>7} | {:>7} | {:>8} | {:>9} | {:>10}",
        "rule set", "players", "matches", "matched", "mean fill", "mean wait"
    );
    for case in cases() {
        let runs: Vec<Outcome> = seeds.iter().map(|&s| run(&case, s)).collect();
        let players: usize = runs.iter().map(|r| r.players).sum();
        let matches: usize = runs.iter().map(|r| r.matches).sum();
        let matched: usize = runs.iter().map(|r| r.matched).sum();
        let fill =
            runs.iter().map(|r| r.fill * r.matches as f64).sum::<f64>() / matches.max(1) as f64;
        let wait = runs
            .iter()
            .map(|r| r.wait_ms * r.matched as f64)
            .sum::<f64>()
            / matched.max(1) as f64;
        println!(
            "{:<30} | {:>7} | {:>7} | {:>7.1}% | {:>8.1}% | {:>7.0} ms",
            case.label,
            players,
            matches,
            100.0 * matched as f64 / players as f64,
            100.0 * fill,
            wait
        );
    }
}

/// The cycle setting, printed where the core has one (the tool runs on cores before it too).
trait CycleSetting {
    fn matchmaking_cycle_ms_or_none(&self) -> String;
}

impl CycleSetting for CoreConfig {
    fn matchmaking_cycle_ms_or_none(&self) -> String {
        format!("{} ms", self.matchmaking_cycle_ms)
    }
}
