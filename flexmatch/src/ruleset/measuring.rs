//! Validating the measuring rule types (comparison, distance, collection),
//! the latency rule and the two sort rules: required properties, allowed
//! operations, and expression shapes that fit the rule type.

use super::parse::Ctx;
use super::rules::{attr_ref, parse_exprs, parse_reference, party, COMMON};
use super::*;
use crate::expr::{Kind, Names};
use serde_json::{Map, Value};

pub(super) fn parse_measuring(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    path: &str,
    names: &Names<'_>,
    ty: &str,
) -> Option<RuleKind> {
    let extra: &[&str] = match ty {
        "comparison" => &[
            "measurements",
            "referenceValue",
            "operation",
            "partyAggregation",
        ],
        "distance" => &[
            "measurements",
            "referenceValue",
            "maxDistance",
            "minDistance",
            "partyAggregation",
        ],
        _ => &[
            "measurements",
            "referenceValue",
            "operation",
            "maxCount",
            "minCount",
            "partyAggregation",
        ],
    };
    cx.unknown_keys(obj, &[&COMMON[..], extra].concat(), path);
    let mpath = format!("{path}.measurements");
    let rpath = format!("{path}.referenceValue");
    let reference = parse_reference(cx, obj.get("referenceValue"), &rpath, names);
    let measured = Measured {
        measurements: parse_exprs(cx, obj.get("measurements"), &mpath, names),
        // The shape of the reference when it is an expression; literals have none.
        ref_shape: match &reference {
            Some(Reference::Expr(e)) => Some(e.shape),
            _ => None,
        },
        reference,
        mpath,
        rpath,
    };
    match ty {
        "distance" => measured.distance(cx, obj, path),
        "comparison" => measured.comparison(cx, obj, path),
        _ => measured.collection(cx, obj, path),
    }
}

/// The parts every measuring rule type shares, parsed once by
/// [`parse_measuring`] so each type's own checks can stay in a method of
/// their own.
struct Measured {
    /// `measurements`, parsed into expressions.
    measurements: Vec<crate::expr::Expr>,
    /// `referenceValue`, if present and well formed.
    reference: Option<Reference>,
    /// The shape of `reference` when it is an expression; literals have none.
    ref_shape: Option<crate::expr::Shape>,
    /// Property paths used in error messages.
    mpath: String,
    rpath: String,
}

impl Measured {
    /// The parts, for the rule type's own checks: measurements, reference, its shape and the
    /// two property paths.
    #[allow(clippy::type_complexity)]
    fn into_parts(
        self,
    ) -> (
        Vec<crate::expr::Expr>,
        Option<Reference>,
        Option<crate::expr::Shape>,
        String,
        String,
    ) {
        (
            self.measurements,
            self.reference,
            self.ref_shape,
            self.mpath,
            self.rpath,
        )
    }
}

/// A comparison rule's operations, and how its error names them.
const COMPARISON_OPS: Operations<CmpOp> = Operations {
    ops: &[
        ("<", CmpOp::Lt),
        ("<=", CmpOp::Le),
        ("=", CmpOp::Eq),
        ("!=", CmpOp::Ne),
        (">", CmpOp::Gt),
        (">=", CmpOp::Ge),
    ],
    expected: "one of <, <=, =, !=, >, >=",
};

/// A collection rule's operations, and how its error names them.
const COLLECTION_OPS: Operations<CollectionOp> = Operations {
    ops: &[
        ("intersection", CollectionOp::Intersection),
        ("contains", CollectionOp::Contains),
        (
            "reference_intersection_count",
            CollectionOp::ReferenceIntersectionCount,
        ),
    ],
    expected: "intersection, contains or reference_intersection_count",
};

/// The operations a rule type allows: each name with its value, and the words naming them
/// all in an error.
struct Operations<T: 'static> {
    ops: &'static [(&'static str, T)],
    expected: &'static str,
}

/// Reads the `operation` of a comparison or collection rule: one of `allowed`. A missing
/// operation is required, an unknown one is reported naming the allowed ones; both give
/// `fallback`, so the rule's other checks still run.
fn operation<T: Copy>(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    path: &str,
    allowed: &Operations<T>,
    fallback: T,
) -> T {
    let Operations { ops, expected } = allowed;
    match cx.string(obj, "operation", path) {
        Some(s) => match ops.iter().find(|(name, _)| *name == s) {
            Some(&(_, op)) => op,
            None => {
                cx.err(
                    format!("{path}.operation"),
                    format!("must be {expected}; got \"{s}\""),
                );
                fallback
            }
        },
        None => {
            if obj.get("operation").is_none() {
                cx.err(format!("{path}.operation"), "is required");
            }
            fallback
        }
    }
}

