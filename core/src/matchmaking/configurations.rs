//! Matchmaking configurations: which rule set matches, and what happens to a match
//! (guide lines 1709–2046; service-api.md §9.1 Create/Describe/Update/DeleteMatchmakingConfiguration).
//!
//! Each configuration owns one ticket pool. Changing its rule set replaces the pool: waiting
//! tickets are carried into the new one (a ticket that no longer fits the rules fails with
//! the reason), so an update never strands tickets.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::names::ConfigurationName;
use super::rule_sets::{name_of, name_problem};
use crate::clock::Millis;
use crate::{Core, CoreError};
use playfield_flexmatch::Pool;

/// How a configuration gets its game session: GameLift's `FlexMatchMode`. The startup file
/// and the API name it in the same words (`flex_match_mode = "STANDALONE"`,
/// `"FlexMatchMode": "STANDALONE"`), read and written by this serde form.
///
/// GPM calls the same distinction `MatchType`: `WithQueue` is `GSE` (a match is placed, its
/// tickets go to `PLACING`), `Standalone` is `NORMAL` (a ticket's life ends at `MatchCreated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlexMatchMode {
    /// FlexMatch places each match through a queue (`WITH_QUEUE`).
    #[default]
    WithQueue,
    /// Matchmaking only; the game places the match itself (`STANDALONE`).
    Standalone,
}

/// How matched game sessions get new players: GameLift's `BackfillMode`, in the startup
/// file and the API in the same words (`MANUAL`, `AUTOMATIC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BackfillMode {
    /// The game or a player asks for backfill with StartMatchBackfill.
    Manual,
    /// The daemon starts a backfill ticket whenever a matched game session has open slots.
    Automatic,
}

/// Limits from the service model.
pub(crate) const MAX_REQUEST_TIMEOUT_S: u32 = 43_200;
pub(crate) const MAX_ACCEPTANCE_TIMEOUT_S: u32 = 600;

/// A matchmaking configuration the core holds: its spec, with the rule set and queues named
/// by name (an ARN given is reduced to its name), plus the ARN and creation time the core
/// gave it. DescribeMatchmakingConfigurations renders this; an API update lays its input
/// over `spec`.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchmakingConfiguration {
    /// The configuration as defined.
    pub spec: ConfigurationSpec,
    /// Its ARN (`arn:aws:gamelift:<region>:<account>:matchmakingconfiguration/<name>`).
    pub arn: String,
    /// When it was created (epoch ms).
    pub creation_time: Millis,
}

/// A matchmaking configuration as defined: the one type the startup file, the API and the
/// core share. Create and Update take it (Update replaces every field but
/// `post_processing_url`); the startup file's `[[matchmaking_configurations]]` entries
/// resolve into it, and an API request lays its members over
/// [`ConfigurationSpec::service_defaults`] (Create) or the configuration as it stands
/// (Update). Its defaults are [`ConfigurationSpec::service_defaults`]; the checks that need
/// nothing but the spec are [`ConfigurationSpec::problems`].
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigurationSpec {
    /// The configuration's unique name; tickets name it in StartMatchmaking.
    pub name: ConfigurationName,
    /// Free text for humans.
    pub description: Option<String>,
    /// The rule set that forms its matches (by name).
    pub rule_set: String,
    /// Whether matches are placed through a queue or handed to the game.
    pub flex_match_mode: FlexMatchMode,
    /// The queues that place its matches (by name); exactly one with WITH_QUEUE, none with
    /// STANDALONE.
    pub game_session_queues: Vec<String>,
    /// How long a ticket may search before it is TIMED_OUT (seconds, 1 to 43 200).
    pub request_timeout_seconds: u32,
    /// Whether the players of a proposed match must accept it (AcceptMatch).
    pub acceptance_required: bool,
    /// How long players have to accept (seconds, 1 to 600); used only with acceptance required.
    pub acceptance_timeout_seconds: Option<u32>,
    /// Who starts backfill tickets for its matched game sessions.
    pub backfill_mode: BackfillMode,
    /// Player slots to keep open in each game session beyond the match's players
    /// (`AdditionalPlayerCount`).
    pub additional_player_count: u32,
    /// Game properties given to every game session it places (at most 16).
    pub game_properties: BTreeMap<String, String>,
    /// Game session data given to every game session it places.
    pub game_session_data: Option<String>,
    /// Copied into each of its FlexMatch events (`customEventData`, at most 256 characters).
    pub custom_event_data: Option<String>,
    /// Where its FlexMatch events go: the service's SNS topic ARN (`NotificationTarget`).
    pub notification_target: Option<String>,
    /// PGOS post-processing URL (http:// or https://). Create sets it; Update keeps the
    /// configuration's current URL whatever is given here, because the GameLift API has no
    /// member for it and an API update must not clear what the startup file set
    /// (`Core::set_post_processing_url` changes it).
    pub post_processing_url: Option<String>,
}

