//! The tagging operations through the whole API pipeline in both protocols: Tags on
//! Create*, TagResource merging, UntagResource, ListTagsForResource sorted by key, and
//! NotFound for ARNs that name no resource (model: TagResource, UntagResource,
//! ListTagsForResource; service-api.md §7 ARN formats, §8 error shapes, Tag).

use serde_json::{json, Value};

use super::tests::{setup, Api, FLEET, PROTOCOLS};

fn tags(api: &Api, arn: &str) -> Value {
    api.ok("ListTagsForResource", json!({"ResourceARN": arn}))["Tags"].clone()
}

fn queue_arn(api: &Api, name: &str, tags: Value) -> String {
    let q = api.ok(
        "CreateGameSessionQueue",
        json!({"Name": name, "Tags": tags}),
    );
    q["GameSessionQueue"]["GameSessionQueueArn"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Terraform creates with `Tags` then calls ListTagsForResource: the Create's tags come
/// back, sorted by key; TagResource overwrites a key and adds new ones; UntagResource
/// removes keys (ignoring keys not there).
#[test]
fn create_tags_merge_untag_and_list_sorted_by_key() {
    for p in PROTOCOLS {
        let api = setup(p);
        let arn = queue_arn(
            &api,
            "q",
            json!([{"Key": "team", "Value": "red"}, {"Key": "env", "Value": "dev"}]),
        );
        assert_eq!(
            tags(&api, &arn),
            json!([{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "red"}]),
            "{p:?}"
        );
        api.ok(
            "TagResource",
            json!({"ResourceARN": arn, "Tags": [
                {"Key": "env", "Value": "prod"}, {"Key": "cost", "Value": ""}]}),
        );
        assert_eq!(
            tags(&api, &arn),
            json!([{"Key": "cost", "Value": ""}, {"Key": "env", "Value": "prod"},
                   {"Key": "team", "Value": "red"}]),
            "{p:?}"
        );
        api.ok(
            "UntagResource",
            json!({"ResourceARN": arn, "TagKeys": ["team", "cost", "absent"]}),
        );
        assert_eq!(tags(&api, &arn), json!([{"Key": "env", "Value": "prod"}]));
    }
}

/// Tags on each Create* that models them are kept, for rule sets, configurations and
/// fleets too; a fleet is found by its ARN with or without the account (§7: both forms).
#[test]
fn rule_sets_configurations_and_fleets_take_tags() {
    for p in PROTOCOLS {
        let api = setup(p);
        api.configure();
        let one = json!([{"Key": "k", "Value": "v"}]);
        let rs = api.ok(
            "CreateMatchmakingRuleSet",
            json!({"Name": "tagged", "RuleSetBody": super::tests::RULES, "Tags": one}),
        );
        let rs_arn = rs["RuleSet"]["RuleSetArn"].as_str().unwrap();
        assert_eq!(tags(&api, rs_arn), one, "{p:?}");
        let c = api.ok(
            "CreateMatchmakingConfiguration",
            json!({"Name": "cfg2", "RuleSetName": "tagged", "RequestTimeoutSeconds": 60,
                   "AcceptanceRequired": false, "FlexMatchMode": "STANDALONE", "Tags": one}),
        );
        let c_arn = c["Configuration"]["ConfigurationArn"].as_str().unwrap();
        assert_eq!(tags(&api, c_arn), one, "{p:?}");
        // "cfg" from configure() has none.
        let untagged = c_arn.replace("cfg2", "cfg");
        assert_eq!(tags(&api, &untagged), json!([]));

        let fleet = format!("arn:aws:gamelift:us-west-2::fleet/{FLEET}");
        api.ok("TagResource", json!({"ResourceARN": fleet, "Tags": one}));
        let with_account = format!("arn:aws:gamelift:us-west-2:123456789012:fleet/{FLEET}");
        assert_eq!(tags(&api, &with_account), one, "{p:?}");
    }
}

/// NotFoundException for an ARN of no existing resource, the message naming the ARN; a
/// deleted resource's tags go with it, so a queue made again with the same name has none.
#[test]
fn unknown_arns_are_not_found_and_delete_drops_tags() {
    for p in PROTOCOLS {
        let api = setup(p);
        let arn = queue_arn(&api, "q", json!([{"Key": "a", "Value": "1"}]));
        api.ok("DeleteGameSessionQueue", json!({"Name": "q"}));
        for op in ["ListTagsForResource", "UntagResource", "TagResource"] {
            let e = api.err(
                op,
                json!({"ResourceARN": arn, "TagKeys": ["a"], "Tags": [{"Key": "a", "Value": "1"}]}),
            );
            assert_eq!(e.code, "NotFoundException", "{op} over {p:?}");
            assert!(e.message.contains(&arn), "{op}: {}", e.message);
        }
        let again = queue_arn(&api, "q", json!([]));
        assert_eq!(again, arn);
        assert_eq!(tags(&api, &again), json!([]), "{p:?}");

        for bad in [
            "not-an-arn",
            "arn:aws:gamelift:eu-west-1:000000000000:gamesessionqueue/q",
            "arn:aws:gamelift:us-west-2:000000000000:alias/alias-1",
            "arn:aws:gamelift:us-west-2:999999999999:gamesessionqueue/q",
        ] {
            let e = api.err("ListTagsForResource", json!({"ResourceARN": bad}));
            assert_eq!(e.code, "NotFoundException", "{bad}");
            assert!(e.message.contains(bad), "{}", e.message);
        }
    }
}

/// Limits (model TagKey 1..128, TagValue 0..256; at most 50 tags per resource): a bad key
/// is InvalidRequestException; more than 50 tags is TaggingFailedException and nothing
/// changes; a Create refused for its tags leaves no resource behind.
#[test]
fn tag_limits_are_enforced_without_partial_changes() {
    for p in PROTOCOLS {
        let api = setup(p);
        let arn = queue_arn(&api, "q", json!([]));
        let long_key = "k".repeat(129);
        let e = api.err(
            "TagResource",
            json!({"ResourceARN": arn, "Tags": [{"Key": long_key, "Value": "v"}]}),
        );
        assert_eq!(e.code, "InvalidRequestException", "{p:?}");
        let e = api.err(
            "TagResource",
            json!({"ResourceARN": arn, "Tags": [{"Key": "aws:reserved", "Value": "v"}]}),
        );
        assert_eq!(e.code, "InvalidRequestException", "{p:?}");
        assert!(e.message.contains("aws:"), "{}", e.message);

        let n = |range: std::ops::Range<usize>| -> Value {
            range
                .map(|i| json!({"Key": format!("k{i:02}"), "Value": "v"}))
                .collect()
        };
        api.ok("TagResource", json!({"ResourceARN": arn, "Tags": n(0..45)}));
        let e = api.err(
            "TagResource",
            json!({"ResourceARN": arn, "Tags": n(40..51)}),
        );
        assert_eq!(e.code, "TaggingFailedException", "{p:?}");
        assert!(
            e.message.contains("51") && e.message.contains(&arn),
            "{}",
            e.message
        );
        assert_eq!(tags(&api, &arn).as_array().unwrap().len(), 45);
        api.ok(
            "TagResource",
            json!({"ResourceARN": arn, "Tags": n(40..50)}),
        );
        assert_eq!(tags(&api, &arn).as_array().unwrap().len(), 50);

        let e = api.err(
            "CreateGameSessionQueue",
            json!({"Name": "q2", "Tags": n(0..51)}),
        );
        assert_eq!(e.code, "TaggingFailedException", "{p:?}");
        let found = api.ok("DescribeGameSessionQueues", json!({"Names": ["q2"]}));
        assert_eq!(found["GameSessionQueues"], json!([]), "{p:?}");
    }
}