impl Measured {
    /// A distance rule: numeric measurements, a single-number reference and at
    /// least one of maxDistance / minDistance.
    fn distance(self, cx: &mut Ctx, obj: &Map<String, Value>, path: &str) -> Option<RuleKind> {
        let (measurements, reference, ref_shape, mpath, rpath) = self.into_parts();
        for (i, m) in measurements.iter().enumerate() {
            if m.shape.kind != Kind::Number {
                cx.err(
                    format!("{mpath}[{i}]"),
                    format!("distance measurements must be numbers, got {}", m.shape),
                );
            }
        }
        match (&reference, ref_shape) {
            (Some(Reference::Str(_) | Reference::StrList(_)), _) => {
                cx.err(&rpath, "must be a number")
            }
            (_, Some(s)) if s.depth != 0 || s.kind != Kind::Number => {
                cx.err(&rpath, format!("must evaluate to a single number, got {s}"))
            }
            _ => {}
        }
        let max = cx.number(obj, "maxDistance", path);
        let min = cx.number(obj, "minDistance", path);
        if max.is_none()
            && min.is_none()
            && obj.get("maxDistance").is_none()
            && obj.get("minDistance").is_none()
        {
            cx.err(path, "a distance rule needs maxDistance or minDistance");
        }
        let party = party(cx, obj, path, false);
        let (max_distance, min_distance) = (cx.bound_slot(max), cx.bound_slot(min));
        Some(RuleKind::Distance {
            measurements,
            reference,
            max_distance,
            min_distance,
            party,
        })
    }

    /// A comparison rule: the operation, and measurements whose kind fits both
    /// the operation (strings only with = and !=) and the reference.
    fn comparison(self, cx: &mut Ctx, obj: &Map<String, Value>, path: &str) -> Option<RuleKind> {
        let (measurements, reference, ref_shape, mpath, rpath) = self.into_parts();
        let op = operation(cx, obj, path, &COMPARISON_OPS, CmpOp::Eq);
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        if reference.is_none() && ordered && obj.get("referenceValue").is_none() {
            cx.err(
                format!("{path}.operation"),
                "without a referenceValue only = and != can compare players",
            );
        }
        let str_ref = matches!(reference, Some(Reference::Str(_)))
            || ref_shape.is_some_and(|s| s.kind == Kind::Str);
        if let Some(s) = ref_shape.filter(|s| s.depth != 0) {
            cx.err(&rpath, format!("must evaluate to a single value, got {s}"));
        }
        if matches!(reference, Some(Reference::StrList(_))) {
            cx.err(&rpath, "must be a single value");
        }
        for (i, m) in measurements.iter().enumerate() {
            if m.shape.kind == Kind::Item {
                cx.err(
                    format!("{mpath}[{i}]"),
                    format!("cannot compare {}; use count(...)", m.shape),
                );
            } else if ordered && m.shape.kind == Kind::Str {
                cx.err(
                    format!("{mpath}[{i}]"),
                    "strings can only be compared with = or !=",
                );
            } else if reference.is_some() && (m.shape.kind == Kind::Str) != str_ref {
                cx.err(
                    format!("{mpath}[{i}]"),
                    format!("{} cannot be compared with the referenceValue", m.shape),
                );
            }
        }
        let party = party(cx, obj, path, false);
        Some(RuleKind::Comparison {
            measurements,
            reference,
            op,
            party,
        })
    }

