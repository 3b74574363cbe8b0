//! The configuration file: defaults, the sample, and each kind of error with its location.

use super::*;
use playfield_core::matchmaking::configurations::{BackfillMode, FlexMatchMode};
use playfield_core::matchmaking::queues::PriorityType;

fn load(text: &str) -> Result<Config, ConfigErrors> {
    Config::from_toml_str(text, Path::new("playfield.toml"))
}

fn errors(text: &str) -> Vec<ConfigError> {
    load(text).expect_err("configuration should be refused").0
}

/// A minimal valid file: the pieces every error test starts from.
const BASE: &str = r#"
[[fleets]]
id = "fleet-a"
name = "a"

[[queues]]
name = "q"
destinations = ["fleet-a"]

[[rule_sets]]
name = "rs"
body = "{}"

[[matchmaking_configurations]]
name = "m"
rule_set = "rs"
queue = "q"
"#;

#[test]
fn embedded_default_brings_up_a_whole_stack() {
    let c = Config::embedded_default();
    assert_eq!(c.fleets.len(), 1);
    assert_eq!(c.fleets[0].id, "fleet-local");
    assert_eq!(c.queues[0].destinations, vec!["fleet-local".to_owned()]);
    assert_eq!(c.rule_sets[0].name, "one-versus-one");
    let m = &c.matchmaking_configurations[0];
    assert_eq!(
        (m.name.as_str(), m.rule_set.as_str()),
        ("default", "one-versus-one")
    );
    assert_eq!(m.flex_match_mode, FlexMatchMode::WithQueue);
    assert_eq!(c.listen.api, "127.0.0.1:9080".parse().unwrap());
    assert_eq!(c.listen.ws, "127.0.0.1:9081".parse().unwrap());
    assert_eq!(c.listen.wss, "127.0.0.1:9443".parse().unwrap());
    assert_eq!(
        c.matchmaking_configuration_arn("default"),
        "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/default"
    );
}

/// The embedded rule set is the sample file users read, word for word.
#[test]
fn embedded_rule_set_is_the_sample_file() {
    let sample = include_str!("../../../samples/rulesets/1v1.json");
    assert_eq!(
        Config::embedded_default().rule_sets[0].body.trim(),
        sample.trim()
    );
}

#[test]
fn defaults_fill_what_the_file_leaves_out() {
    let c = load(BASE).unwrap();
    assert_eq!(c.region, "us-west-2");
    assert_eq!(c.fleets[0].locations, vec!["custom-local".to_owned()]);
    assert_eq!(c.queues[0].timeout_seconds, 600);
    let m = &c.matchmaking_configurations[0];
    assert_eq!(m.backfill_mode, BackfillMode::Manual);
    assert!(!m.acceptance_required);
    assert_eq!(m.request_timeout_seconds, 120);
    assert_eq!(c.gateway.heartbeat_timeout_seconds, 180);
    assert!(c.tls.is_none());
}

#[test]
fn unknown_key_is_an_error_at_its_line() {
    let text = format!("{BASE}acceptance_requird = true\n");
    let e = &errors(&text)[0];
    assert_eq!(e.file, Path::new("playfield.toml"));
    assert_eq!(e.line, text.lines().count());
    assert!(
        e.message.contains("unknown field `acceptance_requird`"),
        "{e}"
    );
    assert_eq!(e.key, "acceptance_requird");
}

#[test]
fn wrong_type_names_the_key_and_line() {
    let text = BASE.replace(
        "queue = \"q\"",
        "queue = \"q\"\nrequest_timeout_seconds = \"soon\"",
    );
    let e = &errors(&text)[0];
    assert_eq!(e.key, "request_timeout_seconds");
    assert_eq!(
        e.line,
        text.lines().position(|l| l.contains("soon")).unwrap() + 1
    );
    assert!(e.message.contains("invalid type"), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("playfield.toml:{}:", e.line)),
        "{e}"
    );
}

#[test]
fn syntax_error_is_located() {
    let e = &errors("[[fleets]\nname = 1")[0];
    assert_eq!(e.line, 1);
}

#[test]
fn dangling_references_are_each_reported() {
    let text = BASE
        .replace(
            "destinations = [\"fleet-a\"]",
            "destinations = [\"fleet-b\"]",
        )
        .replace("rule_set = \"rs\"", "rule_set = \"nope\"")
        .replace(
            "queue = \"q\"\n",
            "queue = \"q2\"\nnotification_target = \"t\"\n",
        );
    let all = errors(&text);
    let keys: Vec<&str> = all.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "queues[0].destinations[0]",
            "matchmaking_configurations[0].rule_set",
            "matchmaking_configurations[0].queue",
            "matchmaking_configurations[0].notification_target",
        ]
    );
    assert!(all[0]
        .message
        .contains("no fleet has the id or name \"fleet-b\""));
    assert!(all[1].message.contains("no rule set is named \"nope\""));
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert_eq!(all[0].line, line_of("fleet-b"));
    assert_eq!(all[2].line, line_of("q2"));
}

