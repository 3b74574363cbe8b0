//! Resource tags end to end with the real AWS SDK for Rust (`aws-sdk-gamelift`,
//! rpcv2Cbor), the way Terraform's AWS provider uses them: create with `Tags`, read them
//! back with ListTagsForResource, change them with TagResource/UntagResource, and get
//! NotFoundException once the resource is deleted (model: TagResource, UntagResource,
//! ListTagsForResource; service-api.md §7 ARN formats, §8 error shapes). The boto3 test
//! runs the same over awsJson1_1, with boto3's modeled exception classes.

use crate::support::api_client;
use crate::support::boto3;

use api_client::client;
use aws_sdk_gamelift::error::ProvideErrorMetadata;
use aws_sdk_gamelift::types::Tag;
use boto3::{assert_error, boto3, python};
use playfield_e2e::{bounded, TestDaemon};
use serde_json::json;

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build()
}

fn pairs(tags: &[Tag]) -> Vec<(&str, &str)> {
    tags.iter()
        .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_keeps_its_tags_until_it_is_deleted() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let c = client(&daemon, "AKIDLOCAL");

        let queue = c
            .create_game_session_queue()
            .name("tagged-queue")
            .tags(tag("team", "red"))
            .tags(tag("env", "dev"))
            .send()
            .await
            .expect("CreateGameSessionQueue")
            .game_session_queue
            .expect("GameSessionQueue");
        let arn = queue.game_session_queue_arn().expect("ARN").to_string();

        let list = |arn: String| {
            let c = c.clone();
            async move {
                c.list_tags_for_resource()
                    .resource_arn(arn)
                    .send()
                    .await
                    .map(|o| o.tags.unwrap_or_default())
            }
        };
        let listed = list(arn.clone()).await.expect("ListTagsForResource");
        assert_eq!(
            pairs(&listed),
            [("env", "dev"), ("team", "red")],
            "Create's tags, sorted by key"
        );

        c.tag_resource()
            .resource_arn(&arn)
            .tags(tag("env", "prod"))
            .tags(tag("owner", "ops"))
            .send()
            .await
            .expect("TagResource");
        c.untag_resource()
            .resource_arn(&arn)
            .tag_keys("team")
            .send()
            .await
            .expect("UntagResource");
        let listed = list(arn.clone()).await.expect("ListTagsForResource");
        assert_eq!(pairs(&listed), [("env", "prod"), ("owner", "ops")]);

        c.delete_game_session_queue()
            .name("tagged-queue")
            .send()
            .await
            .expect("DeleteGameSessionQueue");
        let err = list(arn.clone()).await.expect_err("deleted queue");
        assert_eq!(err.code(), Some("NotFoundException"));
        assert!(
            err.message().unwrap_or_default().contains(&arn),
            "the message names the ARN: {:?}",
            err.message()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_tags_a_rule_set_and_sees_typed_errors() {
    tokio::task::spawn_blocking(python).await.unwrap();
    bounded(async {
        let daemon = TestDaemon::start().await;
        let body = r#"{"ruleLanguageVersion": "1.0",
            "teams": [{"name": "all", "minPlayers": 2, "maxPlayers": 2}]}"#;
        let r = boto3(
            &daemon,
            "AKIDLOCAL",
            json!([["create_matchmaking_rule_set",
                    {"Name": "duel", "RuleSetBody": body, "Tags": [{"Key": "b", "Value": "2"}]}]]),
        )
        .await;
        let arn = r[0]["RuleSet"]["RuleSetArn"]
            .as_str()
            .expect("ARN")
            .to_string();
        let r = boto3(
            &daemon,
            "AKIDLOCAL",
            json!([
                ["tag_resource", {"ResourceARN": arn, "Tags": [{"Key": "a", "Value": "1"}]}],
                ["list_tags_for_resource", {"ResourceARN": arn}],
                ["untag_resource", {"ResourceARN": arn, "TagKeys": ["b"]}],
                ["list_tags_for_resource", {"ResourceARN": arn}],
                ["delete_matchmaking_rule_set", {"Name": "duel"}],
                ["list_tags_for_resource", {"ResourceARN": arn}],
                ["tag_resource", {"ResourceARN": arn, "Tags": [{"Key": "a", "Value": "1"}]}],
            ]),
        )
        .await;
        assert_eq!(
            r[1]["Tags"],
            json!([{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        );
        assert_eq!(r[3]["Tags"], json!([{"Key": "a", "Value": "1"}]));
        assert_error(&r[5], "NotFoundException", &arn);
        assert_error(&r[6], "NotFoundException", &arn);
    })
    .await;
}
