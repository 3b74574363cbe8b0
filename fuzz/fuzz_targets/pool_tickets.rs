//! Tickets with fuzzer-chosen players, attributes (any types and values: NaN, infinities,
//! empty and long strings, the rule set's names or others), latencies and teams, inserted
//! into a pool over one of the sample rule sets, interleaved with removals, matching passes
//! and backfills at fuzzer-chosen times.
#![no_main]

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use arbitrary::{Arbitrary, Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use playfield_flexmatch::{AttributeValue, Player, Pool, RuleSet, Ticket};

const RULE_SETS: &[&str] = &[
    include_str!("../../flexmatch/benches/rulesets/bench-a.json"),
    include_str!("../../flexmatch/benches/rulesets/bench-b.json"),
    include_str!("../../flexmatch/benches/rulesets/bench-c.json"),
    include_str!("../../flexmatch/tests/rulesets/01_aliens_vs_cowboys.json"),
    include_str!("../../flexmatch/tests/rulesets/02_players_vs_monster.json"),
    include_str!("../../flexmatch/tests/rulesets/03_three_team_game.json"),
    include_str!("../../flexmatch/tests/rulesets/04_multi_map_game.json"),
    include_str!("../../flexmatch/tests/rulesets/05_preferred_characters.json"),
    include_str!("../../flexmatch/tests/rulesets/06_compare_all_players.json"),
    include_str!("../../flexmatch/tests/rulesets/07_free_for_all.json"),
    include_str!("../../flexmatch/tests/rulesets/08_monster_hunters.json"),
    include_str!("../../flexmatch/tests/rulesets/09_large_similar_attributes.json"),
    include_str!("../../flexmatch/tests/rulesets/10_compound.json"),
    include_str!("../../flexmatch/tests/rulesets/11_block_list.json"),
];

struct Sample {
    rs: Arc<RuleSet>,
    attributes: Vec<String>,
    teams: Vec<String>,
}

fn samples() -> &'static [Sample] {
    static S: OnceLock<Vec<Sample>> = OnceLock::new();
    S.get_or_init(|| {
        RULE_SETS
            .iter()
            .map(|t| {
                let rs = RuleSet::parse(t).expect("sample rule sets parse");
                Sample {
                    attributes: rs.attributes.iter().map(|a| a.name.clone()).collect(),
                    teams: rs.team_defs.iter().map(|t| t.name.clone()).collect(),
                    rs: Arc::new(rs),
                }
            })
            .collect()
    })
}

const IDS: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h"];
const REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-west-1", ""];
const WORDS: &[&str] = &[
    "", "a", "b", "red", "blue", "map1", "map2", "cowboy", "alien", "p1", "p2", "x", "1",
];
const NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    10.0,
    50.0,
    1e308,
    -1e308,
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    1e-300,
    4294967296.0,
];

fn word(u: &mut Unstructured, known: &[String]) -> Result<String> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => u.arbitrary()?,
        1 if !known.is_empty() => u.choose(known)?.clone(),
        _ => u.choose(WORDS)?.to_string(),
    })
}

fn number(u: &mut Unstructured) -> Result<f64> {
    if u.arbitrary()? {
        Ok(*u.choose(NUMBERS)?)
    } else {
        u.arbitrary()
    }
}

fn attribute(u: &mut Unstructured, s: &Sample) -> Result<AttributeValue> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => AttributeValue::String(word(u, &s.teams)?),
        1 => AttributeValue::Number(number(u)?),
        2 => {
            let n = u.int_in_range(0..=5u8)?;
            let mut l = Vec::new();
            for _ in 0..n {
                l.push(word(u, &s.teams)?);
            }
            AttributeValue::StringList(l)
        }
        _ => {
            let n = u.int_in_range(0..=4u8)?;
            let mut m = BTreeMap::new();
            for _ in 0..n {
                m.insert(word(u, &s.attributes)?, number(u)?);
            }
            AttributeValue::StringNumberMap(m)
        }
    })
}

fn player(u: &mut Unstructured, s: &Sample) -> Result<Player> {
    let mut p = Player {
        id: if u.ratio(1u8, 8)? {
            u.arbitrary()?
        } else {
            u.choose(IDS)?.to_string()
        },
        ..Default::default()
    };
    let n = u.int_in_range(0..=s.attributes.len() + 1)?;
    for _ in 0..n {
        let name = word(u, &s.attributes)?;
        p.attributes.insert(name, attribute(u, s)?);
    }
    let n = u.int_in_range(0..=3u8)?;
    for _ in 0..n {
        let region = if u.ratio(1u8, 8)? {
            u.arbitrary()?
        } else {
            u.choose(REGIONS)?.to_string()
        };
        p.latency_ms.insert(region, u.arbitrary()?);
    }
    if u.ratio(1u8, 4)? {
        p.team = Some(word(u, &s.teams)?);
    }
    Ok(p)
}

fn ticket(u: &mut Unstructured, s: &Sample, base_ms: u64) -> Result<Ticket> {
    let id = if u.ratio(1u8, 8)? {
        u.arbitrary()?
    } else {
        u.choose(IDS)?.to_string()
    };
    let n = u.int_in_range(0..=12u8)?;
    let mut players = Vec::new();
    for _ in 0..n {
        players.push(player(u, s)?);
    }
    Ok(Ticket {
        id,
        players,
        created_ms: base_ms.saturating_add(u.int_in_range(0..=120_000u64)?),
        backfill: u.ratio(1u8, 6)?,
    })
}

#[derive(Arbitrary, Debug)]
enum Op {
    Insert,
    Remove(u8),
    Pass { advance_ms: u16, seed: u64 },
    FullPass { advance_ms: u16, seed: u64 },
    Backfill(u8),
    TimeJump(u64),
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let s = u.choose(samples())?;
    let mut pool = Pool::new(s.rs.clone());
    let mut now: u64 = u.int_in_range(0..=2_000_000_000_000u64)?;
    let base = now;
    let steps = u.int_in_range(1..=40u8)?;
    let debug = std::env::var_os("FUZZ_DEBUG").is_some();
    if debug {
        eprintln!(
            "rule set #{}, now {now}",
            samples()
                .iter()
                .position(|x| std::ptr::eq(x, s))
                .unwrap_or(0)
        );
    }
    for _ in 0..steps {
        let op = u.arbitrary::<Op>()?;
        if debug {
            eprintln!("{op:?}");
        }
        match op {
            Op::Insert => {
                let t = ticket(&mut u, s, base)?;
                if debug {
                    eprintln!("  {t:?}");
                }
                let r = pool.insert(t);
                if debug {
                    eprintln!("  -> {r:?}");
                }
            }
            Op::Remove(i) => {
                let _ = pool.remove(IDS[usize::from(i) % IDS.len()]);
            }
            Op::Pass { advance_ms, seed } => {
                now = now.saturating_add(u64::from(advance_ms) * 100);
                let r = pool.find_matches(now, seed);
                if debug {
                    eprintln!("  at {now}: {} matches", r.matches.len());
                }
            }
            Op::FullPass { advance_ms, seed } => {
                now = now.saturating_add(u64::from(advance_ms));
                let _ = pool.find_full_matches(now, seed);
            }
            Op::Backfill(i) => {
                let _ = pool.backfill(IDS[usize::from(i) % IDS.len()], now);
            }
            Op::TimeJump(t) => {
                now = t;
                let _ = pool.next_expansion_due(now);
            }
        }
    }
    let _ = pool.find_matches(now.saturating_add(600_000), 7);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
