//! SearchGameSessions' filter and sort expressions: parse, check, evaluate.
//!
//! The grammar is the service's (gamelift-service-2.json, `SearchGameSessions` and
//! `SearchGameSessionsInput.FilterExpression`/`SortExpression`):
//!
//! ```text
//! filter     := or
//! or         := and ("OR" and)*
//! and        := not ("AND" not)*
//! not        := "NOT" not | "(" or ")" | condition
//! condition  := operand comparator value
//! operand    := gameSessionId | gameSessionName | gameSessionProperties.<key>
//!             | maximumSessions | creationTimeMillis | playerSessionCount
//!             | hasAvailablePlayerSessions
//! comparator := "=" | "<>" | "<" | ">" | "<=" | ">="
//! value      := number | true | false | 'string' | "string"      (\ escapes a character)
//! sort       := operand ("ASC" | "DESC")
//! ```
//!
//! Strings and booleans take only `=` and `<>`; numbers take every comparator. Game property
//! values are compared as strings. The documentation writes strings in single quotes and game
//! property values in double quotes, so both are accepted. Keywords are matched without regard
//! to case. A condition on a game property the session does not have is false.
//!
//! Errors name the column where the expression goes wrong, so the API can answer
//! InvalidRequestException with a message a user can act on.

use std::cmp::Ordering;
use std::fmt;

/// What a search reads from one game session.
pub trait Searchable {
    /// The game session's id (its ARN): operand `gameSessionId`.
    fn game_session_id(&self) -> &str;
    /// Its name, empty when it has none: operand `gameSessionName`.
    fn game_session_name(&self) -> &str;
    /// The value of game property `key`, if the session has it:
    /// operand `gameSessionProperties.<key>`.
    fn game_property(&self, key: &str) -> Option<&str>;
    /// Its `MaximumPlayerSessionCount`: operand `maximumSessions`.
    fn maximum_sessions(&self) -> i64;
    /// When it was created (epoch ms): operand `creationTimeMillis`.
    fn creation_time_millis(&self) -> i64;
    /// How many player sessions hold a slot (RESERVED or ACTIVE): operand `playerSessionCount`.
    fn player_session_count(&self) -> i64;
    /// Whether it has a free slot and takes new players: operand `hasAvailablePlayerSessions`.
    fn has_available_player_sessions(&self) -> bool;
}

/// A parse error: what is wrong, at which 1-based character column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// 1-based character column where the expression goes wrong.
    pub column: usize,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ExprError {}

/// A game session attribute a condition or a sort reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    /// `gameSessionId`: a string.
    GameSessionId,
    /// `gameSessionName`: a string.
    GameSessionName,
    /// `gameSessionProperties.<key>`: the named game property's value, as a string.
    GameProperty(String),
    /// `maximumSessions`: a number.
    MaximumSessions,
    /// `creationTimeMillis`: a number (epoch ms).
    CreationTimeMillis,
    /// `playerSessionCount`: a number.
    PlayerSessionCount,
    /// `hasAvailablePlayerSessions`: a boolean.
    HasAvailablePlayerSessions,
}

/// How a condition compares its operand with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<` (numbers only)
    Lt,
    /// `>` (numbers only)
    Gt,
    /// `<=` (numbers only)
    Le,
    /// `>=` (numbers only)
    Ge,
}

/// A literal on the right of a comparator.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number literal; integer operands are compared as `f64`.
    Number(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A quoted string, escapes resolved.
    String(String),
}

/// A parsed filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `operand comparator value`, type-checked at parse time.
    Condition(Operand, Comparator, Value),
    /// `NOT filter`.
    Not(Box<Filter>),
    /// `filter AND filter`.
    And(Box<Filter>, Box<Filter>),
    /// `filter OR filter`.
    Or(Box<Filter>, Box<Filter>),
}

/// A parsed sort expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    /// The attribute to order by.
    pub operand: Operand,
    /// `DESC` rather than `ASC`.
    pub descending: bool,
}

impl Filter {
    /// Parses and type-checks a FilterExpression.
    pub fn parse(text: &str) -> Result<Filter, ExprError> {
        let mut p = Parser::new(text)?;
        let filter = p.or()?;
        match p.peek() {
            None => Ok(filter),
            Some(t) => Err(p.error_at(t, "expected AND, OR or the end of the expression")),
        }
    }

