//! Matchmaking set up and driven the way a team's backend does it: through the service API
//! with `aws-sdk-gamelift` (CreateMatchmakingRuleSet, CreateGameSessionQueue,
//! CreateMatchmakingConfiguration, StartMatchmaking, DescribeMatchmaking ...), plus the small
//! waits the game server side needs. Shared by the `matchmaking_api_*` test files.
//!
//! Include it next to `api_client.rs` and `game_server.rs`:
//! `#[path = "support/matchmaking.rs"] mod matchmaking;`
#![allow(dead_code)]

use std::time::Duration;

use aws_sdk_gamelift::operation::create_matchmaking_configuration::builders::CreateMatchmakingConfigurationFluentBuilder;
use aws_sdk_gamelift::types::{
    AttributeValue, GameSessionQueueDestination, MatchmakingConfigurationStatus, MatchmakingTicket,
    Player,
};
use aws_sdk_gamelift::Client;
use playfield_core::testing::teams_rule_set;
use playfield_e2e::{FLEET, IO_TIMEOUT};
use playfield_sdk::model::{MatchmakerData, UpdateGameSession};
use playfield_sdk::{ServerEvent, ServerSdk};

/// Two teams of one to two players, a `skill` attribute (default 10) and no rules: any two
/// tickets make a match, later ones fill the open slots by backfill.
pub fn duel_rules() -> String {
    teams_rule_set(1, 2)
}

/// A 1v1 whose skill gap may be at most 10 until a ticket has waited 5 s, then 1000
/// (guide, "expansions"): the core's fixture.
pub const EXPANDING_RULES: &str = playfield_core::testing::EXPANDING;

/// 2v2, exactly: a match needs four players.
pub const TWO_VS_TWO_RULES: &str = r#"{
    "ruleLanguageVersion": "1.0",
    "teams": [{"name": "red", "minPlayers": 2, "maxPlayers": 2},
              {"name": "blue", "minPlayers": 2, "maxPlayers": 2}]
}"#;

/// CreateMatchmakingRuleSet.
pub async fn create_rule_set(c: &Client, name: &str, body: &str) {
    c.create_matchmaking_rule_set()
        .name(name)
        .rule_set_body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateMatchmakingRuleSet {name}: {e:?}"));
}

