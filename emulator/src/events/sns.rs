//! Amazon SNS HTTP/HTTPS delivery: the envelope an SNS topic POSTs to a subscribed endpoint,
//! around the FlexMatch EventBridge JSON.
//!
//! The seeds say only that FlexMatch publishes its events to an SNS topic set as the
//! configuration's notification target (seed `002_a67594abc31136f8.txt`, "设置 FlexMatch 事件
//! 通知" / "教程：设置 Amazon SNS 主题", around lines 1844–1935). Everything below about the
//! HTTP envelope is **general SNS knowledge** (Amazon SNS developer guide, "HTTP/S
//! notification JSON format" and "subscription confirmation JSON format"):
//! - the body is JSON sent as `text/plain; charset=UTF-8`, with `Type`, `MessageId`,
//!   `TopicArn`, `Message` (the event JSON, as a string), `Timestamp`, `SignatureVersion` "1",
//!   `Signature`, `SigningCertURL`, `UnsubscribeURL` (notifications) or `Token` and
//!   `SubscribeURL` (confirmation);
//! - headers `x-amz-sns-message-type`, `x-amz-sns-message-id`, `x-amz-sns-topic-arn`, and
//!   `x-amz-sns-subscription-arn` on notifications;
//! - the subscriber confirms by GETting `SubscribeURL`
//!   (`…/?Action=ConfirmSubscription&TopicArn=…&Token=…`).
//!
//! Not reproduced: the RSA `Signature`. Playfield has no AWS signing key, and a signature of
//! its own would not help: SNS message validators also require `SigningCertURL` to be on an
//! `amazonaws.com` host. So `Signature` is empty, and receivers that verify SNS signatures must
//! skip verification against Playfield. No `Subject` is sent (the configuration sets none).

use super::json::to_json;
use super::model::EpochMillis;
use super::timefmt::iso_millis;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use uuid::Uuid;

/// Characters escaped in URL query values; `:` stays, as SNS leaves ARNs readable.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b':');

/// `Signature` value: empty, see the module documentation.
pub(crate) const UNSIGNED: &str = "";
/// `Content-Type` SNS uses for HTTP deliveries.
pub(crate) const CONTENT_TYPE: &str = "text/plain; charset=UTF-8";

/// The SNS subscription a target stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsSubscription {
    /// The topic's ARN (the configuration's `NotificationTarget`).
    pub topic_arn: String,
    /// Base URL where Playfield answers SNS actions (`ConfirmSubscription`, `Unsubscribe`) and
    /// serves the signing certificate, e.g. `http://127.0.0.1:9080/sns`.
    pub endpoint: String,
    /// Subscription id; the subscription ARN is `{topic_arn}:{id}`.
    pub subscription_id: Uuid,
    /// Confirmation token sent in the SubscriptionConfirmation and expected back.
    pub token: String,
}

impl SnsSubscription {
    /// A new subscription of `endpoint`'s SNS stand-in to `topic_arn`, with a fresh random
    /// subscription id and confirmation token (64 hex digits, like SNS's).
    pub fn new(topic_arn: impl Into<String>, endpoint: impl Into<String>) -> Self {
        let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
        SnsSubscription {
            topic_arn: topic_arn.into(),
            endpoint: endpoint.into(),
            subscription_id: Uuid::new_v4(),
            token,
        }
    }

    /// `{topic_arn}:{subscription_id}`.
    pub(crate) fn subscription_arn(&self) -> String {
        format!("{}:{}", self.topic_arn, self.subscription_id.hyphenated())
    }

    fn base(&self) -> &str {
        self.endpoint.trim_end_matches('/')
    }

    /// `{endpoint}/?Action=ConfirmSubscription&TopicArn=…&Token=…`: the URL the subscriber GETs.
    pub fn subscribe_url(&self) -> String {
        format!(
            "{}/?Action=ConfirmSubscription&TopicArn={}&Token={}",
            self.base(),
            utf8_percent_encode(&self.topic_arn, QUERY),
            utf8_percent_encode(&self.token, QUERY)
        )
    }

