//! Player sessions: a reserved slot in a game session. RESERVED → ACTIVE when the game
//! server accepts the player, → COMPLETED when it removes them (or the game ends),
//! RESERVED → TIMEDOUT when the player does not show up within 60 s (service-api.md,
//! CreatePlayerSession).

use std::collections::HashMap;

use super::event::{Event, PlayerSessionEnd};
use super::timers::TimerKey;
use super::{Core, CoreError, GameSessionStatus};
use crate::clock::Millis;

/// A player session's lifecycle state: the service's `PlayerSession.Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayerSessionStatus {
    /// The slot is held; the player has not connected to the game server yet.
    Reserved,
    /// The game server accepted the player (AcceptPlayerSession).
    Active,
    /// The player left (RemovePlayerSession) or the game session ended.
    Completed,
    /// The player did not show up within the reservation timeout (60 s).
    Timedout,
}

impl PlayerSessionStatus {
    /// The wire name (`RESERVED`, `ACTIVE`, `COMPLETED`, `TIMEDOUT`).
    pub fn as_str(self) -> &'static str {
        match self {
            PlayerSessionStatus::Reserved => "RESERVED",
            PlayerSessionStatus::Active => "ACTIVE",
            PlayerSessionStatus::Completed => "COMPLETED",
            PlayerSessionStatus::Timedout => "TIMEDOUT",
        }
    }

    /// Parses the wire string (sdk-wire-protocol.md §5.5); matching is exact.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "RESERVED" => PlayerSessionStatus::Reserved,
            "ACTIVE" => PlayerSessionStatus::Active,
            "COMPLETED" => PlayerSessionStatus::Completed,
            "TIMEDOUT" => PlayerSessionStatus::Timedout,
            _ => return None,
        })
    }

    /// Holds a player slot.
    pub(crate) fn is_live(self) -> bool {
        matches!(
            self,
            PlayerSessionStatus::Reserved | PlayerSessionStatus::Active
        )
    }
}

/// Whether a game session takes new player sessions: the service's
/// `GameSession.PlayerSessionCreationPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayerSessionCreationPolicy {
    /// New player sessions may be created (the default).
    AcceptAll,
    /// CreatePlayerSession(s) fails with [`CoreError::PlayerSessionsDenied`].
    DenyAll,
}

impl PlayerSessionCreationPolicy {
    /// The wire name (`ACCEPT_ALL` or `DENY_ALL`).
    pub fn as_str(self) -> &'static str {
        match self {
            PlayerSessionCreationPolicy::AcceptAll => "ACCEPT_ALL",
            PlayerSessionCreationPolicy::DenyAll => "DENY_ALL",
        }
    }

    /// Parses the wire name; `None` for anything else (matching is exact).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ACCEPT_ALL" => Some(PlayerSessionCreationPolicy::AcceptAll),
            "DENY_ALL" => Some(PlayerSessionCreationPolicy::DenyAll),
            _ => None,
        }
    }
}

/// A player's reserved slot in a game session, mirroring the service's `PlayerSession`
/// shape (service-api.md, PlayerSession).
#[derive(Debug, Clone, PartialEq)]
pub struct PlayerSession {
    /// The player session id (`psess-` and a UUID).
    pub id: String,
    /// The player it is for, as the caller named them.
    pub player_id: String,
    /// The game session it is a slot in (its ARN).
    pub game_session_id: String,
    /// The game session's fleet.
    pub fleet_id: String,
    /// Opaque text about the player for the game server (`PlayerData`).
    pub player_data: Option<String>,
    /// Where the player connects: the game session's IP address.
    pub ip_address: String,
    /// Where the player connects: the game session's DNS name.
    pub dns_name: String,
    /// Where the player connects: the game session's port.
    pub port: Option<u16>,
    /// Where it is in its lifecycle.
    pub status: PlayerSessionStatus,
    /// When it was reserved (epoch ms).
    pub creation_time: Millis,
    /// When it ended (epoch ms); `None` while RESERVED or ACTIVE.
    pub termination_time: Option<Millis>,
    /// Creation order; pages of DescribePlayerSessions follow it.
    pub seq: u64,
}

