//! The second pass: checks serde cannot make, and the plain [`Config`] they produce.
//!
//! Each check reports into one [`Checker`], which turns spans into file positions; resolution
//! goes on after a problem so that one run lists every problem in the file.

use super::raw::*;
use super::*;
use crate::api::auth::AccessKey;
use playfield_core::{ConfigurationMember, FlexMatchMode, SpecProblem};
use playfield_core::{PlayerLatencyPolicy, PriorityType, QueueMember};
use std::collections::HashSet;
use std::ops::Range;
use toml::Spanned;

/// Collects located errors while the raw configuration is walked.
struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
    errors: Vec<ConfigError>,
}

impl Checker<'_> {
    fn error(&mut self, span: Range<usize>, key: impl Into<String>, message: impl Into<String>) {
        self.errors.push(ConfigError::at(
            self.file, self.text, span.start, key, message,
        ));
    }

    /// The 1-based line of a byte offset, for messages that point at a second place.
    fn line(&self, offset: usize) -> usize {
        ConfigError::at(self.file, self.text, offset, "", "").line
    }

    /// Reports a name used twice within one section.
    fn unique(&mut self, seen: &mut HashSet<String>, name: &Spanned<String>, key: String) {
        if !seen.insert(name.get_ref().clone()) {
            self.error(
                name.span(),
                key,
                format!(
                    "{:?} is defined twice; names must be unique",
                    name.get_ref()
                ),
            );
        }
    }
}

/// Resolves a path written in the file against the file's directory.
fn relative_to(file: &Path, written: &str) -> PathBuf {
    let p = Path::new(written);
    if p.is_absolute() {
        return p.to_owned();
    }
    file.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(p))
        .unwrap_or_else(|| p.to_owned())
}

pub(crate) fn resolve(
    raw: RawConfig,
    file: &Path,
    text: &str,
    flags: ListenFlags,
) -> Result<Config, ConfigErrors> {
    let mut c = Checker {
        file,
        text,
        errors: Vec::new(),
    };

    let listen = resolve_listen(&mut c, &raw.listen, flags);
    let account = raw.account_id.get_ref();
    if account.len() != 12 || !account.chars().all(|ch| ch.is_ascii_digit()) {
        c.error(raw.account_id.span(), "account_id", "must be 12 digits");
    }
    let tls = raw.tls.as_ref().map(|t| TlsFiles {
        cert: relative_to(file, t.cert.get_ref()),
        key: relative_to(file, t.key.get_ref()),
    });
    if *raw.auth.required.get_ref() && raw.auth.access_keys.is_empty() {
        c.error(
            raw.auth.required.span(),
            "auth.required",
            "auth is required but no access_keys are listed; add at least one",
        );
    }
    let access_keys = resolve_access_keys(&mut c, &raw.auth.access_keys);
    let gateway = resolve_gateway(&mut c, &raw.gateway);
    let events = resolve_events(&mut c, &raw.events);
    let cycle = &raw.matchmaking.cycle_millis;
    if !(1..=60_000).contains(cycle.get_ref()) {
        c.error(
            cycle.span(),
            "matchmaking.cycle_millis",
            "must be from 1 to 60000 milliseconds (the default is 1000)",
        );
    }
    let matchmaking_cycle_millis = *cycle.get_ref();

    let fleets = resolve_fleets(&mut c, &raw.fleets);
    check_port_ranges(&mut c, &raw.fleets, &fleets, &raw.listen, flags, &listen);
    let targets = resolve_targets(&mut c, &raw.notification_targets);
    let target_names: HashSet<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    let queues = resolve_queues(&mut c, &raw.queues, &fleets, &target_names);
    let rule_sets = resolve_rule_sets(&mut c, &raw.rule_sets);
    let configurations = resolve_configurations(
        &mut c,
        &raw.matchmaking_configurations,
        &queues,
        &rule_sets,
        &target_names,
    );

    if !c.errors.is_empty() {
        c.errors.sort_by_key(|e| (e.line, e.column));
        return Err(ConfigErrors(c.errors));
    }
    Ok(Config {
        region: raw.region.into_inner(),
        account_id: raw.account_id.into_inner(),
        listen,
        tls,
        auth: Auth {
            required: raw.auth.required.into_inner(),
            access_keys,
        },
        gateway,
        events,
        matchmaking_cycle_millis,
        fleets,
        queues,
        rule_sets,
        matchmaking_configurations: configurations,
        notification_targets: targets,
    })
}