    /// `{endpoint}/?Action=Unsubscribe&SubscriptionArn=…`.
    pub(crate) fn unsubscribe_url(&self) -> String {
        format!(
            "{}/?Action=Unsubscribe&SubscriptionArn={}",
            self.base(),
            utf8_percent_encode(&self.subscription_arn(), QUERY)
        )
    }

    /// `{endpoint}/SimpleNotificationService-playfield.pem`.
    pub(crate) fn signing_cert_url(&self) -> String {
        format!("{}/SimpleNotificationService-playfield.pem", self.base())
    }
}

/// An HTTP request body and the headers that go with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsHttpMessage {
    /// Headers besides `Content-Type` (`CONTENT_TYPE`).
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Notification<'a> {
    #[serde(rename = "Type")]
    kind: &'static str,
    message_id: String,
    topic_arn: &'a str,
    message: &'a str,
    timestamp: String,
    signature_version: &'static str,
    signature: &'static str,
    #[serde(rename = "SigningCertURL")]
    signing_cert_url: String,
    #[serde(rename = "UnsubscribeURL")]
    unsubscribe_url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Confirmation<'a> {
    #[serde(rename = "Type")]
    kind: &'static str,
    message_id: String,
    token: &'a str,
    topic_arn: &'a str,
    message: String,
    #[serde(rename = "SubscribeURL")]
    subscribe_url: String,
    timestamp: String,
    signature_version: &'static str,
    signature: &'static str,
    #[serde(rename = "SigningCertURL")]
    signing_cert_url: String,
}

/// Wraps `message` (the EventBridge JSON) in an SNS `Notification` published at `timestamp`.
pub fn notification(
    sub: &SnsSubscription,
    message_id: Uuid,
    message: &str,
    timestamp: EpochMillis,
) -> SnsHttpMessage {
    let id = message_id.hyphenated().to_string();
    let body = to_json(&Notification {
        kind: "Notification",
        message_id: id.clone(),
        topic_arn: &sub.topic_arn,
        message,
        timestamp: iso_millis(timestamp),
        signature_version: "1",
        signature: UNSIGNED,
        signing_cert_url: sub.signing_cert_url(),
        unsubscribe_url: sub.unsubscribe_url(),
    });
    SnsHttpMessage {
        headers: vec![
            ("x-amz-sns-message-type", "Notification".to_owned()),
            ("x-amz-sns-message-id", id),
            ("x-amz-sns-topic-arn", sub.topic_arn.clone()),
            ("x-amz-sns-subscription-arn", sub.subscription_arn()),
        ],
        body,
    }
}

/// The `SubscriptionConfirmation` SNS sends to a new HTTP subscriber.
pub fn subscription_confirmation(
    sub: &SnsSubscription,
    message_id: Uuid,
    timestamp: EpochMillis,
) -> SnsHttpMessage {
    let id = message_id.hyphenated().to_string();
    let body = to_json(&Confirmation {
        kind: "SubscriptionConfirmation",
        message_id: id.clone(),
        token: &sub.token,
        topic_arn: &sub.topic_arn,
        message: format!(
            "You have chosen to subscribe to the topic {}.\nTo confirm the subscription, visit \
             the SubscribeURL included in this message.",
            sub.topic_arn
        ),
        subscribe_url: sub.subscribe_url(),
        timestamp: iso_millis(timestamp),
        signature_version: "1",
        signature: UNSIGNED,
        signing_cert_url: sub.signing_cert_url(),
    });
    SnsHttpMessage {
        headers: vec![
            (
                "x-amz-sns-message-type",
                "SubscriptionConfirmation".to_owned(),
            ),
            ("x-amz-sns-message-id", id),
            ("x-amz-sns-topic-arn", sub.topic_arn.clone()),
        ],
        body,
    }
}