impl ConfigurationSpec {
    /// CreateMatchmakingConfiguration's defaults for every member not given: no rule set or
    /// queue yet, WITH_QUEUE, 120 s request timeout, no acceptance, MANUAL backfill.
    pub fn service_defaults(name: impl Into<ConfigurationName>) -> Self {
        Self {
            name: name.into(),
            description: None,
            rule_set: String::new(),
            flex_match_mode: FlexMatchMode::WithQueue,
            game_session_queues: vec![],
            request_timeout_seconds: 120,
            acceptance_required: false,
            acceptance_timeout_seconds: None,
            backfill_mode: BackfillMode::Manual,
            additional_player_count: 0,
            game_properties: BTreeMap::new(),
            game_session_data: None,
            custom_event_data: None,
            notification_target: None,
            post_processing_url: None,
        }
    }

    /// A WITH_QUEUE configuration with the service's defaults, for tests and tools.
    pub fn new(name: &str, rule_set: &str, queue: &str) -> Self {
        Self {
            rule_set: rule_set.into(),
            game_session_queues: vec![queue.into()],
            ..Self::service_defaults(name)
        }
    }
}

/// A member of [`ConfigurationSpec`] a [`SpecProblem`] is about: the core names it in its
/// error by its API name, the startup file points at its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigurationMember {
    /// `Name`.
    Name,
    /// `GameSessionQueueArns`.
    GameSessionQueues,
    /// `RequestTimeoutSeconds`.
    RequestTimeoutSeconds,
    /// `AcceptanceTimeoutSeconds`.
    AcceptanceTimeoutSeconds,
    /// `BackfillMode`.
    BackfillMode,
    /// `GameProperties`.
    GameProperties,
    /// `CustomEventData`.
    CustomEventData,
    /// `post_processing_url` (a PGOS extension; no API name).
    PostProcessingUrl,
}

impl ConfigurationMember {
    /// The member's name in the GameLift API (`post_processing_url` is a PGOS extension and
    /// has none, so it keeps its own).
    pub(crate) fn api_name(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::GameSessionQueues => "GameSessionQueueArns",
            Self::RequestTimeoutSeconds => "RequestTimeoutSeconds",
            Self::AcceptanceTimeoutSeconds => "AcceptanceTimeoutSeconds",
            Self::BackfillMode => "BackfillMode",
            Self::GameProperties => "GameProperties",
            Self::CustomEventData => "CustomEventData",
            Self::PostProcessingUrl => "post_processing_url",
        }
    }
}

/// One thing wrong with a spec on its own, before the core looks up what it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecProblem<M> {
    /// The member that is wrong.
    pub member: M,
    /// What is wrong with it, for the error message.
    pub message: String,
}

/// GameProperties: "maximum number of game properties is 16" (the model's GamePropertyList).
pub(crate) const MAX_GAME_PROPERTIES: usize = 16;
/// CustomEventData: at most 256 characters (the model's CustomEventData length).
pub(crate) const MAX_CUSTOM_EVENT_DATA_CHARS: usize = 256;

