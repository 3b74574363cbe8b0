//! Amazon Resource Names: the daemon's one way to read them and to make them.
//!
//! An ARN is `arn:<partition>:<service>:<region>:<account>:<resource>` (AWS General
//! Reference, "Amazon Resource Names (ARNs)"); GameLift's resources are `<type>/<id>`
//! (service-api.md §7, e.g. `arn:aws:gamelift:us-west-2:123456789012:fleet/fleet-1`).
//!
//! Two rules follow from the service, and this module is where they live:
//! - What a caller gives is kept as given. [`Arn::parse`] reads the six fields and
//!   [`Arn`]'s `Display` writes exactly the text it read, so an ARN stored from a request (a
//!   queue destination naming another account) is echoed unchanged.
//! - What the daemon makes carries its one region and account. Every ARN of a resource the
//!   daemon creates comes from an [`ArnIssuer`], made from the core's configuration
//!   ([`CoreConfig::arns`](super::CoreConfig::arns)): fleets, computes, custom locations,
//!   queues, matchmaking configurations and rule sets, game sessions (whose ARNs leave the
//!   account empty, as the service writes them) and the SNS topics events go to.
//!
//! Requests that take "a name or an ARN" (FleetId, ComputeName, Name, ...) are read with
//! [`resource_id_of`].

use std::fmt;
use std::str::FromStr;

/// The partition of every ARN the daemon makes (the commercial AWS Regions).
pub(crate) const PARTITION: &str = "aws";

/// An ARN's six fields. Parsing then printing gives back the text that was parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    partition: String,
    service: String,
    region: String,
    account: String,
    resource: String,
}

/// Why a text is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>): {why}")]
pub struct ArnError {
    /// The text that was read.
    pub text: String,
    /// What is wrong with it.
    pub why: &'static str,
}

/// The five fields after `arn:`, borrowed from `text`: the one place an ARN is split.
/// Region and account may be empty (S3 and game session ARNs leave them so); partition,
/// service and resource may not.
fn split(text: &str) -> Result<[&str; 5], &'static str> {
    let Some(rest) = text.strip_prefix("arn:") else {
        return Err("it does not start with 'arn:'");
    };
    let mut parts = rest.splitn(5, ':');
    let mut fields = [""; 5];
    for field in &mut fields {
        *field = parts
            .next()
            .ok_or("it has fewer than six ':'-separated fields")?;
    }
    let [partition, service, _, _, resource] = fields;
    if partition.is_empty() {
        return Err("the partition is empty");
    }
    if service.is_empty() {
        return Err("the service is empty");
    }
    if resource.is_empty() {
        return Err("the resource is empty");
    }
    Ok(fields)
}

impl Arn {
    /// An ARN from its five fields, taken as they are (nothing is checked).
    pub fn new(
        partition: impl Into<String>,
        service: impl Into<String>,
        region: impl Into<String>,
        account: impl Into<String>,
        resource: impl Into<String>,
    ) -> Self {
        Self {
            partition: partition.into(),
            service: service.into(),
            region: region.into(),
            account: account.into(),
            resource: resource.into(),
        }
    }

    /// Reads `arn:<partition>:<service>:<region>:<account>:<resource>`. The resource is
    /// everything after the fifth ':' (it may hold ':' and '/' itself).
    pub fn parse(text: &str) -> Result<Self, ArnError> {
        let [partition, service, region, account, resource] =
            split(text).map_err(|why| ArnError {
                text: text.to_string(),
                why,
            })?;
        Ok(Self::new(partition, service, region, account, resource))
    }

    /// The partition, `aws` for everything Playfield makes.
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The service, `gamelift` for everything Playfield makes (`sns` for a topic).
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The region, e.g. `us-west-2`; empty in ARNs that leave it out.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The 12-digit account id; empty in ARNs that leave it out (game sessions).
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Everything after the account: `fleet/fleet-1`, `gamesession/fleet-1/gsess-1`, or an
    /// SNS topic's name.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// `<type>/<id>` split at the first '/' (`gamesession/fleet-1/gsess-1` is type
    /// `gamesession`, id `fleet-1/gsess-1`); `None` for a resource without a type.
    pub(crate) fn typed_resource(&self) -> Option<(&str, &str)> {
        self.resource.split_once('/')
    }

