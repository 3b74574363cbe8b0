//! Property expressions: parsing and static typing.
//!
//! Guide, "FlexMatch 属性表达式" (002, lines 3082–3141). An expression names a
//! *source* — teams, their players, the players' ids or one attribute — and
//! optionally wraps it in aggregation functions:
//!
//! | source                                  | shape                      |
//! |-----------------------------------------|----------------------------|
//! | `teams[red].players`                    | `List<Player>`             |
//! | `teams[red,blue].players` / `teams[*]…` | `List<List<Player>>`       |
//! | `teams[red].players.attributes[skill]`  | `List<number>`             |
//! | `teams[red].players[playerId]`          | `List<string>`             |
//!
//! Every aggregation takes exactly one argument, so an expression compiles to
//! a source plus a chain of unary operations applied inside-out. Shapes are
//! tracked statically as (nesting depth, leaf kind): the rule set validator
//! uses that to refuse e.g. `avg` over strings, and the evaluator
//! ([`super::eval`]) knows the work is well-typed.
//!
//! Aggregations reduce the innermost list ("对嵌套列表的所有操作会对每个子列表执行一次",
//! line ~3125): `avg(teams[*].players.attributes[skill])` is one average per
//! team. `flatten` merges the two outermost levels; `set_intersection`
//! intersects the innermost lists of strings.

use super::ruleset::{AttrType, AttributeDecl};
use super::suggest::did_you_mean;

/// Which teams a source reads (team *instance* indexes, see [`super::ruleset::RuleSet::teams`]).
#[derive(Debug, Clone, PartialEq)]
pub enum TeamSel {
    /// One team: the result is not grouped by team.
    One(usize),
    /// Several teams (named, or one definition with `quantity > 1`): grouped by team.
    Many(Vec<usize>),
    /// `teams[*]`: every team, grouped by team.
    All,
}

/// What a source yields for each player (or team).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Leaf {
    /// The team itself (`teams[red]`): countable only.
    Team,
    /// A player (`teams[red].players`): countable only.
    Player,
    /// `players[playerId]`: the player id as a string.
    PlayerId,
    /// `players.attributes[name]`: attribute index into the rule set's declarations.
    Attr(usize),
}

/// One aggregation function of the guide's table (line ~3100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agg {
    Min,
    Max,
    Avg,
    Median,
    Sum,
    Count,
    Stddev,
    Flatten,
    SetIntersection,
}

/// Kind of the values at the bottom of a (possibly nested) list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Teams or players: only `count` applies.
    Item,
    Number,
    Str,
}

/// Static shape of an expression: `depth` levels of lists around `kind` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub depth: u8,
    pub kind: Kind,
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = match self.kind {
            Kind::Item => "item",
            Kind::Number => "number",
            Kind::Str => "string",
        };
        for _ in 0..self.depth {
            f.write_str("List<")?;
        }
        f.write_str(inner)?;
        for _ in 0..self.depth {
            f.write_str(">")?;
        }
        Ok(())
    }
}

/// A compiled property expression: a source and the aggregations applied to it, innermost first.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub teams: TeamSel,
    pub leaf: Leaf,
    pub ops: Vec<Agg>,
    pub shape: Shape,
}

/// Resolves names while parsing: team names to instance indexes, attribute names to indexes.
pub(crate) struct Names<'a> {
    /// (instance name, definition name) per team instance.
    pub teams: &'a [(String, String)],
    pub attrs: &'a [AttributeDecl],
}

impl Names<'_> {
    fn team(&self, name: &str) -> Option<Vec<usize>> {
        let exact: Vec<usize> = (0..self.teams.len())
            .filter(|&i| self.teams[i].0 == name)
            .collect();
        if !exact.is_empty() {
            return Some(exact);
        }
        let by_def: Vec<usize> = (0..self.teams.len())
            .filter(|&i| self.teams[i].1 == name)
            .collect();
        (!by_def.is_empty()).then_some(by_def)
    }
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn ws(&mut self) {
        while self.s[self.pos..].starts_with(char::is_whitespace) {
            self.pos += self.s[self.pos..].chars().next().map_or(1, char::len_utf8);
        }
    }
    fn eat(&mut self, t: &str) -> bool {
        self.ws();
        if self.s[self.pos..].starts_with(t) {
            self.pos += t.len();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: &str) -> Result<(), String> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(format!(
                "expected '{t}' at offset {} in \"{}\"",
                self.pos, self.s
            ))
        }
    }
    fn ident(&mut self) -> &'a str {
        self.ws();
        let start = self.pos;
        while let Some(c) = self.s[self.pos..].chars().next() {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        &self.s[start..self.pos]
    }
    /// Text up to one of `stops` (exclusive), trimmed: names inside brackets may hold spaces.
    fn until(&mut self, stops: &[char]) -> &'a str {
        let start = self.pos;
        while let Some(c) = self.s[self.pos..].chars().next() {
            if stops.contains(&c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        self.s[start..self.pos].trim()
    }
}