#[test]
fn values_out_of_range_are_refused() {
    let text = BASE.replace(
        "queue = \"q\"",
        "queue = \"q\"\nrequest_timeout_seconds = 0\nacceptance_timeout_seconds = 601",
    );
    let keys: Vec<String> = errors(&text).into_iter().map(|e| e.key).collect();
    assert_eq!(
        keys,
        [
            "matchmaking_configurations[0].request_timeout_seconds",
            "matchmaking_configurations[0].acceptance_timeout_seconds"
        ]
    );
}

/// A queue's filter and priority keys reach the queue; defaults are empty (no filter,
/// destination order).
#[test]
fn queue_filter_and_priorities_are_read() {
    let c = load(BASE).unwrap();
    assert!(c.queues[0].allowed_locations.is_empty());
    assert!(c.queues[0].priority_order.is_empty());
    let text = BASE.replace(
        "destinations = [\"fleet-a\"]",
        "destinations = [\"fleet-a\"]\nallowed_locations = [\"custom-a\", \"us-west-2\"]\n\
         priority_order = [\"LATENCY\", \"LOCATION\"]\nlocation_order = [\"us-west-2\"]",
    );
    let q = &load(&text).unwrap().queues[0];
    assert_eq!(q.allowed_locations, ["custom-a", "us-west-2"]);
    assert_eq!(
        q.priority_order,
        [PriorityType::Latency, PriorityType::Location]
    );
    assert_eq!(q.location_order, ["us-west-2"]);
}

/// PriorityType's enum, "each priority type is listed once", and LocationStringModel
/// (1 to 64 letters, digits, dashes) — each error at its key and line.
#[test]
fn bad_queue_filter_and_priorities_are_located() {
    let text = BASE.replace(
        "destinations = [\"fleet-a\"]",
        "destinations = [\"fleet-a\"]\nallowed_locations = [\"custom a\"]\n\
         priority_order = [\"COST\", \"FASTEST\", \"COST\"]\n\
         location_order = [\"x\", \"x\"]",
    );
    let all = errors(&text);
    let keys: Vec<&str> = all.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "queues[0].allowed_locations[0]",
            "queues[0].priority_order[1]",
            "queues[0].priority_order[2]",
            "queues[0].location_order[1]",
        ]
    );
    assert!(
        all[0].message.contains("is not a location"),
        "{}",
        all[0].message
    );
    assert!(all[1]
        .message
        .contains("not one of LATENCY, COST, DESTINATION, LOCATION"));
    assert!(all[1].to_string().contains(":10"), "{}", all[1]);
    assert!(all[2].message.contains("listed twice"));
    assert!(all[3].message.contains("listed twice"));
}

#[test]
fn mode_and_queue_must_agree() {
    let standalone_with_queue = BASE.replace(
        "queue = \"q\"",
        "queue = \"q\"\nflex_match_mode = \"STANDALONE\"",
    );
    assert!(errors(&standalone_with_queue)[0]
        .message
        .contains("STANDALONE mode places no game sessions"));
    let queue_missing = BASE.replace("queue = \"q\"\n", "");
    assert!(errors(&queue_missing)[0]
        .message
        .contains("WITH_QUEUE mode needs a queue"));
    let auto_standalone = BASE.replace(
        "queue = \"q\"",
        "flex_match_mode = \"STANDALONE\"\nbackfill_mode = \"AUTOMATIC\"",
    );
    assert!(errors(&auto_standalone)[0]
        .message
        .contains("AUTOMATIC backfill needs WITH_QUEUE"));
}

#[test]
fn bad_ids_names_and_duplicates() {
    let text = BASE
        .replace(
            "id = \"fleet-a\"",
            "id = \"a_fleet\"\nlocations = [\"home\"]",
        )
        .replace("destinations = [\"fleet-a\"]", "destinations = [\"a\"]")
        + "\n[[queues]]\nname = \"q\"\ndestinations = [\"a\"]\n";
    let all = errors(&text);
    let keys: Vec<&str> = all.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        ["fleets[0].id", "fleets[0].locations[0]", "queues[1].name"]
    );
    assert!(all[2].message.contains("defined twice"));
}

#[test]
fn rule_set_needs_exactly_one_source_and_a_readable_file() {
    let both = BASE.replace("body = \"{}\"", "body = \"{}\"\npath = \"x.json\"");
    assert!(errors(&both)[0].message.contains("either as `path`"));
    let missing = BASE.replace("body = \"{}\"", "path = \"does-not-exist.json\"");
    let e = &errors(&missing)[0];
    assert_eq!(e.key, "rule_sets[0].path");
    assert!(e.message.contains("cannot read"), "{e}");
}