    /// Whether a game session matches.
    pub fn matches(&self, s: &dyn Searchable) -> bool {
        match self {
            Filter::Not(f) => !f.matches(s),
            Filter::And(a, b) => a.matches(s) && b.matches(s),
            Filter::Or(a, b) => a.matches(s) || b.matches(s),
            Filter::Condition(op, cmp, value) => match (read(op, s), value) {
                (Some(Field::Number(n)), Value::Number(v)) => compare(n.partial_cmp(v), *cmp),
                (Some(Field::Bool(b)), Value::Bool(v)) => compare(Some(b.cmp(v)), *cmp),
                (Some(Field::Text(t)), Value::String(v)) => compare(Some(t.cmp(v.as_str())), *cmp),
                _ => false,
            },
        }
    }
}

impl Sort {
    /// Parses a SortExpression such as `creationTimeMillis ASC`.
    pub fn parse(text: &str) -> Result<Sort, ExprError> {
        let mut p = Parser::new(text)?;
        let operand = p.operand()?;
        let descending = match p.next() {
            Some(Token {
                kind: Kind::Word(w),
                ..
            }) if w.eq_ignore_ascii_case("ASC") => false,
            Some(Token {
                kind: Kind::Word(w),
                ..
            }) if w.eq_ignore_ascii_case("DESC") => true,
            Some(t) => return Err(p.error_at(t, "expected ASC or DESC")),
            None => return Err(p.error_end("expected ASC or DESC after the operand")),
        };
        if let Some(t) = p.peek() {
            return Err(p.error_at(t, "expected the end of the sort expression"));
        }
        Ok(Sort {
            operand,
            descending,
        })
    }

    /// Orders two sessions; sessions without a value for the operand go last either way.
    pub fn compare(&self, a: &dyn Searchable, b: &dyn Searchable) -> Ordering {
        let (fa, fb) = (read(&self.operand, a), read(&self.operand, b));
        match (fa, fb) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => {
                let ord = x.cmp_same_kind(&y);
                if self.descending {
                    ord.reverse()
                } else {
                    ord
                }
            }
        }
    }
}

/// A session's value for an operand.
enum Field<'a> {
    Number(f64),
    Bool(bool),
    Text(&'a str),
}

impl Field<'_> {
    fn cmp_same_kind(&self, other: &Field) -> Ordering {
        match (self, other) {
            (Field::Number(a), Field::Number(b)) => a.total_cmp(b),
            (Field::Bool(a), Field::Bool(b)) => a.cmp(b),
            (Field::Text(a), Field::Text(b)) => a.cmp(b),
            _ => Ordering::Equal, // one operand always yields one kind
        }
    }
}

fn read<'a>(op: &Operand, s: &'a dyn Searchable) -> Option<Field<'a>> {
    Some(match op {
        Operand::GameSessionId => Field::Text(s.game_session_id()),
        Operand::GameSessionName => Field::Text(s.game_session_name()),
        Operand::GameProperty(key) => Field::Text(s.game_property(key)?),
        Operand::MaximumSessions => Field::Number(s.maximum_sessions() as f64),
        Operand::CreationTimeMillis => Field::Number(s.creation_time_millis() as f64),
        Operand::PlayerSessionCount => Field::Number(s.player_session_count() as f64),
        Operand::HasAvailablePlayerSessions => Field::Bool(s.has_available_player_sessions()),
    })
}

fn compare(ord: Option<Ordering>, cmp: Comparator) -> bool {
    let Some(ord) = ord else { return false };
    match cmp {
        Comparator::Eq => ord == Ordering::Equal,
        Comparator::Ne => ord != Ordering::Equal,
        Comparator::Lt => ord == Ordering::Less,
        Comparator::Gt => ord == Ordering::Greater,
        Comparator::Le => ord != Ordering::Greater,
        Comparator::Ge => ord != Ordering::Less,
    }
}

// ---- lexing and parsing -------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Word(String),
    Number(f64),
    String(String),
    Cmp(Comparator),
    Open,
    Close,
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    /// 1-based character column.
    column: usize,
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    end_column: usize,
}