impl ConfigurationSpec {
    /// Every rule the spec breaks on its own, in member order: the one definition of a
    /// configuration's member checks. The core refuses a spec with the first
    /// ([`Core::create_configuration`]); the startup file reports each at its key. Whether
    /// the rule set and queues it names exist is the core's to check.
    pub fn problems(&self) -> Vec<SpecProblem<ConfigurationMember>> {
        use ConfigurationMember as M;
        let mut found = Vec::new();
        let mut problem = |member, message: String| found.push(SpecProblem { member, message });
        if let Some(p) = name_problem(self.name.as_str()) {
            problem(M::Name, p);
        }
        if self.flex_match_mode == FlexMatchMode::WithQueue && self.game_session_queues.is_empty() {
            problem(
                M::GameSessionQueues,
                "WITH_QUEUE mode needs a queue to place matches through: a WITH_QUEUE \
                 configuration needs a game session queue (or FlexMatchMode STANDALONE)"
                    .into(),
            );
        }
        if !(1..=MAX_REQUEST_TIMEOUT_S).contains(&self.request_timeout_seconds) {
            problem(
                M::RequestTimeoutSeconds,
                format!(
                    "{} is outside 1..{MAX_REQUEST_TIMEOUT_S}",
                    self.request_timeout_seconds
                ),
            );
        }
        match self.acceptance_timeout_seconds {
            Some(t) if !(1..=MAX_ACCEPTANCE_TIMEOUT_S).contains(&t) => problem(
                M::AcceptanceTimeoutSeconds,
                format!("{t} is outside 1..{MAX_ACCEPTANCE_TIMEOUT_S}"),
            ),
            None if self.acceptance_required => problem(
                M::AcceptanceTimeoutSeconds,
                "is required when AcceptanceRequired is true".into(),
            ),
            _ => {}
        }
        if self.flex_match_mode == FlexMatchMode::Standalone
            && self.backfill_mode == BackfillMode::Automatic
        {
            problem(
                M::BackfillMode,
                "AUTOMATIC backfill needs WITH_QUEUE mode (FlexMatchMode; a STANDALONE \
                 matchmaker does not know the game sessions)"
                    .into(),
            );
        }
        if self.game_properties.len() > MAX_GAME_PROPERTIES {
            problem(
                M::GameProperties,
                format!(
                    "{} given, at most {MAX_GAME_PROPERTIES} allowed",
                    self.game_properties.len()
                ),
            );
        }
        if let Some(data) = &self.custom_event_data {
            if data.chars().count() > MAX_CUSTOM_EVENT_DATA_CHARS {
                problem(
                    M::CustomEventData,
                    format!("at most {MAX_CUSTOM_EVENT_DATA_CHARS} characters"),
                );
            }
        }
        if let Some(p) = self
            .post_processing_url
            .as_deref()
            .and_then(post_processing_url_problem)
        {
            problem(M::PostProcessingUrl, p);
        }
        found
    }
}

/// What is wrong with a post-processing URL, if anything: it must be http:// or https://.
/// One rule for the startup file and the core, so both refuse the same URLs in the same words
/// (the startup file adds the line it is on).
pub(crate) fn post_processing_url_problem(url: &str) -> Option<String> {
    if url.starts_with("http://") || url.starts_with("https://") {
        None
    } else {
        Some(format!("{url:?} is not an http:// or https:// URL"))
    }
}

/// A post-processing URL must be http:// or https:// ([`post_processing_url_problem`]).
#[cfg(test)]
pub(super) fn check_post_processing_url(url: &str) -> Result<(), CoreError> {
    match post_processing_url_problem(url) {
        Some(problem) => Err(CoreError::param("post_processing_url", problem)),
        None => Ok(()),
    }
}

