//! The GameLift service model, loaded once into a compact typed form.
//!
//! Everything the protocol layer knows about operations and shapes comes from
//! `gamelift-service-2.json`, an unmodified copy of the botocore service model
//! (`botocore/data/gamelift/2015-10-01/service-2.json`, Apache-2.0, shipped by
//! botocore 1.44.5). Driving decoding, validation and encoding from the model —
//! rather than from hand-written per-operation code — is what keeps the wire
//! format right for all 120 operations: a `float` member goes out as a 32-bit
//! CBOR float, a required member is checked, an enum value is verified, without
//! anyone having to remember it when a handler is added.
//!
//! The JSON is parsed once (at first use) into [`ServiceModel`]: shapes live in
//! a vector and refer to each other by [`ShapeId`], so recursive shapes need no
//! reference counting and lookups during a request are index operations.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

mod pattern;

pub(crate) use pattern::Pattern;

/// The raw model, embedded in the binary so the daemon needs no data files.
const GAMELIFT_MODEL_JSON: &str = include_str!("gamelift-service-2.json");

/// Index of a shape in the model; resolve it with [`ServiceModel::shape`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ShapeId(u32);

/// One structure member: its wire name, target shape and whether the model
/// marks it required.
#[derive(Debug)]
pub(crate) struct Member {
    pub name: String,
    pub(crate) target: ShapeId,
    pub(crate) required: bool,
}

/// Inclusive bounds from the model's `min`/`max` traits. For strings, lists,
/// maps and blobs they bound the length; for numbers, the value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Range {
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
}

/// What kind of value a shape describes, with its constraints.
#[derive(Debug)]
pub(crate) enum ShapeKind {
    Structure {
        members: Vec<Member>,
    },
    List {
        member: ShapeId,
        len: Range,
    },
    Map {
        key: ShapeId,
        value: ShapeId,
        len: Range,
    },
    String {
        len: Range,
        pattern: Option<Pattern>,
        /// Allowed values when the shape is an enum.
        enum_values: Option<Vec<String>>,
    },
    /// 32-bit signed integer.
    Integer {
        range: Range,
    },
    /// 64-bit signed integer.
    Long {
        range: Range,
    },
    /// 32-bit float: CBOR output uses single precision (`0xFA`).
    Float {
        range: Range,
    },
    /// 64-bit float: CBOR output uses double precision (`0xFB`).
    Double {
        range: Range,
    },
    Boolean,
    /// Epoch seconds: a JSON number, or CBOR tag 1 + number.
    Timestamp,
    /// Bytes: base64 in JSON and in the neutral value tree, a byte string in CBOR.
    Blob {
        len: Range,
    },
}

/// A named shape.
#[derive(Debug)]
pub(crate) struct Shape {
    pub name: String,
    pub(crate) kind: ShapeKind,
    /// Values of sensitive shapes are never echoed in error messages.
    pub(crate) sensitive: bool,
}

/// One operation: its input/output structures and the error shapes it may return.
#[derive(Debug)]
pub(crate) struct Operation {
    pub name: String,
    pub(crate) input: Option<ShapeId>,
    pub(crate) output: Option<ShapeId>,
    /// Names of the modeled error shapes (e.g. `NotFoundException`).
    pub(crate) errors: Vec<String>,
}

impl Operation {
    /// Whether `error` (a shape name such as `NotFoundException`) is in this
    /// operation's modeled error list. SDKs map only modeled codes to typed
    /// errors; anything else reaches the caller as an "unhandled" error.
    pub(crate) fn models_error(&self, error: &str) -> bool {
        self.errors.iter().any(|e| e == error)
    }
}

/// The loaded service model.
#[derive(Debug)]
pub struct ServiceModel {
    /// `X-Amz-Target` prefix, `GameLift`.
    pub(crate) target_prefix: String,
    /// Service name used in the rpcv2Cbor path `/service/<name>/operation/<op>`.
    pub(crate) service_name: String,
    operations: HashMap<String, Operation>,
    shapes: Vec<Shape>,
    /// Shapes by name, for tests that look one up.
    #[cfg(test)]
    shape_ids: HashMap<String, ShapeId>,
}

/// Error while turning model JSON into a [`ServiceModel`] (only reachable with
/// a broken model file, never from network input).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ModelError {
    #[error("model JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("shape {0:?} refers to unknown shape {1:?}")]
    UnknownShape(String, String),
    #[error("shape {0:?}: {1}")]
    BadShape(String, String),
}