/// One player to reserve a slot for.
#[derive(Debug, Clone, Default)]
pub struct NewPlayerSession {
    /// The player to reserve the slot for.
    pub player_id: String,
    /// Opaque text about the player, passed to the game server.
    pub player_data: Option<String>,
}

/// Which player sessions to describe: exactly one selector (sdk-wire-protocol.md §7.14).
#[derive(Debug, Clone, PartialEq)]
pub enum PlayerSessionsSelector {
    /// All player sessions of this game session (its id).
    GameSession(String),
    /// All player sessions of this player (their id).
    Player(String),
    /// The one player session with this id.
    PlayerSession(String),
}

/// A checked DescribePlayerSessions query: which sessions, which status, which page.
#[derive(Debug, Clone, PartialEq)]
pub struct DescribePlayerSessions {
    /// Whose player sessions.
    pub selector: PlayerSessionsSelector,
    /// Only sessions in this status (`PlayerSessionStatusFilter`); all when `None`.
    pub status: Option<PlayerSessionStatus>,
    /// At most this many per page (`Limit`, 50 when not given).
    pub limit: usize,
    /// Creation sequence number of the first session of the page.
    pub start: u64,
}

impl DescribePlayerSessions {
    pub(crate) const DEFAULT_LIMIT: usize = 50;

    /// Builds a query from the optional request fields, checking them as the service does:
    /// exactly one of the three ids, a known status, a positive limit, a token we made.
    pub fn from_parts(
        game_session_id: Option<String>,
        player_id: Option<String>,
        player_session_id: Option<String>,
        status_filter: Option<&str>,
        limit: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<Self, CoreError> {
        let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
        let selector = match (
            non_empty(game_session_id),
            non_empty(player_id),
            non_empty(player_session_id),
        ) {
            (Some(g), None, None) => PlayerSessionsSelector::GameSession(g),
            (None, Some(p), None) => PlayerSessionsSelector::Player(p),
            (None, None, Some(s)) => PlayerSessionsSelector::PlayerSession(s),
            _ => {
                return Err(CoreError::param(
                    "GameSessionId/PlayerId/PlayerSessionId",
                    "exactly one of them must be given",
                ))
            }
        };
        let status = match status_filter.filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(PlayerSessionStatus::parse(s).ok_or_else(|| {
                CoreError::param(
                    "PlayerSessionStatusFilter",
                    format!("'{s}' is not one of RESERVED, ACTIVE, COMPLETED, TIMEDOUT"),
                )
            })?),
        };
        let limit = match limit {
            None => Self::DEFAULT_LIMIT,
            Some(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
            Some(n) => return Err(CoreError::param("Limit", format!("{n} is below 1"))),
        };
        let start = match next_token.filter(|t| !t.is_empty()) {
            None => 0,
            Some(t) => t
                .strip_prefix("psn-")
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or_else(|| {
                    CoreError::param(
                        "NextToken",
                        format!("'{t}' is not a token this daemon made"),
                    )
                })?,
        };
        Ok(Self {
            selector,
            status,
            limit,
            start,
        })
    }
}

/// One page of DescribePlayerSessions' answer.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayerSessionPage {
    /// The sessions of this page, in creation order.
    pub player_sessions: Vec<PlayerSession>,
    /// Where the next page starts (`NextToken`); `None` on the last page.
    pub next_token: Option<String>,
}

/// Player sessions with the two lookups DescribePlayerSessions needs.
#[derive(Debug, Default)]
pub(super) struct Store {
    by_id: HashMap<String, PlayerSession>,
    /// Ids per game session / per player, in creation order.
    by_game_session: HashMap<String, Vec<String>>,
    by_player: HashMap<String, Vec<String>>,
}

impl Store {
    pub(super) fn get(&self, id: &str) -> Option<&PlayerSession> {
        self.by_id.get(id)
    }

    fn insert(&mut self, ps: PlayerSession) {
        self.by_game_session
            .entry(ps.game_session_id.clone())
            .or_default()
            .push(ps.id.clone());
        self.by_player
            .entry(ps.player_id.clone())
            .or_default()
            .push(ps.id.clone());
        self.by_id.insert(ps.id.clone(), ps);
    }