impl Core {
    /// The spec's own rules ([`ConfigurationSpec::problems`]), then whether the rule set and
    /// the placement queue it names exist. The name comes first and the rule set second, as
    /// the service reports them.
    fn check_spec(&self, s: &ConfigurationSpec) -> Result<(), CoreError> {
        let (name, rest): (Vec<_>, Vec<_>) = s
            .problems()
            .into_iter()
            .partition(|p| p.member == ConfigurationMember::Name);
        let refused = |p: SpecProblem<ConfigurationMember>| {
            Err(CoreError::param(p.member.api_name(), p.message))
        };
        if let Some(p) = name.into_iter().next() {
            return refused(p);
        }
        if !self.mm.rule_sets.contains_key(name_of(&s.rule_set)) {
            return Err(CoreError::NotFound {
                what: "matchmaking rule set",
                id: s.rule_set.clone(),
            });
        }
        if let Some(p) = rest.into_iter().next() {
            return refused(p);
        }
        if s.flex_match_mode == FlexMatchMode::WithQueue {
            if let Some(q) = s.game_session_queues.first() {
                if !self.mm.queues.contains_key(name_of(q)) {
                    return Err(CoreError::NotFound {
                        what: "game session queue",
                        id: q.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The record of a checked spec: the rule set and queues reduced to their names.
    fn build_configuration(
        &self,
        now: Millis,
        mut spec: ConfigurationSpec,
    ) -> MatchmakingConfiguration {
        spec.rule_set = name_of(&spec.rule_set).to_string();
        for q in &mut spec.game_session_queues {
            *q = name_of(q).to_string();
        }
        MatchmakingConfiguration {
            arn: self.configuration_arn(spec.name.as_str()),
            spec,
            creation_time: now,
        }
    }

    /// CreateMatchmakingConfiguration.
    pub fn create_configuration(
        &mut self,
        now: Millis,
        spec: ConfigurationSpec,
    ) -> Result<MatchmakingConfiguration, CoreError> {
        self.check_spec(&spec)?;
        if self.mm.configurations.contains_key(spec.name.as_str()) {
            return Err(CoreError::NameTaken {
                what: "matchmaking configuration",
                name: spec.name.to_string(),
            });
        }
        let c = self.build_configuration(now, spec);
        let rs = Arc::clone(&self.mm.rule_sets[&c.spec.rule_set].parsed);
        self.mm.pools.insert(c.spec.name.to_string(), Pool::new(rs));
        self.mm
            .configurations
            .insert(c.spec.name.to_string(), c.clone());
        Ok(c)
    }

    /// UpdateMatchmakingConfiguration: replaces the configuration (keeping its creation time
    /// and post-processing URL); with a new rule set the waiting tickets move to a new pool
    /// (those that no longer fit fail).
    pub fn update_configuration(
        &mut self,
        now: Millis,
        spec: ConfigurationSpec,
    ) -> Result<MatchmakingConfiguration, CoreError> {
        let old = self.configuration(spec.name.as_str())?.clone();
        self.check_spec(&spec)?;
        let mut c = self.build_configuration(old.creation_time, spec);
        c.spec.post_processing_url = old.spec.post_processing_url.clone();
        let name = c.spec.name.to_string();
        let rule_set_changed = c.spec.rule_set != old.spec.rule_set;
        self.mm.configurations.insert(name.clone(), c.clone());
        if rule_set_changed {
            self.keep_pool_evaluations(&name);
            let rs = Arc::clone(&self.mm.rule_sets[&c.spec.rule_set].parsed);
            self.mm.pools.insert(name.clone(), Pool::new(rs));
            self.repool_searching(now, &name);
            self.run_pass(now, &name);
        }
        Ok(c)
    }

    /// DeleteMatchmakingConfiguration: refused while it has unfinished tickets.
    pub fn delete_configuration(&mut self, name: &str) -> Result<(), CoreError> {
        let name = name_of(name).to_string();
        self.configuration(&name)?;
        if let Some(t) = self
            .mm
            .tickets
            .values()
            .find(|t| t.configuration_name == name && !t.status.is_final())
        {
            return Err(CoreError::ConfigurationHasActiveTicket {
                name,
                ticket_id: t.id.to_string(),
                status: t.status.as_str(),
            });
        }
        if let Some(c) = self.mm.configurations.remove(&name) {
            self.forget_tags(&c.arn);
        }
        self.mm.pools.remove(&name);
        self.timers
            .cancel(&crate::timers::TimerKey::Expansion(name));
        Ok(())
    }

    /// DescribeMatchmakingConfigurations: the named ones (all when empty), or those using
    /// `rule_set`.
    pub fn describe_configurations(
        &self,
        names: &[String],
        rule_set: Option<&str>,
    ) -> Result<Vec<MatchmakingConfiguration>, CoreError> {
        if let Some(rs) = rule_set {
            let rs = name_of(rs);
            return Ok(self
                .mm
                .configurations
                .values()
                .filter(|c| c.spec.rule_set == rs)
                .cloned()
                .collect());
        }
        if names.is_empty() {
            return Ok(self.mm.configurations.values().cloned().collect());
        }
        // Unknown names are left out, as the service does for this list operation.
        Ok(names
            .iter()
            .filter_map(|n| self.mm.configurations.get(name_of(n)).cloned())
            .collect())
    }

    /// The configuration named (or ARN'd) `name`.
    pub fn configuration(&self, name: &str) -> Result<&MatchmakingConfiguration, CoreError> {
        self.mm
            .configurations
            .get(name_of(name))
            .ok_or_else(|| CoreError::NotFound {
                what: "matchmaking configuration",
                id: name.into(),
            })
    }
}