/// The addresses the daemon listens on: the file's, each one given on the command line in
/// place of the file's (a file value that is not an address is reported all the same).
fn resolve_listen(c: &mut Checker, raw: &RawListen, flags: ListenFlags) -> Listen {
    let mut addr = |s: &Spanned<String>, key: &str, default: SocketAddr| {
        s.get_ref().parse::<SocketAddr>().unwrap_or_else(|e| {
            c.error(
                s.span(),
                format!("listen.{key}"),
                format!(
                    "{:?} is not an address like 127.0.0.1:9080 ({e})",
                    s.get_ref()
                ),
            );
            default
        })
    };
    let fallback: SocketAddr = ([127, 0, 0, 1], 0).into();
    let file = Listen {
        api: addr(&raw.api, "api", fallback),
        ws: addr(&raw.ws, "ws", fallback),
        wss: addr(&raw.wss, "wss", fallback),
    };
    Listen {
        api: flags.api.unwrap_or(file.api),
        ws: flags.ws.unwrap_or(file.ws),
        wss: flags.wss.unwrap_or(file.wss),
    }
}

fn resolve_gateway(c: &mut Checker, raw: &RawGateway) -> GatewayTimeouts {
    for (value, key) in [
        (
            &raw.heartbeat_timeout_seconds,
            "gateway.heartbeat_timeout_seconds",
        ),
        (
            &raw.reconnect_grace_seconds,
            "gateway.reconnect_grace_seconds",
        ),
        (
            &raw.activation_timeout_seconds,
            "gateway.activation_timeout_seconds",
        ),
    ] {
        if *value.get_ref() == 0 {
            c.error(value.span(), key, "must be at least 1 second");
        }
    }
    GatewayTimeouts {
        heartbeat_timeout_seconds: *raw.heartbeat_timeout_seconds.get_ref(),
        reconnect_grace_seconds: *raw.reconnect_grace_seconds.get_ref(),
        activation_timeout_seconds: *raw.activation_timeout_seconds.get_ref(),
        accept_unknown_fleets: *raw.accept_unknown_fleets.get_ref(),
    }
}

fn resolve_events(c: &mut Checker, raw: &RawEvents) -> EventsSettings {
    let max = &raw.max_pending_events;
    if !(1..=MAX_PENDING_EVENTS_LIMIT).contains(max.get_ref()) {
        c.error(
            max.span(),
            "events.max_pending_events",
            format!("must be between 1 and {MAX_PENDING_EVENTS_LIMIT}"),
        );
    }
    EventsSettings {
        max_pending_events: *max.get_ref() as usize,
    }
}

/// A fleet id as the service model allows it: `fleet-` then letters, digits and dashes.
fn is_fleet_id(s: &str) -> bool {
    s.strip_prefix("fleet-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
    })
}

/// A name made only of letters, digits and dashes (queues, locations, ARN-safe names).
fn is_dashed_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
}

