//! Filter and sort expressions, with the examples from the service's own documentation
//! (gamelift-service-2.json, `SearchGameSessions`).

use super::*;
use std::collections::BTreeMap;

struct Session {
    id: &'static str,
    name: &'static str,
    props: BTreeMap<&'static str, &'static str>,
    max: i64,
    created: i64,
    players: i64,
}

impl Searchable for Session {
    fn game_session_id(&self) -> &str {
        self.id
    }
    fn game_session_name(&self) -> &str {
        self.name
    }
    fn game_property(&self, key: &str) -> Option<&str> {
        self.props.get(key).copied()
    }
    fn maximum_sessions(&self) -> i64 {
        self.max
    }
    fn creation_time_millis(&self) -> i64 {
        self.created
    }
    fn player_session_count(&self) -> i64 {
        self.players
    }
    fn has_available_player_sessions(&self) -> bool {
        self.players < self.max
    }
}

fn sessions() -> Vec<Session> {
    vec![
        Session {
            id: "arn:aws:gamelift:us-west-2::gamesession/fleet-1/a",
            name: "Matt's Awesome Game 1",
            props: BTreeMap::from([("gameMode", "brawl"), ("difficulty", "novice")]),
            max: 10,
            created: 3_000,
            players: 10,
        },
        Session {
            id: "arn:aws:gamelift:us-west-2::gamesession/fleet-1/b",
            name: "casual",
            props: BTreeMap::from([("gameMode", "ctf")]),
            max: 12,
            created: 1_000,
            players: 3,
        },
        Session {
            id: "arn:aws:gamelift:us-west-2::gamesession/fleet-1/c",
            name: "small",
            props: BTreeMap::new(),
            max: 4,
            created: 2_000,
            players: 0,
        },
    ]
}

fn matching(filter: &str) -> Vec<&'static str> {
    let f = Filter::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
    sessions()
        .iter()
        .filter(|s| f.matches(*s))
        .map(|s| s.name)
        .collect()
}

/// "this filter expression retrieves game sessions hosting at least ten players that have an
/// open player slot: maximumSessions>=10 AND hasAvailablePlayerSessions=true"
#[test]
fn documented_example_open_slot_and_size() {
    assert_eq!(
        matching("maximumSessions>=10 AND hasAvailablePlayerSessions=true"),
        ["casual"]
    );
}

/// "gameSessionName = 'Matt\\'s Awesome Game 1'": single quotes, backslash escapes.
#[test]
fn documented_example_escaped_name() {
    assert_eq!(
        matching(r"gameSessionName = 'Matt\'s Awesome Game 1'"),
        ["Matt's Awesome Game 1"]
    );
}

