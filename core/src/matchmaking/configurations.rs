//! Matchmaking configurations: which rule set matches, and what happens to a match
//! (guide lines 1709–2046; service-api.md §9.1 Create/Describe/Update/DeleteMatchmakingConfiguration).
//!
//! Each configuration owns one ticket pool. Changing its rule set replaces the pool: waiting
//! tickets are carried into the new one (a ticket that no longer fits the rules fails with
//! the reason), so an update never strands tickets.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::rule_sets::{check_name, name_of};
use crate::clock::Millis;
use crate::{Core, CoreError};
use playfield_flexmatch::Pool;

/// How a configuration gets its game session: GameLift's `FlexMatchMode`. The startup file
/// names it in the same words (`flex_match_mode = "STANDALONE"`).
///
/// GPM calls the same distinction `MatchType`: `WithQueue` is `GSE` (a match is placed, its
/// tickets go to `PLACING`), `Standalone` is `NORMAL` (a ticket's life ends at `MatchCreated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlexMatchMode {
    /// FlexMatch places each match through a queue (`WITH_QUEUE`).
    #[default]
    WithQueue,
    /// Matchmaking only; the game places the match itself (`STANDALONE`).
    Standalone,
}

/// How matched game sessions get new players.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BackfillMode {
    Manual,
    Automatic,
}

/// Limits from the service model.
pub const MAX_REQUEST_TIMEOUT_S: u32 = 43_200;
pub const MAX_ACCEPTANCE_TIMEOUT_S: u32 = 600;

#[derive(Debug, Clone, PartialEq)]
pub struct MatchmakingConfiguration {
    pub name: String,
    pub arn: String,
    pub description: Option<String>,
    pub rule_set_name: String,
    pub rule_set_arn: String,
    pub flex_match_mode: FlexMatchMode,
    /// Queue names (WITH_QUEUE): the first is used for placement.
    pub game_session_queue_names: Vec<String>,
    pub request_timeout_seconds: u32,
    pub acceptance_required: bool,
    pub acceptance_timeout_seconds: Option<u32>,
    pub backfill_mode: BackfillMode,
    pub additional_player_count: u32,
    pub game_properties: BTreeMap<String, String>,
    pub game_session_data: Option<String>,
    pub custom_event_data: Option<String>,
    pub notification_target: Option<String>,
    pub creation_time: Millis,
    /// PGOS matchmaking post-processing: the virtual server's URL, called with each match
    /// this configuration forms (see [`super::post_processing`]). A PGOS extension, not in
    /// the GameLift API: set from the startup file only, kept across API updates.
    pub post_processing_url: Option<String>,
}

/// What Create and Update take. Update replaces every field given here but
/// `post_processing_url`.
///
/// Built from the startup file's `[[matchmaking_configurations]]` entries (by the daemon's
/// `config` module) and from a configuration the core holds with
/// `From<&MatchmakingConfiguration>` (what API updates lay their input over); those two are
/// the only places that copy the fields across.
#[derive(Debug, Clone)]
pub struct ConfigurationSpec {
    pub name: String,
    pub description: Option<String>,
    pub rule_set: String,
    pub flex_match_mode: FlexMatchMode,
    pub game_session_queues: Vec<String>,
    pub request_timeout_seconds: u32,
    pub acceptance_required: bool,
    pub acceptance_timeout_seconds: Option<u32>,
    pub backfill_mode: BackfillMode,
    pub additional_player_count: u32,
    pub game_properties: BTreeMap<String, String>,
    pub game_session_data: Option<String>,
    pub custom_event_data: Option<String>,
    pub notification_target: Option<String>,
    /// PGOS post-processing URL (http:// or https://). Create sets it; Update keeps the
    /// configuration's current URL whatever is given here, because the GameLift API has no
    /// member for it and an API update must not clear what the startup file set
    /// ([`Core::set_post_processing_url`] changes it).
    pub post_processing_url: Option<String>,
}