fn lex(text: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let err = |message: String| ExprError { column, message };
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let kind = match c {
            '(' => {
                i += 1;
                Kind::Open
            }
            ')' => {
                i += 1;
                Kind::Close
            }
            '=' => {
                i += 1;
                Kind::Cmp(Comparator::Eq)
            }
            '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (cmp, len) = match (c, next) {
                    ('<', Some('>')) => (Comparator::Ne, 2),
                    ('<', Some('=')) => (Comparator::Le, 2),
                    ('>', Some('=')) => (Comparator::Ge, 2),
                    ('<', _) => (Comparator::Lt, 1),
                    _ => (Comparator::Gt, 1),
                };
                i += len;
                Kind::Cmp(cmp)
            }
            '\'' | '"' => Kind::String(lex_string(&chars, &mut i, column)?),
            c if c.is_ascii_digit() || c == '-' || c == '.' => {
                Kind::Number(lex_number(&chars, &mut i, column)?)
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || "_.-".contains(chars[i])) {
                    i += 1;
                }
                Kind::Word(chars[start..i].iter().collect())
            }
            other => return Err(err(format!("unexpected character {other:?}"))),
        };
        tokens.push(Token { kind, column });
    }
    Ok(tokens)
}

/// A quoted string starting at `chars[*i]` (its quote), escapes resolved; `*i` ends past
/// the closing quote.
fn lex_string(chars: &[char], i: &mut usize, column: usize) -> Result<String, ExprError> {
    let err = |message: String| ExprError { column, message };
    let quote = chars[*i];
    let mut value = String::new();
    *i += 1;
    loop {
        match chars.get(*i) {
            None => return Err(err(format!("string starting here has no closing {quote}"))),
            Some('\\') => {
                match chars.get(*i + 1) {
                    Some(&escaped) => value.push(escaped),
                    None => return Err(err("string ends with a lone backslash".into())),
                }
                *i += 2;
            }
            Some(&q) if q == quote => {
                *i += 1;
                break;
            }
            Some(&other) => {
                value.push(other);
                *i += 1;
            }
        }
    }
    Ok(value)
}

/// A number starting at `chars[*i]`; `*i` ends past it.
fn lex_number(chars: &[char], i: &mut usize, column: usize) -> Result<f64, ExprError> {
    let err = |message: String| ExprError { column, message };
    let start = *i;
    *i += 1;
    while *i < chars.len()
        && (chars[*i].is_ascii_digit() || chars[*i] == '.' || chars[*i] == 'e' || chars[*i] == 'E')
    {
        *i += 1;
    }
    let literal: String = chars[start..*i].iter().collect();
    literal
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| err(format!("{literal:?} is not a number")))
}