/// Parses and type-checks a property expression.
pub(crate) fn parse(src: &str, names: &Names<'_>) -> Result<Expr, String> {
    let mut c = Cursor { s: src, pos: 0 };
    let e = parse_expr(&mut c, names)?;
    c.ws();
    if c.pos != src.len() {
        return Err(format!(
            "unexpected text \"{}\" after expression",
            &src[c.pos..]
        ));
    }
    Ok(e)
}

fn parse_expr(c: &mut Cursor<'_>, names: &Names<'_>) -> Result<Expr, String> {
    let word = c.ident();
    if word == "teams" || word == "team" {
        return parse_source(c, names);
    }
    let agg = match word {
        "min" => Agg::Min,
        "max" => Agg::Max,
        "avg" => Agg::Avg,
        "median" => Agg::Median,
        "sum" => Agg::Sum,
        "count" => Agg::Count,
        "stddev" => Agg::Stddev,
        "flatten" => Agg::Flatten,
        "set_intersection" => Agg::SetIntersection,
        "" => return Err(format!("expected a property expression, got \"{}\"", c.s)),
        other => return Err(format!("unknown function \"{other}\"")),
    };
    c.expect("(")?;
    let mut inner = parse_expr(c, names)?;
    c.expect(")")?;
    inner.shape = apply_shape(agg, inner.shape)?;
    inner.ops.push(agg);
    Ok(inner)
}

fn parse_source(c: &mut Cursor<'_>, names: &Names<'_>) -> Result<Expr, String> {
    c.expect("[")?;
    c.ws();
    let list = c.until(&[']']);
    c.expect("]")?;
    let teams = if list == "*" {
        TeamSel::All
    } else {
        let mut idx = Vec::new();
        for n in list.split(',').map(str::trim) {
            match names.team(n) {
                Some(v) => idx.extend(v),
                None => return Err(format!("unknown team \"{n}\"")),
            }
        }
        let grouped = list.contains(',') || idx.len() > 1;
        if grouped {
            TeamSel::Many(idx)
        } else {
            TeamSel::One(idx[0])
        }
    };
    let team_depth: u8 = if matches!(teams, TeamSel::One(_)) {
        0
    } else {
        1
    };
    if !c.eat(".") {
        let shape = Shape {
            depth: team_depth,
            kind: Kind::Item,
        };
        return Ok(Expr {
            teams,
            leaf: Leaf::Team,
            ops: Vec::new(),
            shape,
        });
    }
    let word = c.ident();
    if word != "players" {
        return Err(format!(
            "expected \"players\" after teams[...], got \"{word}\""
        ));
    }
    let mut shape = Shape {
        depth: team_depth + 1,
        kind: Kind::Item,
    };
    let mut leaf = Leaf::Player;
    if c.eat("[") {
        let key = c.until(&[']']);
        c.expect("]")?;
        if key != "playerId" {
            return Err(format!(
                "players[...] only supports playerId, got \"{key}\""
            ));
        }
        leaf = Leaf::PlayerId;
        shape.kind = Kind::Str;
    } else if c.eat(".") {
        let word = c.ident();
        if word != "attributes" {
            return Err(format!(
                "expected \"attributes\" after players, got \"{word}\""
            ));
        }
        c.expect("[")?;
        let name = c.until(&[']']);
        c.expect("]")?;
        let Some(i) = names.attrs.iter().position(|a| a.name == name) else {
            let hint = did_you_mean(name, names.attrs.iter().map(|a| a.name.as_str()));
            return Err(format!("unknown attribute \"{name}\"{hint}"));
        };
        leaf = Leaf::Attr(i);
        match names.attrs[i].kind {
            AttrType::Number => shape.kind = Kind::Number,
            AttrType::String => shape.kind = Kind::Str,
            AttrType::StringList => {
                shape.kind = Kind::Str;
                shape.depth += 1;
            }
            AttrType::StringNumberMap => {
                return Err(format!(
                    "attribute \"{name}\" is a string_number_map, which property expressions cannot read"
                ))
            }
        }
    }
    Ok(Expr {
        teams,
        leaf,
        ops: Vec::new(),
        shape,
    })
}