    /// The resource's type (`fleet`, `gamesession`, ...); `None` for a resource without one.
    pub fn resource_type(&self) -> Option<&str> {
        self.typed_resource().map(|(t, _)| t)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

impl FromStr for Arn {
    type Err = ArnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<Arn> for String {
    fn from(arn: Arn) -> Self {
        arn.to_string()
    }
}

/// What a request names a resource by when it takes "a name (or id) or an ARN" (FleetId,
/// ComputeName, a queue's or configuration's Name, a queue destination): the id of an ARN
/// with a `<type>/<id>` resource, otherwise the text as it is.
pub fn resource_id_of(name_or_arn: &str) -> &str {
    match split(name_or_arn) {
        Ok([.., resource]) => resource.split_once('/').map_or(name_or_arn, |(_, id)| id),
        Err(_) => name_or_arn,
    }
}

/// The region and account fields of an ARN, for event envelopes that copy them; empty
/// strings for a text that is not an ARN (the envelope is still sent).
pub fn region_and_account(text: &str) -> (&str, &str) {
    match split(text) {
        Ok([_, _, region, account, _]) => (region, account),
        Err(_) => ("", ""),
    }
}

/// Makes the ARNs of what this daemon creates: all in `PARTITION`, the daemon's region
/// and its account (game sessions: no account, as the service writes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnIssuer<'a> {
    region: &'a str,
    account: &'a str,
}

impl<'a> ArnIssuer<'a> {
    /// An issuer for the daemon's region and account.
    pub fn new(region: &'a str, account: &'a str) -> Self {
        Self { region, account }
    }

    /// The region every ARN it makes names.
    pub fn region(&self) -> &'a str {
        self.region
    }

    /// The 12-digit account id every ARN it makes names (except game sessions').
    pub fn account(&self) -> &'a str {
        self.account
    }

    fn gamelift(&self, kind: &str, id: &str) -> Arn {
        Arn::new(
            PARTITION,
            "gamelift",
            self.region,
            self.account,
            format!("{kind}/{id}"),
        )
    }

    /// `arn:aws:gamelift:<region>:<account>:fleet/<fleet-id>`
    pub fn fleet(&self, fleet_id: &str) -> Arn {
        self.gamelift("fleet", fleet_id)
    }

    /// `arn:aws:gamelift:<region>:<account>:compute/<compute-name>`
    pub fn compute(&self, name: &str) -> Arn {
        self.gamelift("compute", name)
    }

    /// `arn:aws:gamelift:<region>:<account>:location/<custom-name>`
    pub fn location(&self, name: &str) -> Arn {
        self.gamelift("location", name)
    }

    /// `arn:aws:gamelift:<region>:<account>:gamesessionqueue/<name>`
    pub fn game_session_queue(&self, name: &str) -> Arn {
        self.gamelift("gamesessionqueue", name)
    }

    /// `arn:aws:gamelift:<region>:<account>:matchmakingconfiguration/<name>`
    pub fn matchmaking_configuration(&self, name: &str) -> Arn {
        self.gamelift("matchmakingconfiguration", name)
    }

    /// `arn:aws:gamelift:<region>:<account>:matchmakingruleset/<name>`
    pub(crate) fn matchmaking_rule_set(&self, name: &str) -> Arn {
        self.gamelift("matchmakingruleset", name)
    }

    /// `arn:aws:gamelift:<region>::gamesession/<fleet-id>/<id-string>`: the game session id
    /// *is* this ARN, and the service leaves its account field empty (service-api.md §7;
    /// the model's GameSessionId documentation: `arn:aws:gamelift:<home_region>::gamesession/
    /// <fleet ID>/<ID string>`).
    pub fn game_session(&self, fleet_id: &str, id_string: &str) -> Arn {
        Arn::new(
            PARTITION,
            "gamelift",
            self.region,
            "",
            format!("gamesession/{fleet_id}/{id_string}"),
        )
    }