fn resolve_fleets(c: &mut Checker, raw: &[RawFleet]) -> Vec<Fleet> {
    let mut seen_ids = HashSet::new();
    let mut seen_names = HashSet::new();
    raw.iter()
        .enumerate()
        .map(|(i, f)| {
            let key = format!("fleets[{i}]");
            c.unique(&mut seen_names, &f.name, format!("{key}.name"));
            let id = match &f.id {
                Some(id) => {
                    if !is_fleet_id(id.get_ref()) {
                        c.error(
                            id.span(),
                            format!("{key}.id"),
                            format!(
                                "{:?} is not a fleet id: write fleet- followed by letters, digits and dashes",
                                id.get_ref()
                            ),
                        );
                    }
                    id.clone()
                }
                None => Spanned::new(
                    f.name.span(),
                    format!("fleet-{}", f.name.get_ref().to_ascii_lowercase().replace(' ', "-")),
                ),
            };
            c.unique(&mut seen_ids, &id, format!("{key}.id"));
            let mut locations = Vec::new();
            for (j, loc) in f.locations.iter().enumerate() {
                let name = loc.get_ref();
                if !name.starts_with("custom-") || !is_dashed_name(name) {
                    c.error(
                        loc.span(),
                        format!("{key}.locations[{j}]"),
                        format!("{name:?} is not a custom location: write custom- followed by letters, digits and dashes"),
                    );
                }
                locations.push(name.clone());
            }
            if locations.is_empty() {
                locations.push("custom-local".to_owned());
            }
            let launch = f.launch.as_ref().map(|l| {
                let n = *l.concurrent_processes.get_ref();
                if !(1..=50).contains(&n) {
                    c.error(
                        l.concurrent_processes.span(),
                        format!("{key}.launch.concurrent_processes"),
                        format!("{n} is out of range: a fleet runs 1 to 50 processes at once"),
                    );
                }
                if l.executable.get_ref().trim().is_empty() {
                    c.error(l.executable.span(), format!("{key}.launch.executable"), "is empty");
                }
                // `${NAME:-default}` expands (launch_paths): a sample can name cargo's target
                // directory wherever CARGO_TARGET_DIR puts it.
                let executable = launch_paths::resolve(c.file, l.executable.get_ref())
                    .unwrap_or_else(|e| {
                        c.error(l.executable.span(), format!("{key}.launch.executable"), e);
                        PathBuf::new()
                    });
                let working_directory = l.working_directory.as_deref().and_then(|d| {
                    launch_paths::resolve(c.file, d)
                        .map_err(|e| {
                            c.error(f.name.span(), format!("{key}.launch.working_directory"), e)
                        })
                        .ok()
                });
                let [first, last] = l
                    .port_range
                    .as_ref()
                    .map_or(DEFAULT_PORT_RANGE, |r| *r.get_ref());
                if let Some(range) = &l.port_range {
                    let available = u32::from(last).saturating_sub(u32::from(first)) + 1;
                    if first == 0 || last < first {
                        c.error(
                            range.span(),
                            format!("{key}.launch.port_range"),
                            format!("[{first}, {last}] is not a range of ports: write [first, last] with 0 < first <= last"),
                        );
                    } else if available < n {
                        c.error(
                            range.span(),
                            format!("{key}.launch.port_range"),
                            format!("[{first}, {last}] has {available} port(s) for {n} concurrent processes: each process gets its own"),
                        );
                    }
                }
                LaunchSpec {
                    executable,
                    arguments: l.arguments.clone(),
                    concurrent_processes: n,
                    environment: l.environment.clone(),
                    working_directory,
                    first_port: first,
                }
            });
            Fleet {
                id: id.into_inner(),
                name: f.name.get_ref().clone(),
                locations,
                launch,
            }
        })
        .collect()
}

/// A launched fleet's ports, as written (or the default), for [`check_port_ranges`].
struct PortRange<'a> {
    key: String,
    name: &'a str,
    first: u16,
    last: u16,
    /// Where the range is written, or where the launch section starts when it is the default.
    span: Range<usize>,
    written: bool,
}

impl PortRange<'_> {
    fn describe(&self, c: &Checker) -> String {
        let line = c.line(self.span.start);
        if self.written {
            format!(
                "fleet {:?}'s port_range [{}, {}] (line {line})",
                self.name, self.first, self.last
            )
        } else {
            format!(
                "fleet {:?}'s default port_range [{}, {}] (its [fleets.launch] at line {line} has none)",
                self.name, self.first, self.last
            )
        }
    }

    fn contains(&self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }
}