    pub(super) fn of_game_session(&self, id: &str) -> impl Iterator<Item = &PlayerSession> {
        self.by_game_session
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.by_id.get(id))
    }
}

/// CreatePlayerSessions accepts 1..25 players (service-api.md §9.2).
const MAX_PLAYERS_PER_CALL: usize = 25;

impl Core {
    /// Reserves slots for players in an ACTIVE game session that accepts new players
    /// (CreatePlayerSessions: 1..25 players a call).
    pub fn create_player_sessions(
        &mut self,
        now: Millis,
        game_session_id: &str,
        players: Vec<NewPlayerSession>,
    ) -> Result<Vec<PlayerSession>, CoreError> {
        validate_players(&players, MAX_PLAYERS_PER_CALL)?;
        self.reserve_player_sessions(now, game_session_id, players)
    }

    /// Reserves slots for the players of a match placed or backfilled into a game session:
    /// as [`Core::create_player_sessions`], without the API's 25-players-a-call limit, which
    /// is the CreatePlayerSessions operation's and not the matchmaker's (a large match holds
    /// up to 200 players, guide 002 line 196: "大型对战（41 至 200 名玩家）").
    pub(crate) fn create_matched_player_sessions(
        &mut self,
        now: Millis,
        game_session_id: &str,
        players: Vec<NewPlayerSession>,
    ) -> Result<Vec<PlayerSession>, CoreError> {
        validate_players(&players, usize::MAX)?;
        self.reserve_player_sessions(now, game_session_id, players)
    }

    fn reserve_player_sessions(
        &mut self,
        now: Millis,
        game_session_id: &str,
        players: Vec<NewPlayerSession>,
    ) -> Result<Vec<PlayerSession>, CoreError> {
        self.check_room_for(game_session_id, &players)?;
        let gs = &self.game_sessions[game_session_id];
        let (fleet_id, ip, dns, port) = (
            gs.fleet_id.clone(),
            gs.ip_address.clone(),
            gs.dns_name.clone(),
            gs.port,
        );
        let mut created = Vec::with_capacity(players.len());
        for np in players {
            let ps = PlayerSession {
                id: self.ids.player_session_id(),
                player_id: np.player_id,
                game_session_id: game_session_id.into(),
                fleet_id: fleet_id.clone(),
                player_data: np.player_data,
                ip_address: ip.clone(),
                dns_name: dns.clone(),
                port,
                status: PlayerSessionStatus::Reserved,
                creation_time: now,
                termination_time: None,
                seq: self.next_seq(),
            };
            self.timers.schedule(
                TimerKey::Reservation(ps.id.clone()),
                now + self.cfg.reservation_timeout_ms,
            );
            self.emit(Event::PlayerSessionReserved {
                player_session_id: ps.id.clone(),
                player_id: ps.player_id.clone(),
                game_session_id: game_session_id.into(),
            });
            self.player_sessions.insert(ps.clone());
            created.push(ps);
        }
        Ok(created)
    }

