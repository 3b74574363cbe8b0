//! Which free process a queue picks: FilterConfiguration and PriorityConfiguration
//! (gamelift-service-2.json, shapes FilterConfiguration and PriorityConfiguration).

use super::*;
use crate::RegisterCompute;

const EAST: &str = "fleet-east";
const WEST: &str = "fleet-west";

/// Fleets EAST (location custom-east) and WEST (custom-west), one ACTIVE process each
/// ("p-east" readied first), and a queue listing EAST then WEST, edited by `edit`.
fn two_locations(edit: impl FnOnce(&mut QueueSpec)) -> (Core, GameSessionQueue) {
    let mut c = Core::new(CoreConfig::default());
    for (id, location) in [(EAST, "custom-east"), (WEST, "custom-west")] {
        c.register_fleet(Fleet {
            id: id.into(),
            name: id.into(),
            locations: vec![location.into()],
        })
        .unwrap();
    }
    for (conn, (fleet, pid)) in [(EAST, "p-east"), (WEST, "p-west")].into_iter().enumerate() {
        c.connect(
            T0,
            ConnId(conn as u64),
            ConnectInfo {
                pid: pid.into(),
                fleet_id: fleet.into(),
                ..Default::default()
            },
        )
        .unwrap();
        c.process_ready(T0, pid, ProcessReady::default()).unwrap();
    }
    let mut spec = QueueSpec {
        name: QUEUE.into(),
        destinations: vec![EAST.into(), WEST.into()],
        ..Default::default()
    };
    edit(&mut spec);
    let q = c.create_queue(spec).unwrap();
    (c, q)
}

/// The process id a placement with these players' `latencies` would land on.
fn pick(c: &Core, q: &GameSessionQueue, latencies: &[BTreeMap<String, u32>]) -> Option<String> {
    let refs: Vec<&BTreeMap<String, u32>> = latencies.iter().collect();
    c.pick_process(q, 0, &refs).map(|(_, pid, _)| pid)
}

fn latency(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(l, ms)| (l.to_string(), *ms)).collect()
}

/// Without a PriorityConfiguration the queue keeps its destination order.
#[test]
fn without_priorities_the_first_destination_wins() {
    let (c, q) = two_locations(|_| {});
    assert_eq!(pick(&c, &q, &[]).as_deref(), Some("p-east"));
    let (_, _, location) = c.pick_process(&q, 0, &[]).unwrap();
    assert_eq!(location, "custom-east");
}

/// FilterConfiguration: "A list of fleet locations where a game session queue can place new
/// game sessions" — a location left out gets no placement, even from the first destination.
#[test]
fn the_filter_excludes_a_location() {
    let (c, q) = two_locations(|s| s.allowed_locations = vec!["custom-west".into()]);
    assert_eq!(pick(&c, &q, &[]).as_deref(), Some("p-west"));
    let (c, q) = two_locations(|s| s.allowed_locations = vec!["us-west-2".into()]);
    assert_eq!(pick(&c, &q, &[]), None, "no allowed location has a process");
}

/// PriorityOrder: "DESTINATION -- prioritizes based on the list order of destinations";
/// "LOCATION -- prioritizes based on the provided order of locations, as defined in
/// LocationOrder". The same queue and processes pick differently under each.
#[test]
fn destination_and_location_order_pick_different_processes() {
    let location_order = vec!["custom-west".to_string(), "custom-east".to_string()];
    let (c, q) = two_locations(|s| {
        s.priority_order = vec![PriorityType::Destination, PriorityType::Location];
        s.location_order = location_order.clone();
    });
    assert_eq!(pick(&c, &q, &[]).as_deref(), Some("p-east"));
    let (c, q) = two_locations(|s| {
        s.priority_order = vec![PriorityType::Location, PriorityType::Destination];
        s.location_order = location_order.clone();
    });
    assert_eq!(pick(&c, &q, &[]).as_deref(), Some("p-west"));
}

/// "LATENCY -- prioritizes locations where the average player latency is lowest"; COST has
/// no local cost model and never separates two candidates.
#[test]
fn latency_prefers_the_lowest_average_and_cost_ties() {
    let players = [
        latency(&[("custom-east", 120), ("custom-west", 40)]),
        latency(&[("custom-east", 100), ("custom-west", 60)]),
    ];
    let (c, q) = two_locations(|s| s.priority_order = vec![PriorityType::Latency]);
    assert_eq!(pick(&c, &q, &players).as_deref(), Some("p-west"));
    let (c, q) =
        two_locations(|s| s.priority_order = vec![PriorityType::Cost, PriorityType::Destination]);
    assert_eq!(pick(&c, &q, &players).as_deref(), Some("p-east"));
}

/// "Each priority type is listed once" (PriorityConfiguration.PriorityOrder).
#[test]
fn a_priority_type_listed_twice_is_refused() {
    let mut c = Core::new(CoreConfig::default());
    let e = c
        .create_queue(QueueSpec {
            name: QUEUE.into(),
            priority_order: vec![PriorityType::Cost, PriorityType::Cost],
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        e.to_string().contains("COST is listed more than once"),
        "{e}"
    );
}

/// A multi-location Anywhere fleet: a process's location is its compute's custom location
/// (RegisterCompute `Location`), so the filter can allow some of a fleet's locations and not
/// others (FilterConfiguration: "allow placement with some, but not all, of a fleet's
/// locations"). The location picked is the one placement creates the game session in.
#[test]
fn a_process_is_where_its_compute_is() {
    let mut c = Core::new(CoreConfig::default());
    c.register_fleet(Fleet {
        id: FLEET.into(),
        name: "multi".into(),
        locations: vec!["custom-east".into(), "custom-west".into()],
    })
    .unwrap();
    for (conn, (pid, compute, location)) in [
        ("p-east", "east-box", "custom-east"),
        ("p-west", "west-box", "custom-west"),
    ]
    .into_iter()
    .enumerate()
    {
        c.register_compute(
            T0,
            RegisterCompute {
                fleet_id: FLEET.into(),
                name: compute.into(),
                location: Some(location.into()),
                ..Default::default()
            },
        )
        .unwrap();
        c.connect(
            T0,
            ConnId(conn as u64),
            ConnectInfo {
                pid: pid.into(),
                fleet_id: FLEET.into(),
                compute_id: Some(compute.into()),
                ..Default::default()
            },
        )
        .unwrap();
        c.process_ready(T0, pid, ProcessReady::default()).unwrap();
    }
    let q = c
        .create_queue(QueueSpec {
            name: QUEUE.into(),
            destinations: vec![FLEET.into()],
            allowed_locations: vec!["custom-west".into()],
            ..Default::default()
        })
        .unwrap();
    let (fleet, pid, location) = c.pick_process(&q, 0, &[]).unwrap();
    assert_eq!((fleet.as_str(), pid.as_str()), (FLEET, "p-west"));
    assert_eq!(location, "custom-west");
}