/// Every launched process gets its own port (issue 17 item 6), so the `port_range`s of the
/// fleets that pass `{port}` to their processes must not overlap each other, nor hold a port
/// the daemon listens on itself (`listen`, the file's addresses with the command line's
/// `flags` applied). Each problem is reported at the later fleet's range, naming the other
/// fleet (or the listener, and the flag or line it comes from) and a range that would fit.
fn check_port_ranges(
    c: &mut Checker,
    raw: &[RawFleet],
    fleets: &[Fleet],
    raw_listen: &RawListen,
    flags: ListenFlags,
    listen: &Listen,
) {
    let mut ranges: Vec<PortRange> = Vec::new();
    for (i, (r, f)) in raw.iter().zip(fleets).enumerate() {
        let (Some(rl), Some(spec)) = (&r.launch, &f.launch) else {
            continue;
        };
        let uses_port = spec
            .arguments
            .iter()
            .chain(spec.environment.values())
            .any(|v| v.contains(PORT_PLACEHOLDER));
        let [first, last] = rl
            .port_range
            .as_ref()
            .map_or(DEFAULT_PORT_RANGE, |p| *p.get_ref());
        if !uses_port || first == 0 || last < first {
            continue; // no ports handed out, or already reported as not a range
        }
        ranges.push(PortRange {
            key: format!("fleets[{i}].launch.port_range"),
            name: &f.name,
            first,
            last,
            span: rl
                .port_range
                .as_ref()
                .map_or_else(|| rl.executable.span(), |p| p.span()),
            written: rl.port_range.is_some(),
        });
    }
    let highest = ranges.iter().map(|r| r.last).max().unwrap_or(0);
    // Each listener: its name, where the file writes it, whether a flag overrides it, and
    // the address the daemon listens on.
    let listeners = [
        ("api", &raw_listen.api, flags.api.is_some(), listen.api),
        ("ws", &raw_listen.ws, flags.ws.is_some(), listen.ws),
        ("wss", &raw_listen.wss, flags.wss.is_some(), listen.wss),
    ];
    for (j, later) in ranges.iter().enumerate() {
        // A range of the same size above every other one: always free of the fleets.
        let size = later.last - later.first;
        let suggestion = match highest.checked_add(1).zip(highest.checked_add(1 + size)) {
            Some((first, last)) => format!("e.g. port_range = [{first}, {last}]"),
            None => "a range below the others".to_owned(),
        };
        let what_to_write = if later.written {
            format!(
                "change one of them ({suggestion} for fleet {:?})",
                later.name
            )
        } else {
            format!(
                "give fleet {:?} a port_range of its own ({suggestion})",
                later.name
            )
        };
        for earlier in &ranges[..j] {
            if later.first <= earlier.last && earlier.first <= later.last {
                let message = format!(
                    "{} overlaps {}: each launched process needs a port of its own; {what_to_write}",
                    later.describe(c),
                    earlier.describe(c),
                );
                c.error(later.span.clone(), later.key.clone(), message);
            }
        }
        let held: Vec<_> = listeners
            .iter()
            .filter(|(.., addr)| addr.port() != 0 && later.contains(addr.port()))
            .collect();
        if !held.is_empty() {
            let described: Vec<String> = held
                .iter()
                .map(|(name, raw_addr, flag, addr)| {
                    if *flag {
                        format!("--{name}-listen {addr} on the command line")
                    } else if raw_addr.span().end > 0 {
                        let line = c.line(raw_addr.span().start);
                        format!("listen.{name} = {addr}, line {line}")
                    } else {
                        format!("listen.{name} = {addr}, the default")
                    }
                })
                .collect();
            let given: Vec<String> = held
                .iter()
                .filter(|(_, _, flag, _)| *flag)
                .map(|(name, ..)| format!("--{name}-listen"))
                .collect();
            let change = if given.is_empty() {
                if later.written {
                    format!("move the listener or the range ({suggestion})")
                } else {
                    format!("move the listener or give the fleet a port_range ({suggestion})")
                }
            } else {
                // The flag is what the user just typed: say which one to change, and to what.
                let range = if later.written {
                    format!("move the range ({suggestion})")
                } else {
                    format!("give the fleet a port_range ({suggestion})")
                };
                let also_file = if given.len() < held.len() {
                    ", move the listener in the file"
                } else {
                    ""
                };
                format!(
                    "give {} {} outside [{}, {}]{also_file} or {range}",
                    given.join(" and "),
                    if given.len() == 1 { "a port" } else { "ports" },
                    later.first,
                    later.last,
                )
            };
            let message = format!(
                "{} holds {} the daemon listens on itself ({}): a game server given one could not use it; {change}",
                later.describe(c),
                if held.len() == 1 { "a port" } else { "ports" },
                described.join("; "),
            );
            c.error(later.span.clone(), later.key.clone(), message);
        }
    }
}