impl ServiceModel {
    /// The GameLift model embedded in the binary, parsed on first use.
    pub fn gamelift() -> &'static ServiceModel {
        static MODEL: OnceLock<ServiceModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            // The embedded file is checked by unit tests; failing here means the
            // binary was built from a corrupted source tree.
            ServiceModel::from_json(GAMELIFT_MODEL_JSON).expect("embedded GameLift model is valid")
        })
    }

    /// Parse a botocore `service-2.json` document.
    pub(crate) fn from_json(text: &str) -> Result<ServiceModel, ModelError> {
        let raw: RawModel = serde_json::from_str(text)?;
        let mut names: Vec<&String> = raw.shapes.keys().collect();
        names.sort();
        let shape_ids: HashMap<String, ShapeId> = names
            .iter()
            .enumerate()
            .map(|(i, n)| ((*n).clone(), ShapeId(i as u32)))
            .collect();
        let resolve = |from: &str, to: &str| {
            shape_ids
                .get(to)
                .copied()
                .ok_or_else(|| ModelError::UnknownShape(from.to_string(), to.to_string()))
        };
        let mut shapes = Vec::with_capacity(names.len());
        for name in names {
            let rs = &raw.shapes[name];
            let kind = build_kind(name, rs, &resolve)?;
            shapes.push(Shape {
                name: name.clone(),
                kind,
                sensitive: rs.sensitive,
            });
        }
        let mut operations = HashMap::new();
        for (name, ro) in &raw.operations {
            let input = ro
                .input
                .as_ref()
                .map(|r| resolve(name, &r.shape))
                .transpose()?;
            let output = ro
                .output
                .as_ref()
                .map(|r| resolve(name, &r.shape))
                .transpose()?;
            let errors = ro.errors.iter().map(|e| e.shape.clone()).collect();
            operations.insert(
                name.clone(),
                Operation {
                    name: name.clone(),
                    input,
                    output,
                    errors,
                },
            );
        }
        Ok(ServiceModel {
            target_prefix: raw.metadata.target_prefix.unwrap_or_default(),
            service_name: raw.metadata.service_id.unwrap_or_default(),
            operations,
            shapes,
            #[cfg(test)]
            shape_ids,
        })
    }

    /// Look an operation up by its exact name (`StartMatchmaking`).
    pub(crate) fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    /// All operations, in no particular order.
    #[cfg(test)]
    pub(crate) fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.operations.values()
    }

    /// The shape behind an id handed out by this model.
    pub(crate) fn shape(&self, id: ShapeId) -> &Shape {
        &self.shapes[id.0 as usize]
    }

    /// Look a shape up by name.
    #[cfg(test)]
    pub(crate) fn shape_id(&self, name: &str) -> Option<ShapeId> {
        self.shape_ids.get(name).copied()
    }
}

fn build_kind(
    name: &str,
    rs: &RawShape,
    resolve: &impl Fn(&str, &str) -> Result<ShapeId, ModelError>,
) -> Result<ShapeKind, ModelError> {
    let range = Range {
        min: rs.min,
        max: rs.max,
    };
    let bad = |what: &str| ModelError::BadShape(name.to_string(), what.to_string());
    Ok(match rs.kind.as_str() {
        "structure" => {
            let mut members = Vec::with_capacity(rs.members.len());
            for (mname, m) in &rs.members {
                members.push(Member {
                    name: mname.clone(),
                    target: resolve(name, &m.shape)?,
                    required: rs.required.iter().any(|r| r == mname),
                });
            }
            ShapeKind::Structure { members }
        }
        "list" => ShapeKind::List {
            member: resolve(
                name,
                &rs.member
                    .as_ref()
                    .ok_or_else(|| bad("list without member"))?
                    .shape,
            )?,
            len: range,
        },
        "map" => ShapeKind::Map {
            key: resolve(
                name,
                &rs.key.as_ref().ok_or_else(|| bad("map without key"))?.shape,
            )?,
            value: resolve(
                name,
                &rs.value
                    .as_ref()
                    .ok_or_else(|| bad("map without value"))?
                    .shape,
            )?,
            len: range,
        },
        "string" => ShapeKind::String {
            len: range,
            pattern: rs.pattern.as_deref().map(Pattern::new),
            enum_values: rs.enum_values.clone(),
        },
        "integer" => ShapeKind::Integer { range },
        "long" => ShapeKind::Long { range },
        "float" => ShapeKind::Float { range },
        "double" => ShapeKind::Double { range },
        "boolean" => ShapeKind::Boolean,
        "timestamp" => ShapeKind::Timestamp,
        "blob" => ShapeKind::Blob { len: range },
        other => return Err(bad(&format!("unsupported shape type {other:?}"))),
    })
}

// --- botocore service-2.json, only the parts we use -------------------------

#[derive(Deserialize)]
struct RawModel {
    metadata: RawMetadata,
    operations: HashMap<String, RawOperation>,
    shapes: HashMap<String, RawShape>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetadata {
    target_prefix: Option<String>,
    service_id: Option<String>,
}

#[derive(Deserialize)]
struct RawOperation {
    input: Option<RawRef>,
    output: Option<RawRef>,
    #[serde(default)]
    errors: Vec<RawRef>,
}

#[derive(Deserialize)]
struct RawRef {
    shape: String,
}

#[derive(Deserialize)]
struct RawShape {
    #[serde(rename = "type")]
    kind: String,
    /// Members keep the model's order (serde_json's `preserve_order` is not
    /// enabled, so a Vec of pairs is used) — outputs are written in that order.
    #[serde(default, deserialize_with = "ordered_members")]
    members: Vec<(String, RawRef)>,
    #[serde(default)]
    required: Vec<String>,
    member: Option<RawRef>,
    key: Option<RawRef>,
    value: Option<RawRef>,
    min: Option<f64>,
    max: Option<f64>,
    pattern: Option<String>,
    #[serde(rename = "enum")]
    enum_values: Option<Vec<String>>,
    #[serde(default)]
    sensitive: bool,
}

/// Deserialize a JSON object into a vector of pairs, keeping document order.
fn ordered_members<'de, D>(de: D) -> Result<Vec<(String, RawRef)>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<(String, RawRef)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of members")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, RawRef>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    de.deserialize_map(V)
}

#[cfg(test)]
mod tests;
