//! Expansions: rule and team properties that relax with time.
//!
//! Guide lines 600–628 and 705–720: "规则集扩展中的等待时间是绝对的，不是复合的" —
//! wait times are absolute, counted from the creation of a reference ticket:
//! the newest ticket of the potential match (`expansionAgeSelection: newest`,
//! the default) or the oldest (`oldest`).
//!
//! Every relaxable numeric property of the rule set has a slot in a flat
//! parameter vector. At parse time all expansions are folded into *stages*:
//! the sorted distinct wait times, each with the complete parameter vector in
//! force from that moment. Matching then picks a stage with one binary
//! search and reads `params[slot]` — no per-evaluation work, no allocation.

use super::ruleset::{ParamId, Step};

/// The parameter vector in force at each stage of the expansions.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Stage 0 starts at 0 ms and holds the base values; later stages start at their wait time.
    stages: Vec<(u64, Vec<f64>)>,
}

impl Params {
    /// Folds expansions into stages. `base` holds the declared values (NaN = unset).
    pub(crate) fn build(base: Vec<f64>, expansions: &[(Vec<ParamId>, Vec<Step>)]) -> Params {
        let mut waits: Vec<u64> = expansions
            .iter()
            .flat_map(|(_, s)| s.iter().map(|s| s.wait_ms))
            .collect();
        waits.retain(|&w| w > 0);
        waits.sort_unstable();
        waits.dedup();
        let mut stages = Vec::with_capacity(waits.len() + 1);
        stages.push((0, apply(&base, expansions, 0)));
        for w in waits {
            stages.push((w, apply(&base, expansions, w)));
        }
        Params { stages }
    }

    /// Parameters in force `age_ms` after the reference ticket's creation.
    pub fn at(&self, age_ms: u64) -> &[f64] {
        &self.stages[self.stage_index(age_ms)].1
    }

    /// Index of the stage in force at `age_ms` (0 = no expansion yet).
    pub fn stage_index(&self, age_ms: u64) -> usize {
        self.stages
            .partition_point(|(w, _)| *w <= age_ms)
            .saturating_sub(1)
    }

    /// Start times (ms after creation) of every expansion stage, ascending, excluding 0.
    pub fn boundaries(&self) -> impl Iterator<Item = u64> + '_ {
        self.stages.iter().skip(1).map(|(w, _)| *w)
    }

    /// The base (unexpanded) parameters.
    pub fn base(&self) -> &[f64] {
        &self.stages[0].1
    }

    /// The largest stage: every expansion applied.
    pub fn last(&self) -> &[f64] {
        &self.stages[self.stages.len() - 1].1
    }
}

fn apply(base: &[f64], expansions: &[(Vec<ParamId>, Vec<Step>)], age_ms: u64) -> Vec<f64> {
    let mut v = base.to_vec();
    for (slots, steps) in expansions {
        // Steps are absolute: the latest one whose wait has passed wins.
        let mut cur: Option<Step> = None;
        for s in steps {
            if s.wait_ms <= age_ms && cur.is_none_or(|c| s.wait_ms >= c.wait_ms) {
                cur = Some(*s);
            }
        }
        if let Some(s) = cur {
            for &slot in slots {
                v[slot] = s.value;
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guide line ~616: maxDistance 5 → 10 after 15 s → 20 after 25 s (absolute times).
    #[test]
    fn steps_are_absolute() {
        let steps = vec![
            Step {
                wait_ms: 15_000,
                value: 10.0,
            },
            Step {
                wait_ms: 25_000,
                value: 20.0,
            },
        ];
        let p = Params::build(vec![5.0, 1.0], &[(vec![0], steps)]);
        assert_eq!(p.at(0)[0], 5.0);
        assert_eq!(p.at(14_999)[0], 5.0);
        assert_eq!(p.at(15_000)[0], 10.0);
        assert_eq!(p.at(24_999)[0], 10.0);
        assert_eq!(p.at(25_000)[0], 20.0);
        assert_eq!(p.at(1_000_000)[0], 20.0);
        assert_eq!(p.at(1_000_000)[1], 1.0);
        assert_eq!(p.boundaries().collect::<Vec<_>>(), vec![15_000, 25_000]);
    }

    #[test]
    fn several_expansions_share_stages() {
        let a = (
            vec![0],
            vec![
                Step {
                    wait_ms: 10_000,
                    value: 150.0,
                },
                Step {
                    wait_ms: 15_000,
                    value: 100.0,
                },
            ],
        );
        let b = (
            vec![1, 2],
            vec![Step {
                wait_ms: 12_000,
                value: 200.0,
            }],
        );
        let p = Params::build(vec![175.0, 150.0, 150.0], &[a, b]);
        assert_eq!(p.at(11_000), &[150.0, 150.0, 150.0]);
        assert_eq!(p.at(12_000), &[150.0, 200.0, 200.0]);
        assert_eq!(p.at(15_000), &[100.0, 200.0, 200.0]);
        assert_eq!(p.last(), &[100.0, 200.0, 200.0]);
    }
}