fn resolve_targets(c: &mut Checker, raw: &[RawNotificationTarget]) -> Vec<NotificationTarget> {
    let mut seen = HashSet::new();
    let mut default_seen: Option<String> = None;
    for (i, t) in raw.iter().enumerate() {
        if let Some(d) = t.default.as_ref().filter(|d| *d.get_ref()) {
            match &default_seen {
                Some(first) => c.error(
                    d.span(),
                    format!("notification_targets[{i}].default"),
                    format!(
                        "only one notification target can be the default; {first:?} already is"
                    ),
                ),
                None => default_seen = Some(t.name.get_ref().clone()),
            }
        }
    }
    raw.iter()
        .enumerate()
        .map(|(i, t)| {
            let key = format!("notification_targets[{i}]");
            c.unique(&mut seen, &t.name, format!("{key}.name"));
            let url = t.url.get_ref();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                c.error(
                    t.url.span(),
                    format!("{key}.url"),
                    format!("{url:?} is not an http:// or https:// URL"),
                );
            }
            if let Some(token) = &t.match_token {
                let ok = token.get_ref().len() <= 64
                    && token
                        .get_ref()
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch));
                if !ok {
                    c.error(
                        token.span(),
                        format!("{key}.match_token"),
                        "a GPM match token is 0 to 64 characters of letters, digits, '-', '_' and '.'",
                    );
                }
            }
            NotificationTarget {
                name: t.name.get_ref().clone(),
                url: url.clone(),
                format: t.format,
                match_token: t.match_token.as_ref().map(|s| s.get_ref().clone()),
                args: t.args.clone(),
                default: t.default.as_ref().is_some_and(|d| *d.get_ref()),
            }
        })
        .collect()
}

fn check_target_ref(
    c: &mut Checker,
    target: &Option<Spanned<String>>,
    key: String,
    targets: &HashSet<&str>,
) {
    if let Some(t) = target {
        if !targets.contains(t.get_ref().as_str()) {
            c.error(
                t.span(),
                key,
                format!(
                    "no notification target is named {:?}; define it under [[notification_targets]]",
                    t.get_ref()
                ),
            );
        }
    }
}

/// The startup file's own range for a queue's `timeout_seconds`, stricter than the core's
/// (at least 1): a placement shorter than 10 s is a mistake in a file.
const QUEUE_TIMEOUT_RANGE: std::ops::RangeInclusive<u32> = 10..=600;