impl Parser {
    fn new(text: &str) -> Result<Parser, ExprError> {
        let tokens = lex(text)?;
        if tokens.is_empty() {
            return Err(ExprError {
                column: 1,
                message: "the expression is empty".into(),
            });
        }
        Ok(Parser {
            tokens,
            pos: 0,
            end_column: text.chars().count() + 1,
        })
    }

    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.pos).cloned()
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.peek();
        self.pos += 1;
        t
    }

    fn error_at(&self, t: Token, message: &str) -> ExprError {
        ExprError {
            column: t.column,
            message: format!("{message}, found {}", describe(&t.kind)),
        }
    }

    fn error_end(&self, message: &str) -> ExprError {
        ExprError {
            column: self.end_column,
            message: message.into(),
        }
    }

    fn keyword(&mut self, word: &str) -> bool {
        match self.peek() {
            Some(Token {
                kind: Kind::Word(w),
                ..
            }) if w.eq_ignore_ascii_case(word) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn or(&mut self) -> Result<Filter, ExprError> {
        let mut left = self.and()?;
        while self.keyword("OR") {
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ExprError> {
        let mut left = self.not()?;
        while self.keyword("AND") {
            left = Filter::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Filter, ExprError> {
        if self.keyword("NOT") {
            return Ok(Filter::Not(Box::new(self.not()?)));
        }
        if let Some(Token {
            kind: Kind::Open, ..
        }) = self.peek()
        {
            self.pos += 1;
            let inner = self.or()?;
            return match self.next() {
                Some(Token {
                    kind: Kind::Close, ..
                }) => Ok(inner),
                Some(t) => Err(self.error_at(t, "expected )")),
                None => Err(self.error_end("a parenthesis is not closed")),
            };
        }
        self.condition()
    }

    fn operand(&mut self) -> Result<Operand, ExprError> {
        let t = self
            .next()
            .ok_or_else(|| self.error_end("expected a game session attribute"))?;
        let Kind::Word(word) = &t.kind else {
            return Err(self.error_at(t, "expected a game session attribute"));
        };
        if let Some(key) = word.strip_prefix("gameSessionProperties.") {
            if key.is_empty() {
                return Err(ExprError {
                    column: t.column,
                    message: "gameSessionProperties needs a key, e.g. gameSessionProperties.mode"
                        .into(),
                });
            }
            return Ok(Operand::GameProperty(key.to_owned()));
        }
        Ok(match word.as_str() {
            "gameSessionId" => Operand::GameSessionId,
            "gameSessionName" => Operand::GameSessionName,
            "maximumSessions" => Operand::MaximumSessions,
            "creationTimeMillis" => Operand::CreationTimeMillis,
            "playerSessionCount" => Operand::PlayerSessionCount,
            "hasAvailablePlayerSessions" => Operand::HasAvailablePlayerSessions,
            _ => {
                return Err(ExprError {
                    column: t.column,
                    message: format!(
                        "{word:?} is not a game session attribute; use gameSessionId, gameSessionName, gameSessionProperties.<key>, maximumSessions, creationTimeMillis, playerSessionCount or hasAvailablePlayerSessions"
                    ),
                })
            }
        })
    }

    fn condition(&mut self) -> Result<Filter, ExprError> {
        let operand = self.operand()?;
        let cmp = match self.next() {
            Some(Token {
                kind: Kind::Cmp(c), ..
            }) => c,
            Some(t) => return Err(self.error_at(t, "expected a comparator (=, <>, <, >, <=, >=)")),
            None => return Err(self.error_end("expected a comparator (=, <>, <, >, <=, >=)")),
        };
        let t = self
            .next()
            .ok_or_else(|| self.error_end("expected a value after the comparator"))?;
        let value = match &t.kind {
            Kind::Number(n) => Value::Number(*n),
            Kind::String(s) => Value::String(s.clone()),
            Kind::Word(w) if w.eq_ignore_ascii_case("true") => Value::Bool(true),
            Kind::Word(w) if w.eq_ignore_ascii_case("false") => Value::Bool(false),
            _ => return Err(self.error_at(t, "expected a number, true, false or a quoted string")),
        };
        let expected = match operand {
            Operand::GameSessionId | Operand::GameSessionName | Operand::GameProperty(_) => {
                "a quoted string"
            }
            Operand::HasAvailablePlayerSessions => "true or false",
            _ => "a number",
        };
        let fits = matches!(
            (&operand, &value),
            (
                Operand::GameSessionId | Operand::GameSessionName | Operand::GameProperty(_),
                Value::String(_)
            ) | (Operand::HasAvailablePlayerSessions, Value::Bool(_))
                | (
                    Operand::MaximumSessions
                        | Operand::CreationTimeMillis
                        | Operand::PlayerSessionCount,
                    Value::Number(_)
                )
        );
        if !fits {
            return Err(ExprError {
                column: t.column,
                message: format!(
                    "this attribute compares with {expected}, found {}",
                    describe(&t.kind)
                ),
            });
        }
        if !matches!(value, Value::Number(_)) && !matches!(cmp, Comparator::Eq | Comparator::Ne) {
            return Err(ExprError {
                column: t.column,
                message: "strings and booleans can only be compared with = and <>".into(),
            });
        }
        Ok(Filter::Condition(operand, cmp, value))
    }
}

fn describe(kind: &Kind) -> String {
    match kind {
        Kind::Word(w) => format!("{w:?}"),
        Kind::Number(n) => format!("the number {n}"),
        Kind::String(s) => format!("the string {s:?}"),
        Kind::Cmp(_) => "a comparator".into(),
        Kind::Open => "(".into(),
        Kind::Close => ")".into(),
    }
}

#[cfg(test)]
mod tests;
