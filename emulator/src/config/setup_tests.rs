//! The startup file's matchmaking part reaches the core as written: [`Config::matchmaking_setup`]
//! applied to a fresh core the way `playfield serve` does (moved here from the core's
//! matchmaking tests, assertions unchanged, when the conversion left the core).

use super::Config;
use playfield_core::PriorityType;
use playfield_core::{testing::props, testing::teams_rule_set, testing::FLEET, testing::T0};
use playfield_core::{BackfillMode, ConfigurationSpec, FlexMatchMode};
use playfield_core::{Core, CoreConfig};

/// The post-processing URL the core's post-processing tests use.
const URL: &str = "http://127.0.0.1:8100/postprocess";

/// A startup file with fleet FLEET, queue "q" onto it, rule set "rs" (1v1) and
/// configuration "m" using both, each entry's extra members appended (`sections` goes first:
/// e.g. `[[notification_targets]]`), applied to a fresh core the way `playfield serve` does.
fn core_from_startup_file(sections: &str, queue: &str, configuration: &str) -> (Config, Core) {
    let text = format!(
        r#"
{sections}

[[fleets]]
id = "{FLEET}"
name = "a"

[[queues]]
name = "q"
destinations = ["{FLEET}"]
{queue}

[[rule_sets]]
name = "rs"
body = '{body}'

[[matchmaking_configurations]]
name = "m"
rule_set = "rs"
queue = "q"
{configuration}
"#,
        body = teams_rule_set(1, 1).replace('\n', " ")
    );
    let cfg = Config::from_toml_str(&text, std::path::Path::new("p.toml")).unwrap();
    let mut c = Core::new(CoreConfig::default());
    c.apply_matchmaking_config(T0, &cfg.matchmaking_setup())
        .unwrap();
    (cfg, c)
}

/// The startup file's rule sets, queues and configurations are applied in order, and the
/// embedded default comes up ready to match.
#[test]
fn the_embedded_default_configuration_applies() {
    let cfg = Config::embedded_default();
    let mut c = Core::new(CoreConfig::default());
    c.apply_matchmaking_config(T0, &cfg.matchmaking_setup())
        .unwrap();
    let conf = c.configuration("default").unwrap();
    assert_eq!(
        conf.spec.game_session_queues,
        vec!["local-queue".to_string()]
    );
    assert!(conf.arn.ends_with(":matchmakingconfiguration/default"));
    assert!(c.delete_rule_set("one-versus-one").is_err(), "in use");
}

/// Every member of a `[[matchmaking_configurations]]` and `[[queues]]` entry reaches the core
/// as written (service-api.md §9.1 CreateMatchmakingConfiguration, §9.2
/// CreateGameSessionQueue: what Describe* then shows), and an update laid over the
/// configuration as it stands (what UpdateMatchmakingConfiguration does with no members)
/// changes nothing.
#[test]
fn the_startup_file_reaches_the_core_field_for_field() {
    let (cfg, mut c) = core_from_startup_file(
        r#"
[[notification_targets]]
name = "hook"
url = "http://127.0.0.1:9/events"
format = "flexmatch"
"#,
        r#"
timeout_seconds = 45
custom_event_data = "queue data"
notification_target = "hook"
player_latency_policies = [
  { maximum_individual_player_latency_ms = 50, policy_duration_seconds = 5 },
  { maximum_individual_player_latency_ms = 200 },
]
allowed_locations = ["custom-home", "us-west-2"]
priority_order = ["LOCATION", "LATENCY"]
location_order = ["us-west-2"]
"#,
        r#"
description = "all members"
request_timeout_seconds = 90
acceptance_required = true
acceptance_timeout_seconds = 20
backfill_mode = "AUTOMATIC"
additional_player_count = 2
game_properties = { mode = "duel" }
game_session_data = "session data"
custom_event_data = "config data"
notification_target = "hook"
post_processing_url = "http://127.0.0.1:8100/pp"
"#,
    );

    let q = c.queue("q").unwrap().clone();
    assert_eq!(q.fleet_ids().collect::<Vec<_>>(), vec![FLEET.to_string()]);
    assert_eq!(q.spec.timeout_seconds, 45);
    assert_eq!(q.spec.custom_event_data.as_deref(), Some("queue data"));
    assert_eq!(q.spec.notification_target.as_deref(), Some("hook"));
    assert_eq!(
        q.spec.player_latency_policies,
        cfg.queues[0].player_latency_policies
    );
    assert_eq!(q.spec.allowed_locations, ["custom-home", "us-west-2"]);
    assert_eq!(
        q.spec.priority_order,
        [PriorityType::Location, PriorityType::Latency]
    );
    assert_eq!(q.spec.location_order, ["us-west-2"]);

    let m = c.configuration("m").unwrap().clone();
    assert_eq!(m.spec.description.as_deref(), Some("all members"));
    assert_eq!(m.spec.rule_set, "rs");
    assert_eq!(m.spec.flex_match_mode, FlexMatchMode::WithQueue);
    assert_eq!(m.spec.game_session_queues, vec!["q".to_string()]);
    assert_eq!(m.spec.request_timeout_seconds, 90);
    assert!(m.spec.acceptance_required);
    assert_eq!(m.spec.acceptance_timeout_seconds, Some(20));
    assert_eq!(m.spec.backfill_mode, BackfillMode::Automatic);
    assert_eq!(m.spec.additional_player_count, 2);
    assert_eq!(m.spec.game_properties, props(&[("mode", "duel")]));
    assert_eq!(m.spec.game_session_data.as_deref(), Some("session data"));
    assert_eq!(m.spec.custom_event_data.as_deref(), Some("config data"));
    assert_eq!(m.spec.notification_target.as_deref(), Some("hook"));
    assert_eq!(
        m.spec.post_processing_url.as_deref(),
        Some("http://127.0.0.1:8100/pp")
    );

    let same = c.update_configuration(T0 + 1, m.spec.clone()).unwrap();
    assert_eq!(same, m);
    let same = c.update_queue(q.spec.clone()).unwrap();
    assert_eq!(same, q);
}

/// `post_processing_url` of `[[matchmaking_configurations]]` (samples/config/playfield.toml)
/// reaches the core's configuration, and an API update of the configuration keeps it.
#[test]
fn the_startup_file_names_the_url_and_updates_keep_it() {
    let (_, mut c) = core_from_startup_file("", "", &format!("post_processing_url = \"{URL}\""));
    assert_eq!(
        c.configuration("m")
            .unwrap()
            .spec
            .post_processing_url
            .as_deref(),
        Some(URL)
    );
    let mut spec = ConfigurationSpec::new("m", "rs", "q");
    spec.description = Some("updated through the API".into());
    c.update_configuration(T0 + 1, spec).unwrap();
    assert_eq!(
        c.configuration("m")
            .unwrap()
            .spec
            .post_processing_url
            .as_deref(),
        Some(URL)
    );
}