fn resolve_queues(
    c: &mut Checker,
    raw: &[RawQueue],
    fleets: &[Fleet],
    targets: &HashSet<&str>,
) -> Vec<QueueSpec> {
    let mut seen = HashSet::new();
    raw.iter()
        .enumerate()
        .map(|(i, q)| {
            let key = format!("queues[{i}]");
            c.unique(&mut seen, &q.name, format!("{key}.name"));
            let mut destinations = Vec::new();
            for (j, d) in q.destinations.iter().enumerate() {
                match fleets
                    .iter()
                    .find(|f| &f.id == d.get_ref() || &f.name == d.get_ref())
                {
                    Some(f) => destinations.push(f.id.clone()),
                    None => c.error(
                        d.span(),
                        format!("{key}.destinations[{j}]"),
                        format!("no fleet has the id or name {:?}", d.get_ref()),
                    ),
                }
            }
            if q.destinations.is_empty() {
                c.error(
                    q.name.span(),
                    format!("{key}.destinations"),
                    "a queue needs at least one destination fleet",
                );
            }
            let (priority_order, priority_written_at) =
                parse_priority_order(c, &q.priority_order, &key);
            let mut spec = QueueSpec {
                name: q.name.get_ref().as_str().into(),
                destinations,
                player_latency_policies: q
                    .player_latency_policies
                    .iter()
                    .map(|p| PlayerLatencyPolicy {
                        maximum_individual_player_latency_ms: p
                            .maximum_individual_player_latency_ms,
                        policy_duration_seconds: p.policy_duration_seconds,
                    })
                    .collect(),
                custom_event_data: q.custom_event_data.clone(),
                notification_target: q.notification_target.as_ref().map(|t| t.get_ref().clone()),
                allowed_locations: check_locations(
                    c,
                    &q.allowed_locations,
                    format!("{key}.allowed_locations"),
                ),
                priority_order,
                location_order: check_locations(
                    c,
                    &q.location_order,
                    format!("{key}.location_order"),
                ),
                ..QueueSpec::default()
            };
            if let Some(t) = &q.timeout_seconds {
                spec.timeout_seconds = *t.get_ref();
                if !QUEUE_TIMEOUT_RANGE.contains(t.get_ref()) {
                    c.error(
                        t.span(),
                        format!("{key}.timeout_seconds"),
                        format!("{} is out of range 10..=600", t.get_ref()),
                    );
                }
            }
            check_target_ref(
                c,
                &q.notification_target,
                format!("{key}.notification_target"),
                targets,
            );
            for SpecProblem { member, message } in spec.problems() {
                match member {
                    QueueMember::Name => c.error(q.name.span(), format!("{key}.name"), message),
                    // The file's stricter range, checked above, covers the core's.
                    QueueMember::TimeoutInSeconds => {}
                    QueueMember::PriorityOrder(i) => {
                        let j = priority_written_at[i];
                        c.error(
                            q.priority_order[j].span(),
                            format!("{key}.priority_order[{j}]"),
                            message,
                        )
                    }
                }
            }
            spec
        })
        .collect()
}

/// A queue's location list (AllowedLocations, LocationOrder): 1..=100 distinct names of
/// 1..=64 letters, digits and dashes, as the model's LocationList says.
fn check_locations(c: &mut Checker, raw: &[Spanned<String>], key: String) -> Vec<String> {
    if raw.len() > 100 {
        c.error(raw[100].span(), key.clone(), "at most 100 locations");
    }
    let mut seen = HashSet::new();
    for (j, l) in raw.iter().enumerate() {
        let name = l.get_ref();
        if name.is_empty() || name.len() > 64 || !is_dashed_name(name) {
            c.error(
                l.span(),
                format!("{key}[{j}]"),
                format!("{name:?} is not a location (1 to 64 letters, digits and dashes)"),
            );
        } else if !seen.insert(name.as_str()) {
            c.error(
                l.span(),
                format!("{key}[{j}]"),
                format!("{name:?} is listed twice"),
            );
        }
    }
    raw.iter().map(|l| l.get_ref().clone()).collect()
}

/// PriorityOrder's entries as the core's enum, each with its index in the file; an entry
/// that names none is reported and left out (a type listed twice is kept, for
/// [`QueueSpec::problems`] to report).
fn parse_priority_order(
    c: &mut Checker,
    raw: &[Spanned<String>],
    key: &str,
) -> (Vec<PriorityType>, Vec<usize>) {
    let mut order = Vec::new();
    let mut written_at = Vec::new();
    for (j, p) in raw.iter().enumerate() {
        match PriorityType::parse(p.get_ref()) {
            Some(t) => {
                order.push(t);
                written_at.push(j);
            }
            None => c.error(
                p.span(),
                format!("{key}.priority_order[{j}]"),
                format!(
                    "{:?} is not one of LATENCY, COST, DESTINATION, LOCATION",
                    p.get_ref()
                ),
            ),
        }
    }
    (order, written_at)
}

