//! The typed rule set: what a FlexMatch rule set body means once validated.
//!
//! [`RuleSet::parse`] reads the JSON body (with the `//` comments the guide's
//! examples use), validates it and returns either a [`RuleSet`] or every
//! problem found as [`RuleSetErrors`], each located by a JSON path such as
//! `rules[2].measurements[0]`. That is what `ValidateMatchmakingRuleSet`
//! answers.
//!
//! Names are resolved once, here: attributes become indexes into
//! [`RuleSet::attributes`], teams become instance indexes (a definition with
//! `quantity: 3` named `trio` becomes instances `trio_1`, `trio_2`, `trio_3`),
//! and every numeric property that an expansion may relax becomes a slot in a
//! parameter table ([`Params`]) so that matching reads `params[slot]` instead
//! of looking anything up by name.

mod compound;
mod expansions;
mod measuring;
mod parse;
mod rules;

use super::expansion::Params;
use super::expr::Expr;
use super::ticket::AttributeValue;
use std::fmt;

/// Index of a relaxable numeric property in [`Params`]. Unset properties hold NaN.
pub type ParamId = usize;

/// Declared type of a player attribute (guide line ~2720).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    /// `"string"`.
    String,
    /// `"number"`.
    Number,
    /// `"string_list"`.
    StringList,
    /// `"string_number_map"`.
    StringNumberMap,
}

/// A `playerAttributes` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeDecl {
    /// The attribute's name, as players' attributes and property expressions name it.
    pub name: String,
    /// Its declared `type`.
    pub kind: AttrType,
    /// Used when a player leaves the attribute out. Without one, such a ticket cannot match.
    pub default: Option<AttributeValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    ExhaustiveSearch,
    Balanced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batching {
    Random,
    Sorted,
    LargestPopulation,
    FastestRegion,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeSelection {
    Newest,
    Oldest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackfillPriority {
    Normal,
    High,
    Low,
}

/// The `algorithm` block (guide lines 430–560, 2780–2830).
#[derive(Debug, Clone, PartialEq)]
pub struct Algorithm {
    pub strategy: Strategy,
    pub batching: Batching,
    /// Attribute indexes for `batchingPreference: sorted`.
    pub sort_by: Vec<usize>,
    /// Attribute index of `balancedAttribute` (balanced strategy).
    pub balanced_attribute: Option<usize>,
    pub expansion_age: AgeSelection,
    pub backfill_priority: BackfillPriority,
}

/// A team instance. Definitions with `quantity > 1` yield several instances.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Instance name: the definition's name, or `name_1`, `name_2`, … for quantity > 1
    /// (shared: every match of the rule set hands out this string, not a copy).
    pub name: std::sync::Arc<str>,
    /// Index of the definition in [`RuleSet::team_defs`].
    pub def: usize,
}

/// A `teams` entry as declared.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamDef {
    pub name: String,
    pub quantity: u32,
    pub min_players: ParamId,
    pub max_players: ParamId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Eq,
    Ne,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionOp {
    Intersection,
    Contains,
    ReferenceIntersectionCount,
}

/// How a multi-player ticket's values are combined (`partyAggregation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyAgg {
    Avg,
    Min,
    Max,
    Union,
    Intersection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Ascending,
    Descending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapKey {
    MinValue,
    MaxValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistanceReference {
    Min,
    Avg,
}

/// A rule's `referenceValue`.
#[derive(Debug, Clone, PartialEq)]
pub enum Reference {
    /// A number literal (relaxable through expansions).
    Number(ParamId),
    /// A string literal (e.g. `"medic"` for `contains`).
    Str(String),
    /// A list of string literals (for `reference_intersection_count`).
    StrList(Vec<String>),
    /// A property expression.
    Expr(Expr),
}

/// Boolean statement of a compound rule, over rule indexes.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    Rule(usize),
    And(Vec<Statement>),
    Or(Vec<Statement>),
    Not(Box<Statement>),
    Xor(Vec<Statement>),
}

/// One rule and its type-specific properties (guide lines 2850–3081).
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    BatchDistance {
        attr: usize,
        max_distance: ParamId,
        /// How a party's numbers stand for the ticket (guide 002 line 2900; strings are
        /// compared player by player).
        party: PartyAgg,
    },
    Comparison {
        measurements: Vec<Expr>,
        reference: Option<Reference>,
        op: CmpOp,
        party: PartyAgg,
    },
    Distance {
        measurements: Vec<Expr>,
        reference: Option<Reference>,
        max_distance: ParamId,
        min_distance: ParamId,
        party: PartyAgg,
    },
    Collection {
        measurements: Vec<Expr>,
        reference: Option<Reference>,
        op: CollectionOp,
        max_count: ParamId,
        min_count: ParamId,
        party: PartyAgg,
    },
    Compound {
        statement: Statement,
    },
    Latency {
        max_latency: ParamId,
        max_distance: ParamId,
        distance_reference: DistanceReference,
        party: PartyAgg,
    },
    AbsoluteSort {
        direction: SortDirection,
        attr: usize,
        map_key: MapKey,
        party: PartyAgg,
    },
    DistanceSort {
        direction: SortDirection,
        attr: usize,
        map_key: MapKey,
        party: PartyAgg,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: std::sync::Arc<str>,
    pub description: Option<String>,
    pub kind: RuleKind,
    /// Named by some compound statement: then only the statement decides, not this rule alone.
    pub in_compound: bool,
}

impl Rule {
    /// True when one of the rule's expressions reads `players[playerId]`.
    pub fn reads_player_ids(&self) -> bool {
        let reads = |e: &Expr| e.leaf == super::expr::Leaf::PlayerId;
        let reference = |r: &Option<Reference>| matches!(r, Some(Reference::Expr(e)) if reads(e));
        match &self.kind {
            RuleKind::Comparison {
                measurements,
                reference: r,
                ..
            }
            | RuleKind::Distance {
                measurements,
                reference: r,
                ..
            }
            | RuleKind::Collection {
                measurements,
                reference: r,
                ..
            } => measurements.iter().any(reads) || reference(r),
            _ => false,
        }
    }
}

/// One step of an expansion: from `wait_ms` after the reference ticket's creation, `value` applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub wait_ms: u64,
    pub value: f64,
}

