use super::*;

#[test]
fn embedded_model_loads_with_every_operation() {
    let m = ServiceModel::gamelift();
    assert_eq!(m.target_prefix, "GameLift");
    assert_eq!(m.service_name, "GameLift");
    assert_eq!(m.operations().count(), 120);
    let op = m.operation("DescribeGameSessions").unwrap();
    assert!(op.models_error("NotFoundException"));
    assert!(!m
        .operation("DescribeMatchmaking")
        .unwrap()
        .models_error("NotFoundException"));
}

#[test]
fn member_order_and_required_flags_follow_the_model() {
    let m = ServiceModel::gamelift();
    let id = m.shape_id("CreateGameSessionInput").unwrap();
    let ShapeKind::Structure { members } = &m.shape(id).kind else {
        panic!("structure expected")
    };
    assert_eq!(members[0].name, "FleetId");
    let max = members
        .iter()
        .find(|m| m.name == "MaximumPlayerSessionCount")
        .unwrap();
    assert!(max.required);
    assert!(!members[0].required);
}

#[test]
fn numeric_kinds_are_distinguished() {
    let m = ServiceModel::gamelift();
    let kind = |n: &str| &m.shape(m.shape_id(n).unwrap()).kind;
    assert!(matches!(kind("Float"), ShapeKind::Float { .. }));
    assert!(matches!(kind("DoubleObject"), ShapeKind::Double { .. }));
    assert!(matches!(kind("Timestamp"), ShapeKind::Timestamp));
    assert!(matches!(kind("ZipBlob"), ShapeKind::Blob { .. }));
    assert!(matches!(kind("WholeNumberLong"), ShapeKind::Long { .. }));
    match kind("ContainerVcpu") {
        ShapeKind::Double { range } => assert_eq!(range.min, Some(0.125)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_pattern_in_the_model_compiles() {
    let m = ServiceModel::gamelift();
    for id in m.shape_ids.values() {
        let shape = m.shape(*id);
        if let ShapeKind::String {
            pattern: Some(p), ..
        } = &shape.kind
        {
            assert!(p.is_enforced(), "{}: {}", shape.name, p.source());
        }
    }
}