fn resolve_rule_sets(c: &mut Checker, raw: &[RawRuleSet]) -> Vec<RuleSet> {
    let mut seen = HashSet::new();
    raw.iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let key = format!("rule_sets[{i}]");
            c.unique(&mut seen, &r.name, format!("{key}.name"));
            let rule_set = match (&r.path, &r.body) {
                (Some(path), None) => {
                    let full = relative_to(c.file, path.get_ref());
                    match std::fs::read_to_string(&full) {
                        Ok(body) => RuleSet {
                            name: r.name.get_ref().clone(),
                            body,
                            source: Some(full),
                        },
                        Err(e) => {
                            c.error(
                                path.span(),
                                format!("{key}.path"),
                                format!("cannot read {}: {e}", full.display()),
                            );
                            return None;
                        }
                    }
                }
                (None, Some(body)) => RuleSet {
                    name: r.name.get_ref().clone(),
                    body: body.get_ref().clone(),
                    source: None,
                },
                _ => {
                    c.error(
                        r.name.span(),
                        key,
                        "give the rule set either as `path` (a JSON file) or as `body` (inline JSON), not both or neither",
                    );
                    return None;
                }
            };
            // Kept even when invalid: the configurations naming it must not also report it
            // missing (one mistake, one error).
            check_rule_set(c, r, &key, &rule_set);
            Some(rule_set)
        })
        .collect()
}

/// Validates a rule set as the daemon will create it (ValidateMatchmakingRuleSet's checks),
/// so that a mistake is a located error when the file loads, before anything listens
/// (issue 17 item 6): at the rule set's entry in this file, with the position inside the rule
/// set's own file (`path`) or inside the inline `body`.
fn check_rule_set(c: &mut Checker, raw: &RawRuleSet, key: &str, rule_set: &RuleSet) {
    let Err(errors) = playfield_flexmatch::RuleSet::parse(&rule_set.body) else {
        return;
    };
    let (span, key) = match (&raw.path, &raw.body) {
        (Some(path), _) => (path.span(), format!("{key}.path")),
        (_, Some(body)) => (body.span(), format!("{key}.body")),
        _ => (raw.name.span(), key.to_owned()),
    };
    let within = match &rule_set.source {
        Some(file) => file.display().to_string(),
        None => "the body".to_owned(),
    };
    for e in errors.0 {
        let path = if e.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", e.path)
        };
        c.error(
            span.clone(),
            key.clone(),
            format!(
                "rule set {:?} is invalid: {within}:{}:{}: {path}{}",
                rule_set.name, e.line, e.column, e.message
            ),
        );
    }
}

fn resolve_configurations(
    c: &mut Checker,
    raw: &[RawMatchmakingConfiguration],
    queues: &[QueueSpec],
    rule_sets: &[RuleSet],
    targets: &HashSet<&str>,
) -> Vec<ConfigurationSpec> {
    let mut seen = HashSet::new();
    raw.iter()
        .enumerate()
        .map(|(i, m)| {
            let key = format!("matchmaking_configurations[{i}]");
            c.unique(&mut seen, &m.name, format!("{key}.name"));
            let spec = configuration_spec(m);
            if !rule_sets.iter().any(|r| &r.name == m.rule_set.get_ref()) {
                c.error(
                    m.rule_set.span(),
                    format!("{key}.rule_set"),
                    format!(
                        "no rule set is named {:?}; define it under [[rule_sets]]",
                        m.rule_set.get_ref()
                    ),
                );
            }
            match (spec.flex_match_mode, &m.queue) {
                (FlexMatchMode::WithQueue, Some(q)) => {
                    if !queues.iter().any(|known| &known.name == q.get_ref()) {
                        c.error(
                            q.span(),
                            format!("{key}.queue"),
                            format!(
                                "no queue is named {:?}; define it under [[queues]]",
                                q.get_ref()
                            ),
                        );
                    }
                }
                (FlexMatchMode::Standalone, Some(q)) => c.error(
                    q.span(),
                    format!("{key}.queue"),
                    "STANDALONE mode places no game sessions, so it takes no queue",
                ),
                (_, None) => {}
            }
            check_target_ref(
                c,
                &m.notification_target,
                format!("{key}.notification_target"),
                targets,
            );
            for SpecProblem { member, message } in spec.problems() {
                let (span, member_key) = configuration_member_at(m, member);
                c.error(span, format!("{key}.{member_key}"), message);
            }
            spec
        })
        .collect()
}

