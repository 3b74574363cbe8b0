//! The matchmaker data document: the JSON string inside a game session's `MatchmakerData`
//! (sdk-wire-protocol.md §5.2; FlexMatch guide, "使用对战构建器数据").
//!
//! Keys are camelCase here, unlike the rest of the protocol. Attribute values are written as
//! `{"attributeType": "DOUBLE", "valueAttribute": 23}`; when reading, the type comes from the
//! JSON type of `valueAttribute` (as the Go SDK does), not from `attributeType`.

use super::attribute::AttributeValue;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// The whole document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchmakerData {
    #[serde(default)]
    pub match_id: String,
    /// Left out when empty; a matched game session's document always names it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub matchmaking_configuration_arn: String,
    /// Left out when empty; a matched game session's document lists every team of the
    /// rule set, so it is never empty there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<MatchedTeam>,
    /// Set when the configuration's backfill mode is AUTOMATIC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_backfill_ticket_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_backfill_mode: Option<BackfillMode>,
}

/// One team and its players.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchedTeam {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub players: Vec<MatchedPlayer>,
}

/// One matched player: id and the attributes from the original matchmaking request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchedPlayer {
    #[serde(default)]
    pub player_id: String,
    #[serde(
        default,
        serialize_with = "write_attributes",
        deserialize_with = "read_attributes",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: BTreeMap<String, AttributeValue>,
}

/// `autoBackfillMode`. The Go SDK turns any other value into NOT_SET.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BackfillMode {
    Automatic,
    Manual,
    #[serde(other)]
    NotSet,
}

impl MatchmakerData {
    /// Parses the `MatchmakerData` string of a game session.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Renders the document as the string that goes into `MatchmakerData`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("matchmaker data always serializes")
    }

    /// The configuration name: the part of the ARN after `:matchmakingconfiguration/`, which is
    /// all a backfill request from a client service needs (guide, "使用对战构建器数据", Note).
    pub fn configuration_name(&self) -> Option<&str> {
        self.matchmaking_configuration_arn
            .split_once(":matchmakingconfiguration/")
            .map(|(_, name)| name)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttributeOut<'a> {
    attribute_type: &'static str,
    value_attribute: ValueOut<'a>,
}

struct ValueOut<'a>(&'a AttributeValue);

impl Serialize for ValueOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            AttributeValue::None => s.serialize_none(),
            AttributeValue::String(v) => v.serialize(s),
            AttributeValue::Double(v) => v.serialize(s),
            AttributeValue::StringList(v) => v.serialize(s),
            AttributeValue::StringDoubleMap(v) => v.serialize(s),
        }
    }
}

fn write_attributes<S: Serializer>(
    attrs: &BTreeMap<String, AttributeValue>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(attrs.iter().map(|(k, v)| {
        (
            k,
            AttributeOut {
                attribute_type: v.attr_type(),
                value_attribute: ValueOut(v),
            },
        )
    }))
}

fn read_attributes<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, AttributeValue>, D::Error> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AttributeIn {
        #[serde(default)]
        value_attribute: serde_json::Value,
    }
    let raw: Option<BTreeMap<String, AttributeIn>> = Option::deserialize(d)?;
    raw.unwrap_or_default()
        .into_iter()
        .map(|(name, a)| {
            let value = match a.value_attribute {
                serde_json::Value::Null => AttributeValue::None,
                serde_json::Value::String(s) => AttributeValue::String(s),
                serde_json::Value::Number(n) => AttributeValue::Double(n.as_f64().unwrap_or(0.0)),
                serde_json::Value::Array(items) => AttributeValue::StringList(
                    items
                        .into_iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                ),
                serde_json::Value::Object(entries) => AttributeValue::StringDoubleMap(
                    entries
                        .into_iter()
                        .filter_map(|(k, v)| v.as_f64().map(|n| (k, n)))
                        .collect(),
                ),
                serde_json::Value::Bool(_) => {
                    return Err(D::Error::custom(format!(
                        "attribute {name:?}: valueAttribute is a boolean, which no attribute type holds"
                    )))
                }
            };
            Ok((name, value))
        })
        .collect()
}