/// CreateGameSessionQueue onto the test fleet; returns the queue's ARN.
pub async fn create_queue(c: &Client, name: &str, timeout_seconds: i32) -> String {
    let q = c
        .create_game_session_queue()
        .name(name)
        .timeout_in_seconds(timeout_seconds)
        .destinations(
            GameSessionQueueDestination::builder()
                .destination_arn(format!("arn:aws:gamelift:us-west-2::fleet/{FLEET}"))
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateGameSessionQueue {name}: {e:?}"));
    q.game_session_queue()
        .and_then(|q| q.game_session_queue_arn())
        .expect("a queue ARN")
        .to_string()
}

/// A CreateMatchmakingConfiguration call for `name`, WITH_QUEUE on `queue_arn`, 60 s request
/// timeout, no acceptance; the test adds what it needs and sends it with [`send_config`].
pub fn configuration(
    c: &Client,
    name: &str,
    rule_set: &str,
    queue_arn: &str,
) -> CreateMatchmakingConfigurationFluentBuilder {
    c.create_matchmaking_configuration()
        .name(name)
        .rule_set_name(rule_set)
        .request_timeout_seconds(60)
        .acceptance_required(false)
        .game_session_queue_arns(queue_arn)
}

pub async fn send_config(b: CreateMatchmakingConfigurationFluentBuilder) {
    b.send()
        .await
        .unwrap_or_else(|e| panic!("CreateMatchmakingConfiguration: {e:?}"));
}

/// The usual set up: rule set `rules`, queue "q" (timeout 30 s), and configuration `name`
/// made by `edit` from [`configuration`].
pub async fn set_up(
    c: &Client,
    name: &str,
    rules: &str,
    edit: impl FnOnce(
        CreateMatchmakingConfigurationFluentBuilder,
    ) -> CreateMatchmakingConfigurationFluentBuilder,
) {
    create_rule_set(c, "rules", rules).await;
    let q = create_queue(c, "q", 30).await;
    send_config(edit(configuration(c, name, "rules", &q))).await;
}

/// A player with a numeric `skill`.
pub fn player(id: &str, skill: f64) -> Player {
    Player::builder()
        .player_id(id)
        .player_attributes("skill", AttributeValue::builder().n(skill).build())
        .build()
}

/// A player already in a game, on `team` (for StartMatchBackfill).
pub fn player_on(id: &str, skill: f64, team: &str) -> Player {
    Player::builder()
        .player_id(id)
        .team(team)
        .player_attributes("skill", AttributeValue::builder().n(skill).build())
        .build()
}

/// StartMatchmaking for one player; returns the new ticket.
pub async fn start(c: &Client, cfg: &str, ticket: &str, p: Player) -> MatchmakingTicket {
    c.start_matchmaking()
        .ticket_id(ticket)
        .configuration_name(cfg)
        .players(p)
        .send()
        .await
        .unwrap_or_else(|e| panic!("StartMatchmaking {ticket}: {e:?}"))
        .matchmaking_ticket
        .expect("MatchmakingTicket")
}

/// DescribeMatchmaking for one ticket.
pub async fn ticket(c: &Client, id: &str) -> MatchmakingTicket {
    let out = c
        .describe_matchmaking()
        .ticket_ids(id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeMatchmaking {id}: {e:?}"));
    out.ticket_list()
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("ticket {id} is described"))
}

pub async fn status(c: &Client, id: &str) -> MatchmakingConfigurationStatus {
    ticket(c, id).await.status().cloned().expect("a Status")
}

/// Waits (for I/O: a server's reply being handled, never for time-based behaviour) until
/// the ticket has `want`; returns it.
pub async fn wait_status(
    c: &Client,
    id: &str,
    want: MatchmakingConfigurationStatus,
) -> MatchmakingTicket {
    let deadline = tokio::time::Instant::now() + IO_TIMEOUT;
    loop {
        let t = ticket(c, id).await;
        if t.status() == Some(&want) {
            return t;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "ticket {id} is {:?}, waited for {want:?}",
            t.status()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The next event the (polling) SDK server gets.
pub async fn next_event(sdk: &ServerSdk) -> ServerEvent {
    tokio::time::timeout(IO_TIMEOUT, sdk.next_event())
        .await
        .expect("an event arrives at the game server")
}

/// The next event, which must be an UpdateGameSession.
pub async fn next_update(sdk: &ServerSdk) -> UpdateGameSession {
    match next_event(sdk).await {
        ServerEvent::UpdateGameSession(u) => u,
        other => panic!("expected UpdateGameSession, got {other:?}"),
    }
}

/// Asserts the server gets no event for a short while (a "no second effect" check only).
pub async fn expect_no_event(sdk: &ServerSdk) {
    if let Ok(e) = tokio::time::timeout(Duration::from_millis(200), sdk.next_event()).await {
        panic!("expected no event at the game server, got {e:?}");
    }
}

/// How many players the matchmaker data holds.
pub fn player_count(md: &MatchmakerData) -> usize {
    md.teams.iter().map(|t| t.players.len()).sum()
}

/// The current players as a game server describes them to its own StartMatchBackfill
/// (sdk-wire-protocol.md §3.7): id, team and attributes from the matchmaker data.
pub fn sdk_players(md: &MatchmakerData) -> Vec<playfield_sdk::model::Player> {
    md.teams
        .iter()
        .flat_map(|t| {
            t.players.iter().map(|p| {
                let mut pl = playfield_sdk::model::Player::new(&p.player_id).with_team(&t.name);
                for (k, v) in &p.attributes {
                    pl = pl.with_attribute(k, v.clone());
                }
                pl
            })
        })
        .collect()
}

/// The current players as a client service describes them to the StartMatchBackfill
/// operation (guide, "发送回填请求（从客户端服务）"): id, team and the `skill` attribute.
pub fn api_players(md: &MatchmakerData) -> Vec<Player> {
    md.teams
        .iter()
        .flat_map(|t| {
            t.players.iter().map(|p| {
                let mut b = Player::builder().player_id(&p.player_id).team(&t.name);
                if let Some(playfield_sdk::wire::AttributeValue::Double(n)) =
                    p.attributes.get("skill")
                {
                    b = b.player_attributes("skill", AttributeValue::builder().n(*n).build());
                }
                b.build()
            })
        })
        .collect()
}