/// `[auth] access_keys`: key pairs. A bare id or a pair without a secret is an error that
/// says how to write it (the secret is never echoed).
fn resolve_access_keys(c: &mut Checker, raw: &[Spanned<RawAccessKey>]) -> Vec<AccessKey> {
    let mut keys = Vec::new();
    for (i, entry) in raw.iter().enumerate() {
        let key = format!("auth.access_keys[{i}]");
        let (id, secret) = match entry.get_ref() {
            RawAccessKey::BareId(id) => (id, None),
            RawAccessKey::Pair(p) => (&p.id, p.secret.as_ref()),
        };
        match secret {
            Some(secret) if !id.is_empty() && !secret.is_empty() => {
                keys.push(AccessKey::new(id.clone(), secret.clone()));
            }
            _ if id.is_empty() => c.error(entry.span(), key, "the access key id is empty"),
            _ => c.error(
                entry.span(),
                key,
                format!(
                    "access key '{id}' has no secret: signatures are verified, so write it as \
                     {{ id = \"{id}\", secret = \"...\" }} with the secret your clients sign \
                     with (their AWS_SECRET_ACCESS_KEY)"
                ),
            ),
        }
    }
    keys
}

/// The entry as the core's spec: the spec's defaults ([`ConfigurationSpec::service_defaults`])
/// for every key the file leaves out.
fn configuration_spec(m: &RawMatchmakingConfiguration) -> ConfigurationSpec {
    let mut spec = ConfigurationSpec {
        description: m.description.clone(),
        rule_set: m.rule_set.get_ref().clone(),
        game_session_queues: m.queue.iter().map(|q| q.get_ref().clone()).collect(),
        acceptance_timeout_seconds: m.acceptance_timeout_seconds.as_ref().map(|t| *t.get_ref()),
        game_session_data: m.game_session_data.clone(),
        custom_event_data: m.custom_event_data.as_ref().map(|d| d.get_ref().clone()),
        notification_target: m.notification_target.as_ref().map(|t| t.get_ref().clone()),
        post_processing_url: m.post_processing_url.as_ref().map(|u| u.get_ref().clone()),
        ..ConfigurationSpec::service_defaults(m.name.get_ref().as_str())
    };
    if let Some(mode) = &m.flex_match_mode {
        spec.flex_match_mode = *mode.get_ref();
    }
    if let Some(t) = &m.request_timeout_seconds {
        spec.request_timeout_seconds = *t.get_ref();
    }
    if let Some(required) = m.acceptance_required {
        spec.acceptance_required = required;
    }
    if let Some(b) = &m.backfill_mode {
        spec.backfill_mode = *b.get_ref();
    }
    if let Some(n) = m.additional_player_count {
        spec.additional_player_count = n;
    }
    if let Some(p) = &m.game_properties {
        spec.game_properties = p.get_ref().clone();
    }
    spec
}

/// Where in the entry a spec problem about `member` points: the value's span and key, or
/// the entry's name when the key was left out (its default is what is wrong).
fn configuration_member_at(
    m: &RawMatchmakingConfiguration,
    member: ConfigurationMember,
) -> (Range<usize>, &'static str) {
    use ConfigurationMember as M;
    let (span, key) = match member {
        M::Name => (Some(m.name.span()), "name"),
        M::GameSessionQueues => (m.queue.as_ref().map(Spanned::span), "queue"),
        M::RequestTimeoutSeconds => (
            m.request_timeout_seconds.as_ref().map(Spanned::span),
            "request_timeout_seconds",
        ),
        M::AcceptanceTimeoutSeconds => (
            m.acceptance_timeout_seconds.as_ref().map(Spanned::span),
            "acceptance_timeout_seconds",
        ),
        M::BackfillMode => (m.backfill_mode.as_ref().map(Spanned::span), "backfill_mode"),
        M::GameProperties => (
            m.game_properties.as_ref().map(Spanned::span),
            "game_properties",
        ),
        M::CustomEventData => (
            m.custom_event_data.as_ref().map(Spanned::span),
            "custom_event_data",
        ),
        M::PostProcessingUrl => (
            m.post_processing_url.as_ref().map(Spanned::span),
            "post_processing_url",
        ),
    };
    (span.unwrap_or_else(|| m.name.span()), key)
}