    /// `arn:aws:sns:<region>:<account>:<topic-name>`
    pub fn sns_topic(&self, name: &str) -> Arn {
        Arn::new(PARTITION, "sns", self.region, self.account, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arn_prints_back_exactly_as_it_was_given() {
        for text in [
            "arn:aws:gamelift:us-west-2:123456789012:fleet/fleet-1",
            "arn:aws:gamelift:us-west-2::gamesession/fleet-1/gsess-1",
            "arn:aws-cn:gamelift:cn-north-1:123456789012:compute/host/sub",
            "arn:aws:sns:eu-west-1:1:topic:with:colons",
        ] {
            let arn = Arn::parse(text).unwrap();
            assert_eq!(arn.to_string(), text);
            assert_eq!(text.parse::<Arn>().unwrap(), arn);
        }
    }

    #[test]
    fn fields_and_typed_resources() {
        let arn = Arn::parse("arn:aws:gamelift:us-west-2::gamesession/fleet-1/gsess-1").unwrap();
        assert_eq!(
            (arn.partition(), arn.service(), arn.region(), arn.account()),
            ("aws", "gamelift", "us-west-2", "")
        );
        assert_eq!(
            arn.typed_resource(),
            Some(("gamesession", "fleet-1/gsess-1"))
        );
        let topic = Arn::parse("arn:aws:sns:us-west-2:123456789012:events").unwrap();
        assert_eq!(topic.resource(), "events");
        assert_eq!(topic.resource_type(), None);
    }

    #[test]
    fn what_is_not_an_arn_is_refused_saying_why() {
        for (text, why) in [
            ("fleet-1", "does not start with 'arn:'"),
            ("arn:aws:gamelift:us-west-2:fleet/x", "fewer than six"),
            ("arn::gamelift:r:a:fleet/x", "partition is empty"),
            ("arn:aws::r:a:fleet/x", "service is empty"),
            ("arn:aws:gamelift:r:a:", "resource is empty"),
        ] {
            let e = Arn::parse(text).unwrap_err();
            assert!(e.to_string().contains(why), "{text}: {e}");
            assert!(e.to_string().contains(text), "{e}");
        }
    }

    #[test]
    fn a_name_or_an_arn_gives_the_id() {
        assert_eq!(resource_id_of("fleet-1"), "fleet-1");
        assert_eq!(
            resource_id_of("arn:aws:gamelift:us-west-2:123456789012:fleet/fleet-1"),
            "fleet-1"
        );
        assert_eq!(
            resource_id_of("arn:aws:gamelift:us-west-2::compute/host/sub"),
            "host/sub"
        );
        // Not an ARN, or no typed resource: the text is the name.
        assert_eq!(resource_id_of("arn:nonsense"), "arn:nonsense");
        assert_eq!(
            resource_id_of("arn:aws:sns:r:a:topic"),
            "arn:aws:sns:r:a:topic"
        );
    }

    #[test]
    fn region_and_account_come_from_the_arn() {
        let arn = "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Sample";
        assert_eq!(region_and_account(arn), ("us-west-2", "123456789012"));
        assert_eq!(region_and_account("nonsense"), ("", ""));
    }

    #[test]
    fn the_issuer_puts_its_region_and_account_in_every_arn() {
        let i = ArnIssuer::new("eu-central-1", "210987654321");
        let made = [
            (i.fleet("fleet-1"), "fleet/fleet-1"),
            (i.compute("host-1"), "compute/host-1"),
            (i.location("custom-home"), "location/custom-home"),
            (i.game_session_queue("q"), "gamesessionqueue/q"),
            (
                i.matchmaking_configuration("cfg"),
                "matchmakingconfiguration/cfg",
            ),
            (i.matchmaking_rule_set("rs"), "matchmakingruleset/rs"),
        ];
        for (arn, resource) in made {
            assert_eq!(
                arn.to_string(),
                format!("arn:aws:gamelift:eu-central-1:210987654321:{resource}")
            );
        }
        assert_eq!(
            i.game_session("fleet-1", "gsess-1").to_string(),
            "arn:aws:gamelift:eu-central-1::gamesession/fleet-1/gsess-1"
        );
        assert_eq!(
            i.sns_topic("events").to_string(),
            "arn:aws:sns:eu-central-1:210987654321:events"
        );
    }
}