impl ConfigurationSpec {
    /// CreateMatchmakingConfiguration's defaults for every member not given: no rule set or
    /// queue yet, WITH_QUEUE, 120 s request timeout, no acceptance, MANUAL backfill.
    pub fn service_defaults(name: &str) -> Self {
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

/// A configuration as it stands: the base an API update lays its input over.
impl From<&MatchmakingConfiguration> for ConfigurationSpec {
    fn from(c: &MatchmakingConfiguration) -> Self {
        Self {
            name: c.name.clone(),
            description: c.description.clone(),
            rule_set: c.rule_set_name.clone(),
            flex_match_mode: c.flex_match_mode,
            game_session_queues: c.game_session_queue_names.clone(),
            request_timeout_seconds: c.request_timeout_seconds,
            acceptance_required: c.acceptance_required,
            acceptance_timeout_seconds: c.acceptance_timeout_seconds,
            backfill_mode: c.backfill_mode,
            additional_player_count: c.additional_player_count,
            game_properties: c.game_properties.clone(),
            game_session_data: c.game_session_data.clone(),
            custom_event_data: c.custom_event_data.clone(),
            notification_target: c.notification_target.clone(),
            post_processing_url: c.post_processing_url.clone(),
        }
    }
}

/// What is wrong with a post-processing URL, if anything: it must be http:// or https://.
/// One rule for the startup file and the core, so both refuse the same URLs in the same words
/// (the startup file adds the line it is on).
pub fn post_processing_url_problem(url: &str) -> Option<String> {
    if url.starts_with("http://") || url.starts_with("https://") {
        None
    } else {
        Some(format!("{url:?} is not an http:// or https:// URL"))
    }
}

/// A post-processing URL must be http:// or https:// ([`post_processing_url_problem`]).
pub(super) fn check_post_processing_url(url: &str) -> Result<(), CoreError> {
    match post_processing_url_problem(url) {
        Some(problem) => Err(CoreError::param("post_processing_url", problem)),
        None => Ok(()),
    }
}

impl Core {
    fn check_spec(&self, s: &ConfigurationSpec) -> Result<(), CoreError> {
        check_name("Name", &s.name)?;
        if !self.mm.rule_sets.contains_key(name_of(&s.rule_set)) {
            return Err(CoreError::NotFound {
                what: "matchmaking rule set",
                id: s.rule_set.clone(),
            });
        }
        if !(1..=MAX_REQUEST_TIMEOUT_S).contains(&s.request_timeout_seconds) {
            return Err(CoreError::param(
                "RequestTimeoutSeconds",
                format!(
                    "{} is outside 1..{MAX_REQUEST_TIMEOUT_S}",
                    s.request_timeout_seconds
                ),
            ));
        }
        if s.acceptance_required {
            match s.acceptance_timeout_seconds {
                Some(t) if (1..=MAX_ACCEPTANCE_TIMEOUT_S).contains(&t) => {}
                Some(t) => {
                    return Err(CoreError::param(
                        "AcceptanceTimeoutSeconds",
                        format!("{t} is outside 1..{MAX_ACCEPTANCE_TIMEOUT_S}"),
                    ))
                }
                None => {
                    return Err(CoreError::param(
                        "AcceptanceTimeoutSeconds",
                        "is required when AcceptanceRequired is true",
                    ))
                }
            }
        }
        match s.flex_match_mode {
            FlexMatchMode::WithQueue => {
                let Some(q) = s.game_session_queues.first() else {
                    return Err(CoreError::param(
                        "GameSessionQueueArns",
                        "a WITH_QUEUE configuration needs a game session queue",
                    ));
                };
                if !self.mm.queues.contains_key(name_of(q)) {
                    return Err(CoreError::NotFound {
                        what: "game session queue",
                        id: q.clone(),
                    });
                }
            }
            FlexMatchMode::Standalone => {
                if s.backfill_mode == BackfillMode::Automatic {
                    return Err(CoreError::param(
                        "BackfillMode",
                        "AUTOMATIC backfill needs FlexMatchMode WITH_QUEUE (a STANDALONE \
                         matchmaker does not know the game sessions)",
                    ));
                }
            }
        }
        if s.game_properties.len() > 16 {
            return Err(CoreError::param(
                "GameProperties",
                format!("{} given, at most 16 allowed", s.game_properties.len()),
            ));
        }
        if let Some(url) = &s.post_processing_url {
            check_post_processing_url(url)?;
        }
        Ok(())
    }

    fn build_configuration(&self, now: Millis, s: ConfigurationSpec) -> MatchmakingConfiguration {
        let rs = name_of(&s.rule_set).to_string();
        MatchmakingConfiguration {
            arn: self.configuration_arn(&s.name),
            rule_set_arn: self.mm.rule_sets[&rs].arn.clone(),
            rule_set_name: rs,
            name: s.name,
            description: s.description,
            flex_match_mode: s.flex_match_mode,
            game_session_queue_names: s
                .game_session_queues
                .iter()
                .map(|q| name_of(q).to_string())
                .collect(),
            request_timeout_seconds: s.request_timeout_seconds,
            acceptance_required: s.acceptance_required,
            acceptance_timeout_seconds: s.acceptance_timeout_seconds,
            backfill_mode: s.backfill_mode,
            additional_player_count: s.additional_player_count,
            game_properties: s.game_properties,
            game_session_data: s.game_session_data,
            custom_event_data: s.custom_event_data,
            notification_target: s.notification_target,
            creation_time: now,
            post_processing_url: s.post_processing_url,
        }
    }

    /// CreateMatchmakingConfiguration.
    pub fn create_configuration(
        &mut self,
        now: Millis,
        spec: ConfigurationSpec,
    ) -> Result<MatchmakingConfiguration, CoreError> {
        self.check_spec(&spec)?;
        if self.mm.configurations.contains_key(&spec.name) {
            return Err(CoreError::NameTaken {
                what: "matchmaking configuration",
                name: spec.name,
            });
        }
        let c = self.build_configuration(now, spec);
        let rs = Arc::clone(&self.mm.rule_sets[&c.rule_set_name].parsed);
        self.mm.pools.insert(c.name.clone(), Pool::new(rs));
        self.mm.configurations.insert(c.name.clone(), c.clone());
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
        let old = self.configuration(&spec.name)?.clone();
        self.check_spec(&spec)?;
        let mut c = self.build_configuration(old.creation_time, spec);
        c.creation_time = old.creation_time;
        c.post_processing_url = old.post_processing_url.clone();
        let rule_set_changed = c.rule_set_name != old.rule_set_name;
        self.mm.configurations.insert(c.name.clone(), c.clone());
        if rule_set_changed {
            self.keep_pool_evaluations(&c.name);
            let rs = Arc::clone(&self.mm.rule_sets[&c.rule_set_name].parsed);
            self.mm.pools.insert(c.name.clone(), Pool::new(rs));
            self.repool_searching(now, &c.name);
            self.run_pass(now, &c.name);
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
                .filter(|c| c.rule_set_name == rs)
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