/// The shape an aggregation produces, or why it does not apply.
fn apply_shape(agg: Agg, s: Shape) -> Result<Shape, String> {
    let name = format!("{agg:?}").to_lowercase();
    match agg {
        Agg::Count => {
            if s.depth == 0 {
                return Err(format!("count expects a list, got {s}"));
            }
            Ok(Shape {
                depth: s.depth - 1,
                kind: Kind::Number,
            })
        }
        Agg::Flatten => {
            if s.depth < 2 {
                return Err(format!("flatten expects a list of lists, got {s}"));
            }
            Ok(Shape {
                depth: s.depth - 1,
                kind: s.kind,
            })
        }
        Agg::SetIntersection => {
            if s.depth < 2 || s.kind != Kind::Str {
                return Err(format!(
                    "set_intersection expects a list of lists of strings, got {s}"
                ));
            }
            Ok(Shape {
                depth: s.depth - 1,
                kind: Kind::Str,
            })
        }
        _ => {
            if s.depth == 0 || s.kind != Kind::Number {
                return Err(format!("{name} expects a list of numbers, got {s}"));
            }
            Ok(Shape {
                depth: s.depth - 1,
                kind: Kind::Number,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::AttributeDecl;

    fn names() -> (Vec<(String, String)>, Vec<AttributeDecl>) {
        let teams = vec![
            ("red".to_string(), "red".to_string()),
            ("blue".to_string(), "blue".to_string()),
            ("trio_1".to_string(), "trio".to_string()),
            ("trio_2".to_string(), "trio".to_string()),
        ];
        let attrs = vec![
            AttributeDecl {
                name: "skill".into(),
                kind: AttrType::Number,
                default: None,
            },
            AttributeDecl {
                name: "modes".into(),
                kind: AttrType::StringList,
                default: None,
            },
            AttributeDecl {
                name: "maps".into(),
                kind: AttrType::StringNumberMap,
                default: None,
            },
        ];
        (teams, attrs)
    }

    fn p(s: &str) -> Result<Expr, String> {
        let (t, a) = names();
        parse(
            s,
            &Names {
                teams: &t,
                attrs: &a,
            },
        )
    }

    /// Guide line ~3112: `avg(teams[*].players.attributes[skill])` is one number per team.
    #[test]
    fn shapes_follow_the_guide_tables() {
        let sh = |s: &str| p(s).unwrap().shape.to_string();
        assert_eq!(sh("teams[red].players.attributes[skill]"), "List<number>");
        assert_eq!(
            sh("teams[red,blue].players.attributes[skill]"),
            "List<List<number>>"
        );
        assert_eq!(
            sh("avg(teams[*].players.attributes[skill])"),
            "List<number>"
        );
        assert_eq!(
            sh("avg(flatten(teams[*].players.attributes[skill]))"),
            "number"
        );
        assert_eq!(sh("count(teams[red].players)"), "number");
        assert_eq!(sh("count(teams[*].players)"), "List<number>");
        assert_eq!(sh("max(avg(teams[*].players.attributes[skill]))"), "number");
        assert_eq!(sh("teams[red].players[playerId]"), "List<string>");
        assert_eq!(
            sh("flatten(teams[*].players.attributes[modes])"),
            "List<List<string>>"
        );
        assert_eq!(
            sh("set_intersection(flatten(teams[*].players.attributes[modes]))"),
            "List<string>"
        );
        // A definition with quantity > 1 named by its base name is grouped per instance.
        assert_eq!(
            sh("teams[trio].players.attributes[skill]"),
            "List<List<number>>"
        );
        assert_eq!(sh("team[trio_1].players.attributes[skill]"), "List<number>");
        assert_eq!(sh("count (teams[*].players)"), "List<number>");
    }

    #[test]
    fn refuses_bad_expressions() {
        assert!(p("teams[red].players.attributes[skil]")
            .unwrap_err()
            .contains("unknown attribute \"skil\""));
        assert!(p("teams[green].players")
            .unwrap_err()
            .contains("unknown team"));
        assert!(p("avg(teams[red].players.attributes[modes])")
            .unwrap_err()
            .contains("avg expects"));
        assert!(p("flatten(teams[red].players.attributes[skill])").is_err());
        assert!(p("teams[red].players.attributes[maps]").is_err());
        assert!(p("avg(teams[red].players.attributes[skill]").is_err());
        assert!(p("frob(teams[red].players)").is_err());
        assert!(p("count(teams[red].players) x").is_err());
    }
}