/// "gameSessionProperties.difficulty = \"novice\"": game properties as strings, double quotes.
#[test]
fn game_property_conditions() {
    assert_eq!(
        matching(r#"gameSessionProperties.difficulty = "novice""#),
        ["Matt's Awesome Game 1"]
    );
    assert_eq!(
        matching("gameSessionProperties.gameMode <> 'brawl'"),
        ["casual"]
    );
    // A session without the property matches neither = nor <>, but NOT flips it.
    assert_eq!(
        matching("NOT gameSessionProperties.gameMode = 'brawl'"),
        ["casual", "small"]
    );
}

/// Precedence: comparisons, parentheses, NOT, AND, OR; keywords in any case.
#[test]
fn precedence_and_parentheses() {
    assert_eq!(
        matching("playerSessionCount = 0 OR maximumSessions = 12 AND creationTimeMillis > 5000"),
        ["small"]
    );
    assert_eq!(
        matching("(playerSessionCount = 0 OR maximumSessions = 12) AND creationTimeMillis > 1500"),
        ["small"]
    );
    assert_eq!(
        matching("not (playerSessionCount < 5) and maximumSessions <= 10"),
        ["Matt's Awesome Game 1"]
    );
    assert_eq!(
        matching("NOT NOT playerSessionCount >= 3"),
        ["Matt's Awesome Game 1", "casual"]
    );
}

#[test]
fn every_numeric_comparator() {
    assert_eq!(matching("maximumSessions < 10"), ["small"]);
    assert_eq!(
        matching("maximumSessions <= 10"),
        ["Matt's Awesome Game 1", "small"]
    );
    assert_eq!(matching("maximumSessions > 10"), ["casual"]);
    assert_eq!(
        matching("maximumSessions >= 10"),
        ["Matt's Awesome Game 1", "casual"]
    );
    assert_eq!(matching("maximumSessions <> 10"), ["casual", "small"]);
    assert_eq!(matching("creationTimeMillis = 1000.0"), ["casual"]);
}

/// "Boolean and string values can only be used with the comparators = and <>."
#[test]
fn type_errors_are_located() {
    let e = Filter::parse("gameSessionName > 'a'").unwrap_err();
    assert_eq!(e.column, 19);
    assert!(e.message.contains("only be compared with = and <>"), "{e}");
    let e = Filter::parse("playerSessionCount = 'three'").unwrap_err();
    assert_eq!(e.column, 22);
    assert!(e.message.contains("compares with a number"), "{e}");
    let e = Filter::parse("hasAvailablePlayerSessions = 1").unwrap_err();
    assert!(e.message.contains("true or false"), "{e}");
}

#[test]
fn syntax_errors_are_located() {
    let cases = [
        ("", 1, "empty"),
        ("playerCount = 1", 1, "not a game session attribute"),
        ("maximumSessions 10", 17, "expected a comparator"),
        ("maximumSessions =", 18, "expected a value"),
        ("(maximumSessions = 1", 21, "not closed"),
        (
            "maximumSessions = 1 maximumSessions = 2",
            21,
            "expected AND, OR",
        ),
        ("gameSessionName = 'open", 19, "no closing '"),
        ("maximumSessions = 1 ; x", 21, "unexpected character"),
        ("gameSessionProperties. = 'x'", 1, "needs a key"),
    ];
    for (text, column, needle) in cases {
        let e = Filter::parse(text).expect_err(text);
        assert_eq!(e.column, column, "{text}: {e}");
        assert!(e.message.contains(needle), "{text}: {e}");
    }
}

/// "creationTimeMillis ASC" returns the oldest first; a missing sort value goes last.
#[test]
fn sorting() {
    let all = sessions();
    let order = |expr: &str| {
        let sort = Sort::parse(expr).unwrap();
        let mut v: Vec<&Session> = all.iter().collect();
        v.sort_by(|a, b| sort.compare(*a, *b));
        v.iter().map(|s| s.name).collect::<Vec<_>>()
    };
    assert_eq!(
        order("creationTimeMillis ASC"),
        ["casual", "small", "Matt's Awesome Game 1"]
    );
    assert_eq!(
        order("playerSessionCount desc"),
        ["Matt's Awesome Game 1", "casual", "small"]
    );
    assert_eq!(
        order("gameSessionProperties.gameMode DESC"),
        ["casual", "Matt's Awesome Game 1", "small"]
    );
    assert_eq!(
        order("gameSessionProperties.gameMode ASC"),
        ["Matt's Awesome Game 1", "casual", "small"]
    );
    assert_eq!(
        Sort::parse("creationTimeMillis").unwrap_err().message,
        "expected ASC or DESC after the operand"
    );
    assert_eq!(Sort::parse("creationTimeMillis UP").unwrap_err().column, 20);
    assert_eq!(
        Sort::parse("creationTimeMillis ASC x").unwrap_err().column,
        24
    );
}

proptest::proptest! {
    /// Expressions arrive from the network: any text parses or fails with a located error.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,60}") {
        let columns = text.chars().count() + 1;
        match Filter::parse(&text) {
            Ok(f) => { sessions().iter().for_each(|s| { f.matches(s); }); }
            Err(e) => proptest::prop_assert!(e.column >= 1 && e.column <= columns, "{e}"),
        }
        if let Err(e) = Sort::parse(&text) {
            proptest::prop_assert!(e.column >= 1 && e.column <= columns, "{e}");
        }
    }

    /// Text built from the grammar's own pieces, in any order, never panics either.
    #[test]
    fn grammar_soup_never_panics(parts in proptest::collection::vec(proptest::sample::select(vec![
        "(", ")", "NOT", "AND", "OR", "=", "<>", "<=", ">", "maximumSessions", "gameSessionName",
        "gameSessionProperties.k", "'x'", "\"y\"", "3", "-2.5", "true", "ASC", "\\",
    ]), 0..12)) {
        let text = parts.join(" ");
        if let Ok(f) = Filter::parse(&text) {
            sessions().iter().for_each(|s| { f.matches(s); });
        }
        let _ = Sort::parse(&text);
    }
}