/// An `expansions` entry, resolved to the parameter slots it relaxes.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    pub target: String,
    pub slots: Vec<ParamId>,
    pub steps: Vec<Step>,
}

/// A validated rule set.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// The body's optional `name`: a label for the author, unrelated to the name the rule
    /// set is created under (guide line 440).
    pub name: Option<String>,
    /// The `playerAttributes`, in declaration order.
    pub attributes: Vec<AttributeDecl>,
    /// The `algorithm` block, defaults filled in.
    pub algorithm: Algorithm,
    /// The `teams` as declared (one entry per declaration, whatever its `quantity`).
    pub team_defs: Vec<TeamDef>,
    /// The team instances a match holds: each declaration repeated `quantity` times.
    pub teams: Vec<Team>,
    /// The `rules`, in declaration order (the order of `ruleEvaluationMetrics`).
    pub rules: Vec<Rule>,
    /// The `expansions`, resolved to the parameters they relax.
    pub expansions: Vec<Expansion>,
    /// Sum of every team's maxPlayers (before expansions): above 40 it is a large-match rule set.
    pub max_match_players: u32,
    pub(crate) params: Params,
}

impl RuleSet {
    /// Parses and validates a rule set body. See [`RuleSetErrors`] for the error format.
    pub fn parse(body: &str) -> Result<RuleSet, RuleSetErrors> {
        parse::parse(body)
    }

    /// True when the teams' maxPlayers add up to more than 40 (guide line ~640).
    pub fn is_large(&self) -> bool {
        self.max_match_players > 40
    }

    /// The relaxable parameters and their expansion stages.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Every team instance a match holds, by name, with its `maxPlayers` before expansions
    /// relax it: what a game session of this rule set can hold (the placement's
    /// MaximumPlayerSessionCount) and what a backfill or a post-processing answer may fill.
    pub fn team_maxima(&self) -> Vec<(String, u32)> {
        let base = self.params.base();
        self.teams
            .iter()
            .map(|t| {
                let def = &self.team_defs[t.def];
                let max = base.get(def.max_players).copied().unwrap_or(0.0);
                (t.name.to_string(), max.max(0.0) as u32)
            })
            .collect()
    }

    pub(crate) fn team_index(&self, name: &str) -> Option<usize> {
        self.teams.iter().position(|t| *t.name == *name)
    }
}

/// One validation problem, located by a JSON path (`rules[2].measurements[0]`) and by where
/// that path leads in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetError {
    /// The JSON path, e.g. `rules[2].measurements[0]`; empty for the whole document.
    pub path: String,
    /// What is wrong there, e.g. `unknown attribute "skil"`.
    pub message: String,
    /// 1-based line of the value the path leads to or, when the path names something absent
    /// (a missing property), of its nearest enclosing value.
    pub line: usize,
    /// 1-based column (in characters) on that line.
    pub column: usize,
}

/// How a JSON syntax error's message starts. Its position is in `line` and `column`, which
/// a file report prints in front; the one-line form (what ValidateMatchmakingRuleSet answers)
/// says it after the message, as `serde_json` does.
pub(crate) const INVALID_JSON: &str = "invalid JSON: ";

impl fmt::Display for RuleSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() && self.message.starts_with(INVALID_JSON) {
            write!(
                f,
                "{} at line {} column {}",
                self.message, self.line, self.column
            )
        } else if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in a rule set body, in document order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RuleSetErrors(pub Vec<RuleSetError>);

impl fmt::Display for RuleSetErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}