    /// Whether game session `game_session_id` takes these new players: ACTIVE, accepting
    /// player sessions, with enough free slots, and none of them already seated.
    fn check_room_for(
        &self,
        game_session_id: &str,
        players: &[NewPlayerSession],
    ) -> Result<(), CoreError> {
        let gs = self.game_sessions.get(game_session_id).ok_or_else(|| {
            CoreError::UnknownGameSession {
                id: game_session_id.into(),
            }
        })?;
        if gs.status != GameSessionStatus::Active {
            return Err(CoreError::GameSessionStatus {
                id: gs.id.to_string(),
                status: gs.status.as_str(),
                expected: "ACTIVE",
            });
        }
        if gs.player_session_creation_policy == PlayerSessionCreationPolicy::DenyAll {
            return Err(CoreError::PlayerSessionsDenied {
                id: gs.id.to_string(),
            });
        }
        let live: Vec<&PlayerSession> = self
            .player_sessions
            .of_game_session(game_session_id)
            .filter(|ps| ps.status.is_live())
            .collect();
        if live.len() + players.len() > gs.maximum_player_session_count as usize {
            return Err(CoreError::GameSessionFull {
                id: gs.id.to_string(),
                taken: live.len(),
                max: gs.maximum_player_session_count,
                asked: players.len(),
            });
        }
        for np in players {
            if let Some(ps) = live.iter().find(|ps| ps.player_id == np.player_id) {
                return Err(CoreError::param(
                    "PlayerIds",
                    format!(
                        "player '{}' already has player session '{}' ({}) in game session '{}'",
                        np.player_id,
                        ps.id,
                        ps.status.as_str(),
                        game_session_id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// AcceptPlayerSession from the hosting process: RESERVED → ACTIVE.
    pub fn accept_player_session(
        &mut self,
        _now: Millis,
        pid: &str,
        game_session_id: &str,
        player_session_id: &str,
    ) -> Result<(), CoreError> {
        let ps = self.hosted_player_session_mut(pid, game_session_id, player_session_id)?;
        if ps.status != PlayerSessionStatus::Reserved {
            return Err(CoreError::PlayerSessionStatus {
                id: ps.id.clone(),
                status: ps.status.as_str(),
                expected: "RESERVED",
            });
        }
        ps.status = PlayerSessionStatus::Active;
        self.timers
            .cancel(&TimerKey::Reservation(player_session_id.to_string()));
        self.emit(Event::PlayerSessionAccepted {
            player_session_id: player_session_id.into(),
        });
        Ok(())
    }

    /// RemovePlayerSession from the hosting process: the player left, the slot frees up.
    pub fn remove_player_session(
        &mut self,
        now: Millis,
        pid: &str,
        game_session_id: &str,
        player_session_id: &str,
    ) -> Result<(), CoreError> {
        let ps = self.hosted_player_session_mut(pid, game_session_id, player_session_id)?;
        if !ps.status.is_live() {
            return Err(CoreError::PlayerSessionStatus {
                id: ps.id.clone(),
                status: ps.status.as_str(),
                expected: "RESERVED or ACTIVE",
            });
        }
        ps.status = PlayerSessionStatus::Completed;
        ps.termination_time = Some(now);
        self.timers
            .cancel(&TimerKey::Reservation(player_session_id.to_string()));
        self.emit(Event::PlayerSessionEnded {
            player_session_id: player_session_id.into(),
            how: PlayerSessionEnd::Removed,
        });
        Ok(())
    }

    /// RESERVED and ACTIVE player sessions of a game session (CurrentPlayerSessionCount).
    pub fn current_player_session_count(&self, game_session_id: &str) -> usize {
        self.player_sessions
            .of_game_session(game_session_id)
            .filter(|ps| ps.status.is_live())
            .count()
    }

    /// DescribePlayerSessions: one page, in creation order.
    pub fn describe_player_sessions(
        &self,
        q: &DescribePlayerSessions,
    ) -> Result<PlayerSessionPage, CoreError> {
        let store = &self.player_sessions;
        let ids: Vec<&String> = match &q.selector {
            PlayerSessionsSelector::GameSession(id) => {
                if !self.game_sessions.contains_key(id.as_str()) {
                    return Err(CoreError::UnknownGameSession { id: id.clone() });
                }
                store
                    .by_game_session
                    .get(id)
                    .into_iter()
                    .flatten()
                    .collect()
            }
            PlayerSessionsSelector::Player(p) => {
                store.by_player.get(p).into_iter().flatten().collect()
            }
            PlayerSessionsSelector::PlayerSession(id) => {
                let (k, _) = store
                    .by_id
                    .get_key_value(id)
                    .ok_or_else(|| CoreError::UnknownPlayerSession { id: id.clone() })?;
                vec![k]
            }
        };
        let mut matching = ids
            .into_iter()
            .filter_map(|id| store.by_id.get(id))
            .filter(|ps| ps.seq >= q.start)
            .filter(|ps| q.status.is_none_or(|s| ps.status == s));
        let player_sessions: Vec<PlayerSession> =
            matching.by_ref().take(q.limit).cloned().collect();
        let next_token = matching.next().map(|ps| format!("psn-{}", ps.seq));
        Ok(PlayerSessionPage {
            player_sessions,
            next_token,
        })
    }

    // ---- internals ----------------------------------------------------------------------

    fn hosted_player_session_mut(
        &mut self,
        pid: &str,
        game_session_id: &str,
        player_session_id: &str,
    ) -> Result<&mut PlayerSession, CoreError> {
        self.active_process_mut(pid)?;
        let gs = self.hosted_game_session_mut(pid, game_session_id)?;
        if gs.status != GameSessionStatus::Active {
            return Err(CoreError::GameSessionStatus {
                id: gs.id.to_string(),
                status: gs.status.as_str(),
                expected: "ACTIVE",
            });
        }
        let ps = self
            .player_sessions
            .by_id
            .get_mut(player_session_id)
            .ok_or_else(|| CoreError::UnknownPlayerSession {
                id: player_session_id.into(),
            })?;
        if ps.game_session_id != game_session_id {
            return Err(CoreError::WrongGameSession {
                id: ps.id.clone(),
                actual: ps.game_session_id.clone(),
                requested: game_session_id.into(),
            });
        }
        Ok(ps)
    }

    pub(super) fn reservation_timed_out(&mut self, now: Millis, id: &str) {
        let Some(ps) = self.player_sessions.by_id.get_mut(id) else {
            return;
        };
        if ps.status != PlayerSessionStatus::Reserved {
            return;
        }
        ps.status = PlayerSessionStatus::Timedout;
        ps.termination_time = Some(now);
        self.emit(Event::PlayerSessionEnded {
            player_session_id: id.into(),
            how: PlayerSessionEnd::TimedOut,
        });
    }

    /// The game session ended: every player session still holding a slot is COMPLETED.
    pub(super) fn complete_player_sessions_of(&mut self, now: Millis, game_session_id: &str) {
        let ids = self
            .player_sessions
            .by_game_session
            .get(game_session_id)
            .cloned()
            .unwrap_or_default();
        for id in ids {
            let Some(ps) = self.player_sessions.by_id.get_mut(&id) else {
                continue;
            };
            if !ps.status.is_live() {
                continue;
            }
            ps.status = PlayerSessionStatus::Completed;
            ps.termination_time = Some(now);
            self.timers.cancel(&TimerKey::Reservation(id.clone()));
            self.emit(Event::PlayerSessionEnded {
                player_session_id: id,
                how: PlayerSessionEnd::GameSessionEnded,
            });
        }
    }

    pub(super) fn forget_player_sessions_of(&mut self, game_session_id: &str) {
        let store = &mut self.player_sessions;
        for id in store
            .by_game_session
            .remove(game_session_id)
            .unwrap_or_default()
        {
            if let Some(ps) = store.by_id.remove(&id) {
                if let Some(list) = store.by_player.get_mut(&ps.player_id) {
                    list.retain(|x| *x != id);
                    if list.is_empty() {
                        store.by_player.remove(&ps.player_id);
                    }
                }
            }
        }
    }
}

fn validate_players(players: &[NewPlayerSession], max: usize) -> Result<(), CoreError> {
    if players.is_empty() || players.len() > max {
        return Err(CoreError::param(
            "PlayerIds",
            format!("{} players given, 1..{max} allowed", players.len()),
        ));
    }
    for (i, p) in players.iter().enumerate() {
        let n = p.player_id.chars().count();
        if n == 0 || n > 1024 {
            return Err(CoreError::param(
                "PlayerIds",
                format!("[{i}] must be 1..1024 characters, got {n}"),
            ));
        }
        if players[..i].iter().any(|q| q.player_id == p.player_id) {
            return Err(CoreError::param(
                "PlayerIds",
                format!("[{i}] '{}' is given twice", p.player_id),
            ));
        }
        if let Some(d) = &p.player_data {
            let n = d.chars().count();
            if n == 0 || n > 2048 {
                return Err(CoreError::param(
                    "PlayerData",
                    format!(
                        "for player '{}' must be 1..2048 characters, got {n}",
                        p.player_id
                    ),
                ));
            }
        }
    }
    Ok(())
}