#[test]
fn rule_set_path_is_relative_to_the_file() {
    let dir = std::env::temp_dir().join(format!("playfield-config-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules/x.json"), "{\"name\":\"x\"}").unwrap();
    let file = dir.join("playfield.toml");
    std::fs::write(
        &file,
        BASE.replace("body = \"{}\"", "path = \"rules/x.json\""),
    )
    .unwrap();
    let c = Config::load(&file).unwrap();
    assert_eq!(c.rule_sets[0].body, "{\"name\":\"x\"}");
    assert_eq!(
        c.rule_sets[0].source.as_deref(),
        Some(dir.join("rules/x.json").as_path())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unreadable_file_is_named() {
    let e = Config::load(Path::new("/no/such/playfield.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/no/such/playfield.toml: cannot read the file"),
        "{e}"
    );
}

#[test]
fn listen_addresses_and_auth() {
    let text = format!("[listen]\napi = \"localhost\"\n\n[auth]\nrequired = true\n{BASE}");
    let all = errors(&text);
    assert_eq!(all[0].key, "listen.api");
    assert_eq!(all[0].line, 2);
    assert_eq!(all[1].key, "auth.required");
}

#[test]
fn notification_targets_are_checked() {
    let text = format!(
        "{BASE}notification_target = \"events\"\n\n[[notification_targets]]\nname = \"events\"\nurl = \"ftp://x\"\nformat = \"gpm\"\nmatch_token = \"bad token!\"\n"
    );
    let keys: Vec<String> = errors(&text).into_iter().map(|e| e.key).collect();
    assert_eq!(
        keys,
        [
            "notification_targets[0].url",
            "notification_targets[0].match_token"
        ]
    );
    let bad_format = format!(
        "{BASE}\n[[notification_targets]]\nname = \"e\"\nurl = \"http://x\"\nformat = \"xml\"\n"
    );
    assert!(errors(&bad_format)[0]
        .message
        .contains("unknown variant `xml`"));
}

/// One target at most may catch the events of unknown notification targets.
#[test]
fn only_one_notification_target_is_the_default() {
    let target = |name: &str| {
        format!("\n[[notification_targets]]\nname = \"{name}\"\nurl = \"http://x\"\nformat = \"flexmatch\"\ndefault = true\n")
    };
    let one = format!("{BASE}{}", target("a"));
    assert!(load(&one).unwrap().notification_targets[0].default);
    let two = format!("{BASE}{}{}", target("a"), target("b"));
    let errs = errors(&two);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].key, "notification_targets[1].default");
    assert!(
        errs[0].message.contains("\"a\" already is"),
        "{}",
        errs[0].message
    );
}

/// The annotated sample in samples/config loads as it is. (Read with `from_toml_str`, which
/// checks all but the launch executable's existence: `Config::load` also wants the sample
/// server built, which `cargo test -p playfield` does not do.)
#[test]
fn sample_configuration_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/config/playfield.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let c = Config::from_toml_str(&text, &path).unwrap_or_else(|e| panic!("{e}"));
    let fleet = &c.fleets[0];
    assert_eq!(fleet.id, "fleet-sample");
    let launch = fleet
        .launch
        .as_ref()
        .expect("the sample launches its server");
    assert_eq!(launch.concurrent_processes, 2);
    // Where cargo builds the sample server, whatever CARGO_TARGET_DIR says (issue 17 item 2).
    let target = match std::env::var("CARGO_TARGET_DIR")
        .ok()
        .filter(|d| !d.is_empty())
    {
        Some(dir) => std::env::current_dir().unwrap().join(dir),
        None => path.parent().unwrap().join("../../target"),
    };
    assert_eq!(
        launch.executable,
        target.join("debug/playfield-sample-server")
    );
    assert_eq!(c.queues[0].player_latency_policies.len(), 2);
    assert_eq!(c.queues[0].allowed_locations, ["custom-laptop"]);
    assert_eq!(
        c.queues[0].priority_order,
        [PriorityType::Location, PriorityType::Destination]
    );
    assert_eq!(c.queues[0].location_order, ["custom-laptop"]);
    assert!(c.rule_sets[0].body.contains("FairSkill"));
    let m = &c.matchmaking_configurations[0];
    assert_eq!(m.notification_target.as_deref(), Some("events"));
    assert_eq!(
        m.game_properties.get("mode").map(String::as_str),
        Some("duel")
    );
    assert_eq!(c.notification_targets[0].format, EventFormat::Flexmatch);
}

#[test]
fn unknown_fleets_are_accepted_unless_the_file_says_no() {
    assert!(Config::embedded_default().gateway.accept_unknown_fleets);
    assert!(load(BASE).unwrap().gateway.accept_unknown_fleets);
    let strict = format!("[gateway]\naccept_unknown_fleets = false\n{BASE}");
    assert!(!load(&strict).unwrap().gateway.accept_unknown_fleets);
    let wrong = format!("[gateway]\naccept_unknown_fleets = \"no\"\n{BASE}");
    assert!(errors(&wrong)[0]
        .to_string()
        .contains("accept_unknown_fleets"));
}