    /// A collection rule: string-list measurements, and a reference whose shape
    /// the chosen operation requires.
    fn collection(self, cx: &mut Ctx, obj: &Map<String, Value>, path: &str) -> Option<RuleKind> {
        let (measurements, reference, ref_shape, mpath, rpath) = self.into_parts();
        let op = operation(cx, obj, path, &COLLECTION_OPS, CollectionOp::Intersection);
        for (i, m) in measurements.iter().enumerate() {
            if m.shape.kind != Kind::Str || m.shape.depth == 0 {
                cx.err(
                    format!("{mpath}[{i}]"),
                    format!(
                        "collection measurements must be lists of strings, got {}",
                        m.shape
                    ),
                );
            }
        }
        match op {
            CollectionOp::Contains => match (&reference, ref_shape) {
                (None, _) => cx.err(&rpath, "is required for operation contains"),
                (Some(Reference::Str(_)), _) => {}
                (_, Some(s)) if s.depth == 0 && s.kind == Kind::Str => {}
                _ => cx.err(&rpath, "must be a single string for operation contains"),
            },
            CollectionOp::ReferenceIntersectionCount => match (&reference, ref_shape) {
                (None, _) => cx.err(
                    &rpath,
                    "is required for operation reference_intersection_count",
                ),
                (Some(Reference::StrList(_) | Reference::Str(_)), _) => {}
                (_, Some(s)) if s.depth == 1 && s.kind == Kind::Str => {}
                _ => cx.err(
                    &rpath,
                    "must be a list of strings for operation reference_intersection_count",
                ),
            },
            CollectionOp::Intersection => {}
        }
        let max = cx.number(obj, "maxCount", path);
        let min = cx.number(obj, "minCount", path);
        let party = party(cx, obj, path, true);
        let (max_count, min_count) = (cx.bound_slot(max), cx.bound_slot(min));
        Some(RuleKind::Collection {
            measurements,
            reference,
            op,
            max_count,
            min_count,
            party,
        })
    }
}

pub(super) fn parse_latency(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    path: &str,
) -> Option<RuleKind> {
    cx.unknown_keys(
        obj,
        &[
            &COMMON[..],
            &[
                "maxLatency",
                "maxDistance",
                "distanceReference",
                "partyAggregation",
            ],
        ]
        .concat(),
        path,
    );
    let max_latency = cx.number(obj, "maxLatency", path);
    let max_distance = cx.number(obj, "maxDistance", path);
    if max_latency.is_none() && max_distance.is_none() && obj.get("maxLatency").is_none() {
        cx.err(format!("{path}.maxLatency"), "is required");
    }
    let distance_reference = match cx.string(obj, "distanceReference", path) {
        None | Some("min") => DistanceReference::Min,
        Some("avg") => DistanceReference::Avg,
        Some(s) => {
            cx.err(
                format!("{path}.distanceReference"),
                format!("must be \"min\" or \"avg\", got \"{s}\""),
            );
            DistanceReference::Min
        }
    };
    let party = party(cx, obj, path, false);
    let (max_latency, max_distance) = (cx.bound_slot(max_latency), cx.bound_slot(max_distance));
    Some(RuleKind::Latency {
        max_latency,
        max_distance,
        distance_reference,
        party,
    })
}

pub(super) fn parse_sort(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    path: &str,
    names: &Names<'_>,
    ty: &str,
) -> Option<RuleKind> {
    cx.unknown_keys(
        obj,
        &[
            &COMMON[..],
            &[
                "sortDirection",
                "sortAttribute",
                "mapKey",
                "partyAggregation",
            ],
        ]
        .concat(),
        path,
    );
    let direction = match cx.string(obj, "sortDirection", path) {
        None | Some("ascending") => SortDirection::Ascending,
        Some("descending") => SortDirection::Descending,
        Some(s) => {
            cx.err(
                format!("{path}.sortDirection"),
                format!("must be \"ascending\" or \"descending\", got \"{s}\""),
            );
            SortDirection::Ascending
        }
    };
    let map_key = match cx.string(obj, "mapKey", path) {
        None | Some("maxValue") => MapKey::MaxValue,
        Some("minValue") => MapKey::MinValue,
        Some(s) => {
            cx.err(
                format!("{path}.mapKey"),
                format!("must be \"minValue\" or \"maxValue\", got \"{s}\""),
            );
            MapKey::MaxValue
        }
    };
    let party = party(cx, obj, path, false);
    let attr = attr_ref(cx, obj, "sortAttribute", path, names)?;
    if !matches!(
        names.attrs[attr].kind,
        AttrType::Number | AttrType::StringNumberMap
    ) {
        cx.err(
            format!("{path}.sortAttribute"),
            "must name a number or string_number_map attribute",
        );
    }
    Some(if ty == "absoluteSort" {
        RuleKind::AbsoluteSort {
            direction,
            attr,
            map_key,
            party,
        }
    } else {
        RuleKind::DistanceSort {
            direction,
            attr,
            map_key,
            party,
        }
    })
}
