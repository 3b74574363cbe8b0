//! Resource tags (the model's TagResource, UntagResource, ListTagsForResource, and the
//! `Tags` member of the Create* operations).
//!
//! Infrastructure tools (Terraform's AWS provider first of all) pass `Tags` when they create
//! a resource and call ListTagsForResource right after, so tags must be kept, not dropped.
//! Tags belong to a resource that exists: a fleet, game session queue, matchmaking
//! configuration or matchmaking rule set, named by its ARN. An ARN naming anything else is
//! NotFound, and a resource's tags go when the resource is deleted, so a new resource with
//! the same name starts untagged, as in the service.
//!
//! Tags are stored under the resource's canonical ARN (the one its Describe answers), so an
//! ARN given without the account (`arn:aws:gamelift:<region>::fleet/<id>`, as the service's
//! documentation writes them) finds the same tags.

use std::collections::BTreeMap;

use super::arn::Arn;
use super::{Core, CoreError};

/// "Maximum number of user-defined tags per resource: 50" (AWS tagging limits); the model's
/// TagList allows 200 in one request, the resource holds at most this many.
pub(crate) const MAX_TAGS_PER_RESOURCE: usize = 50;
/// TagKey is 1..128 characters (model shape `TagKey`).
pub(crate) const MAX_KEY_CHARS: usize = 128;
/// TagValue is 0..256 characters (model shape `TagValue`).
pub const MAX_VALUE_CHARS: usize = 256;

/// Tags of every tagged resource: canonical ARN → key → value. A resource without tags has
/// no entry.
#[derive(Debug, Default)]
pub(crate) struct TagStore {
    by_arn: BTreeMap<String, BTreeMap<String, String>>,
}

/// Checks keys and values against the tagging rules before anything changes: keys 1..128
/// characters and not starting with the reserved `aws:` prefix, values at most 256.
/// The model checks lengths at the API edge too; this keeps the core's own rule.
pub(crate) fn check_tags(tags: &[(String, String)]) -> Result<(), CoreError> {
    for (k, v) in tags {
        check_key(k)?;
        if v.chars().count() > MAX_VALUE_CHARS {
            return Err(CoreError::param(
                "Tags",
                format!("the value of tag '{k}' is longer than {MAX_VALUE_CHARS} characters"),
            ));
        }
    }
    Ok(())
}

fn check_key(k: &str) -> Result<(), CoreError> {
    let n = k.chars().count();
    if n == 0 || n > MAX_KEY_CHARS {
        return Err(CoreError::param(
            "Tags",
            format!("tag key '{k}' must be 1..{MAX_KEY_CHARS} characters"),
        ));
    }
    if k.to_ascii_lowercase().starts_with("aws:") {
        return Err(CoreError::param(
            "Tags",
            format!("tag key '{k}' uses the reserved prefix 'aws:'"),
        ));
    }
    Ok(())
}

impl Core {
    /// The canonical ARN of the existing resource `arn` names, or NotFound naming `arn`.
    /// The region must be this daemon's; the account may be empty or the resource's.
    fn tagged_resource(&self, arn: &str) -> Result<String, CoreError> {
        let not_found = |why: &str| CoreError::UnknownTaggedResource {
            arn: arn.to_string(),
            why: why.to_string(),
        };
        let Ok(parsed) = Arn::parse(arn) else {
            return Err(not_found(
                "not an ARN of the form arn:aws:gamelift:<region>:<account>:<type>/<id>",
            ));
        };
        let (region, account) = (parsed.region(), parsed.account());
        if parsed.service() != "gamelift" {
            return Err(not_found("not a GameLift ARN"));
        }
        if region != self.cfg.region {
            return Err(not_found(&format!(
                "region '{region}' is not this daemon's region '{}'",
                self.cfg.region
            )));
        }
        let Some((kind, id)) = parsed.typed_resource() else {
            return Err(not_found("no <type>/<id> after the account"));
        };
        let canonical = match kind {
            "fleet" => self
                .fleets
                .get(id)
                .map(|_| self.cfg.arns().fleet(id).into()),
            "gamesessionqueue" => self.mm.queues.get(id).map(|q| q.arn.clone()),
            "matchmakingconfiguration" => self.mm.configurations.get(id).map(|c| c.arn.clone()),
            "matchmakingruleset" => self.mm.rule_sets.get(id).map(|r| r.arn.clone()),
            _ => {
                return Err(not_found(&format!(
                    "'{kind}' is not a taggable type here: fleet, gamesessionqueue, \
                     matchmakingconfiguration, matchmakingruleset"
                )))
            }
        };
        let Some(canonical) = canonical else {
            return Err(not_found(&format!("no {kind} '{id}'")));
        };
        // Every resource the daemon makes is in its one account.
        let own_account = &self.cfg.account_id;
        if !account.is_empty() && account != own_account {
            return Err(not_found(&format!(
                "account '{account}' is not the resource's account '{own_account}'"
            )));
        }
        Ok(canonical)
    }

    /// TagResource: adds `tags` to the resource, a key already there taking the new value.
    /// Refused as a whole (nothing changes) if a tag is malformed or the resource would
    /// hold more than `MAX_TAGS_PER_RESOURCE`.
    pub fn tag_resource(
        &mut self,
        arn: &str,
        tags: Vec<(String, String)>,
    ) -> Result<(), CoreError> {
        let arn = self.tagged_resource(arn)?;
        check_tags(&tags)?;
        let current = self.tags.by_arn.get(&arn);
        let mut merged = current.cloned().unwrap_or_default();
        merged.extend(tags);
        if merged.len() > MAX_TAGS_PER_RESOURCE {
            return Err(CoreError::TagLimit {
                arn,
                count: merged.len(),
                max: MAX_TAGS_PER_RESOURCE,
            });
        }
        if merged.is_empty() {
            self.tags.by_arn.remove(&arn);
        } else {
            self.tags.by_arn.insert(arn, merged);
        }
        Ok(())
    }

    /// UntagResource: removes `keys` from the resource; keys it does not have are ignored.
    pub fn untag_resource(&mut self, arn: &str, keys: &[String]) -> Result<(), CoreError> {
        let arn = self.tagged_resource(arn)?;
        if let Some(tags) = self.tags.by_arn.get_mut(&arn) {
            for k in keys {
                tags.remove(k);
            }
            if tags.is_empty() {
                self.tags.by_arn.remove(&arn);
            }
        }
        Ok(())
    }

    /// ListTagsForResource: the resource's tags, sorted by key.
    pub fn list_tags(&self, arn: &str) -> Result<Vec<(String, String)>, CoreError> {
        let arn = self.tagged_resource(arn)?;
        Ok(self
            .tags
            .by_arn
            .get(&arn)
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    /// Checks the `Tags` of a Create* call before the resource is made, so a refused tag
    /// list leaves no untagged resource behind.
    pub fn check_new_tags(tags: &[(String, String)]) -> Result<(), CoreError> {
        check_tags(tags)?;
        let distinct: std::collections::BTreeSet<&str> =
            tags.iter().map(|(k, _)| k.as_str()).collect();
        if distinct.len() > MAX_TAGS_PER_RESOURCE {
            return Err(CoreError::TagLimit {
                arn: "(the new resource)".into(),
                count: distinct.len(),
                max: MAX_TAGS_PER_RESOURCE,
            });
        }
        Ok(())
    }

    /// Drops the tags of a resource being deleted.
    pub(crate) fn forget_tags(&mut self, arn: &str) {
        self.tags.by_arn.remove(arn);
    }
}
