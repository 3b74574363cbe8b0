// Sample game server in C++17 over the RAII wrapper (playfield.hpp), in callbacks mode: the
// SDK calls our handlers on its callback thread, and the main thread (the "game thread")
// waits for what they report. It does what samples/rust and samples/c do:
//
//  1. connect with the GAMELIFT_SDK_* environment; process ready with callbacks, on the port
//     given with --port (the daemon's launcher passes each process its own, `--port {port}`);
//     then wait for a game session as long as it takes;
//  2. onStartGameSession: print the game session and its matchmaker data, activate it (from
//     the callback, as the official SDKs' samples do) and hand it to the game thread;
//  3. game thread: accept the reserved player sessions, let one player leave and request a
//     backfill for the slot, then play until onUpdateGameSession reports the outcome (or
//     session-seconds pass);
//  4. when the match is over, or when told to end (onProcessTerminate, Ctrl-C, SIGTERM):
//     remove the remaining players, process ending, destroy, exit 0.
//
// One game session per process, as server SDK 5 has it: a game session ends when its process
// calls ProcessEnding, and the fleet (the daemon's launcher, a managed fleet) starts a fresh
// process, on the same port, for the next one.
//
//   GAMELIFT_SDK_WEBSOCKET_URL=ws://127.0.0.1:9081 GAMELIFT_SDK_AUTH_TOKEN=dev
//   GAMELIFT_SDK_FLEET_ID=fleet-1 GAMELIFT_SDK_HOST_ID=local
//   GAMELIFT_SDK_PROCESS_ID=ManagedResource ./sample_server_cpp --port 7777 --session-seconds 5
//   (the variables in the environment of the command)
//
// --player-latency-ms (50 by default) is the latency the backfill request reports for each
// player still in the game: a rule set with a latency rule refuses a backfill whose players
// report none. A real server measures its players; this sample has none to measure.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "playfield.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Set by SIGINT / SIGTERM. A signal handler cannot wake a condition variable, so the game
// thread checks it at every tick.
volatile std::sig_atomic_t stop_signal = 0;

extern "C" void on_signal(int sig) { stop_signal = sig; }

constexpr auto tick = std::chrono::milliseconds(200);

// What the callbacks tell the game thread.
struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    bool started = false;
    bool activated = false;
    std::string game_session_id;
    std::string matchmaker_json;
    bool updated = false;
    bool terminated = false;

    // Waits until `done()` holds, a signal asks us to stop, or `deadline` passes.
    template <class Done>
    void wait_until(std::unique_lock<std::mutex>& lock, Clock::time_point deadline, Done done) {
        while (!done() && !stop_signal && Clock::now() < deadline)
            changed.wait_until(lock, std::min(deadline, Clock::now() + tick));
    }
};

const char* reason_name(int32_t reason) {
    switch (reason) {
    case PLAYFIELD_UPDATE_REASON_MATCHMAKING_DATA_UPDATED: return "MATCHMAKING_DATA_UPDATED";
    case PLAYFIELD_UPDATE_REASON_BACKFILL_FAILED: return "BACKFILL_FAILED";
    case PLAYFIELD_UPDATE_REASON_BACKFILL_TIMED_OUT: return "BACKFILL_TIMED_OUT";
    case PLAYFIELD_UPDATE_REASON_BACKFILL_CANCELLED: return "BACKFILL_CANCELLED";
    default: return "UNKNOWN";
    }
}

std::string attribute_text(const PlayfieldAttribute& a) {
    char buf[64];
    std::string out = std::string(" ") + a.name + "=";
    switch (a.value_type) {
    case PLAYFIELD_ATTRIBUTE_STRING: out += std::string("\"") + a.string_value + "\""; break;
    case PLAYFIELD_ATTRIBUTE_DOUBLE:
        std::snprintf(buf, sizeof buf, "%g", a.double_value);
        out += buf;
        break;
    case PLAYFIELD_ATTRIBUTE_STRING_LIST:
        out += "[";
        for (size_t i = 0; i < a.string_list_count; i++)
            out += std::string(i ? "," : "") + "\"" + a.string_list[i] + "\"";
        out += "]";
        break;
    case PLAYFIELD_ATTRIBUTE_STRING_DOUBLE_MAP:
        out += "{";
        for (size_t i = 0; i < a.string_double_map_count; i++) {
            std::snprintf(buf, sizeof buf, "%g", a.string_double_map[i].value);
            out += std::string(i ? "," : "") + "\"" + a.string_double_map[i].key + "\":" + buf;
        }
        out += "}";
        break;
    default: out += "none"; break;
    }
    return out;
}

size_t player_count(const PlayfieldMatchmakerData* md) {
    size_t n = 0;
    if (md)
        for (size_t t = 0; t < md->team_count; t++) n += md->teams[t].player_count;
    return n;
}

void print_matchmaker_data(const PlayfieldGameSession& gs) {
    if (gs.matchmaker_data_json[0] == '\0') {
        std::printf("matchmaker: none (not a FlexMatch game session)\n");
        return;
    }
    std::printf("matchmaker json: %s\n", gs.matchmaker_data_json);
    const PlayfieldMatchmakerData* md = gs.matchmaker_data;
    if (!md) {
        auto parsed = playfield::parse_matchmaker_data(gs.matchmaker_data_json);
        std::printf("matchmaker: does not parse: %s\n", parsed.status.message.c_str());
        return;
    }
    std::printf("matchmaker: match %s configuration %s\n", md->match_id, md->matchmaking_configuration_arn);
    for (size_t t = 0; t < md->team_count; t++) {
        const PlayfieldMatchedTeam& team = md->teams[t];
        for (size_t p = 0; p < team.player_count; p++) {
            const PlayfieldMatchedPlayer& player = team.players[p];
            std::string attrs;
            for (size_t a = 0; a < player.attribute_count; a++) attrs += attribute_text(player.attributes[a]);
            std::printf("matched player: team %s player %s%s\n", team.name, player.player_id, attrs.c_str());
        }
    }
}

struct Player {
    std::string player_id;
    std::string player_session_id;
};

// Waits (up to `wait`) for `expected` reserved player sessions, then accepts them.
std::vector<Player> accept_players(playfield::Sdk& sdk, const std::string& game_session_id, size_t expected,
                                   std::chrono::seconds wait) {
    std::vector<Player> players;
    PlayfieldDescribePlayerSessionsRequest req{};
    req.game_session_id = game_session_id.c_str();
    req.player_session_status_filter = PLAYFIELD_PLAYER_SESSION_STATUS_RESERVED;
    std::printf("waiting for %zu player(s)\n", expected);
    const auto deadline = Clock::now() + wait;
    playfield::Result<playfield::PlayerSessions> page;
    for (;;) {
        page = sdk.describe_player_sessions(req);
        if (!page.ok()) {
            std::printf("error: describe_player_sessions: %s\n", page.status.message.c_str());
            return players;
        }
        if ((*page.value)->player_session_count >= expected || Clock::now() > deadline || stop_signal) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const PlayfieldDescribePlayerSessionsResult& result = **page.value;
    for (size_t i = 0; i < result.player_session_count; i++) {
        const PlayfieldPlayerSession& ps = result.player_sessions[i];
        if (auto s = sdk.accept_player_session(ps.player_session_id)) {
            std::printf("player accepted: %s %s\n", ps.player_id, ps.player_session_id);
            players.push_back({ps.player_id, ps.player_session_id});
        } else {
            std::printf("error: accept_player_session: %s\n", s.message.c_str());
        }
    }
    return players;
}

void remove_player(playfield::Sdk& sdk, const Player& player) {
    if (auto s = sdk.remove_player_session(player.player_session_id))
        std::printf("player left: %s\n", player.player_id.c_str());
    else
        std::printf("error: remove_player_session: %s\n", s.message.c_str());
}

// The region of an ARN (arn:aws:gamelift:<region>::gamesession/...); "" when it is not one.
std::string arn_region(const std::string& arn) {
    size_t start = 0;
    for (int field = 0; field < 3 && start != std::string::npos; field++) {
        start = arn.find(':', start);
        if (start != std::string::npos) start++;
    }
    const size_t end = start == std::string::npos ? start : arn.find(':', start);
    return end == std::string::npos ? "" : arn.substr(start, end - start);
}

// Requests a replacement for `left`, sending every matched player still here with their team
// and attributes (straight from the matchmaker data) and their latency; returns the ticket ID,
// or "" when there is none.
std::string request_backfill(playfield::Sdk& sdk, const std::string& game_session_id,
                             const PlayfieldMatchmakerData* md, const std::string& left, int32_t latency_ms) {
    if (!md || md->matchmaking_configuration_arn[0] == '\0') {
        std::printf("backfill: not a FlexMatch game session, nothing to request\n");
        return "";
    }
    // Guide 002 line 2389: a backfill gives each player's latency only for the region the game
    // session is in, read from its ARN. The matchmaker data carries no latencies; a real server
    // would report what it measured for each player, this one reports latency_ms for every one.
    const std::string region = arn_region(game_session_id);
    const PlayfieldLatency latency{region.c_str(), latency_ms};
    std::vector<PlayfieldPlayer> players;
    for (size_t t = 0; t < md->team_count; t++) {
        for (size_t p = 0; p < md->teams[t].player_count; p++) {
            const PlayfieldMatchedPlayer& mp = md->teams[t].players[p];
            if (left == mp.player_id) continue;
            PlayfieldPlayer out{};
            out.player_id = mp.player_id;
            out.team = md->teams[t].name;
            out.attributes = mp.attributes;
            out.attribute_count = mp.attribute_count;
            if (!region.empty()) {
                out.latencies = &latency;
                out.latency_count = 1;
            }
            players.push_back(out);
        }
    }
    if (players.empty()) {
        std::printf("backfill: nobody left to backfill around\n");
        return "";
    }
    PlayfieldStartMatchBackfillRequest req{};
    req.game_session_arn = game_session_id.c_str();
    req.matchmaking_configuration_arn = md->matchmaking_configuration_arn;
    req.players = players.data();
    req.player_count = players.size();
    std::printf("backfill: requesting a replacement for %s (%zu players stay)\n", left.c_str(), players.size());
    auto ticket = sdk.start_match_backfill(req);
    if (!ticket.ok()) {
        std::printf("backfill request failed: %s\n", ticket.status.message.c_str());
        return "";
    }
    std::printf("backfill requested: ticket %s\n", ticket.value->c_str());
    return *ticket.value;
}

}  // namespace

int usage(const char* program) {
    std::fprintf(stderr, "usage: %s [--port N] [--session-seconds S] [--player-latency-ms MS]\n", program);
    return 2;
}

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    int port = 7777;
    std::chrono::duration<double> session_time(5.0);
    int latency_ms = 50;
    for (int i = 1; i < argc; i++) {
        const std::string arg = argv[i];
        if (arg == "--port" && i + 1 < argc)
            port = std::atoi(argv[++i]);
        else if (arg == "--session-seconds" && i + 1 < argc)
            session_time = std::chrono::duration<double>(std::atof(argv[++i]));
        else if (arg == "--player-latency-ms" && i + 1 < argc)
            latency_ms = std::atoi(argv[++i]);
        else
            return usage(argv[0]);
    }
    if (port < 1 || port > 65535) {
        std::fprintf(stderr, "--port: not a port number (1 to 65535)\n");
        return usage(argv[0]);
    }
    if (latency_ms < 0) {
        std::fprintf(stderr, "--player-latency-ms: not a number of milliseconds (0 or more)\n");
        return usage(argv[0]);
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);

    std::printf("sample server (C++): library %s, server SDK %s\n", playfield_sdk_version(),
                playfield_server_sdk_version());
    playfield::Sdk sdk;
    if (!sdk.ok()) {
        std::printf("error: sdk: %s\n", sdk.status().message.c_str());
        return 1;
    }
    if (auto s = sdk.init_from_environment(); !s) {
        std::printf("error: init: %s\n", s.message.c_str());
        return 1;
    }
    std::printf("connected\n");

    Shared shared;
    playfield::Callbacks callbacks;
    callbacks.on_start_game_session = [&](const PlayfieldGameSession& gs) {
        std::printf("game session started: %s name '%s' max players %d\n", gs.game_session_id, gs.name,
                    static_cast<int>(gs.maximum_player_session_count));
        print_matchmaker_data(gs);
        auto status = sdk.activate_game_session();
        if (status)
            std::printf("game session active\n");
        else
            std::printf("error: activate_game_session: %s\n", status.message.c_str());
        std::lock_guard<std::mutex> lock(shared.mutex);
        shared.started = true;
        shared.activated = status.ok();
        shared.game_session_id = gs.game_session_id;
        shared.matchmaker_json = gs.matchmaker_data_json;  // copied: gs dies with the call
        shared.changed.notify_all();
    };
    callbacks.on_update_game_session = [&](const PlayfieldUpdateGameSession& u) {
        std::printf("game session updated: reason %s ticket '%s' players %zu\n", reason_name(u.update_reason),
                    u.backfill_ticket_id, player_count(u.game_session.matchmaker_data));
        std::lock_guard<std::mutex> lock(shared.mutex);
        shared.updated = true;
        shared.changed.notify_all();
    };
    callbacks.on_process_terminate = [&] {
        auto t = sdk.termination_time();
        std::printf("terminate: at %lld\n", static_cast<long long>(t.value.value_or(0)));
        std::lock_guard<std::mutex> lock(shared.mutex);
        shared.terminated = true;
        shared.changed.notify_all();
    };
    callbacks.on_health_check = [] { return true; };
    if (auto s = sdk.process_ready(port, {"logs/sample-server-cpp.log"}, std::move(callbacks)); !s) {
        std::printf("error: process_ready: %s\n", s.message.c_str());
        return 1;
    }
    std::printf("process ready on port %d; waiting for a game session\n", port);

    // The game thread: wait for the game session (or the end), as long as it takes.
    std::unique_lock<std::mutex> lock(shared.mutex);
    shared.wait_until(lock, Clock::time_point::max(), [&] { return shared.started || shared.terminated; });
    const bool host = shared.activated && !shared.terminated && !stop_signal;
    const std::string game_session_id = shared.game_session_id;
    const std::string matchmaker_json = shared.matchmaker_json;
    lock.unlock();

    if (host) {
        // Our own copy of the matchmaker data, owned by this thread.
        auto parsed = playfield::parse_matchmaker_data(matchmaker_json);
        const PlayfieldMatchmakerData* md = parsed.ok() ? parsed.value->get() : nullptr;
        size_t expected = player_count(md);
        auto players = accept_players(sdk, game_session_id, expected ? expected : 1, std::chrono::seconds(10));

        std::string ticket;
        if (!players.empty()) {
            Player left = players.back();
            players.pop_back();
            remove_player(sdk, left);
            ticket = request_backfill(sdk, game_session_id, md, left.player_id, latency_ms);
        }

        std::printf("playing\n");
        lock.lock();
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(session_time);
        shared.wait_until(lock, deadline, [&] { return shared.updated || shared.terminated; });
        const bool ended = shared.updated || shared.terminated;
        lock.unlock();
        if (!ended && !ticket.empty()) {
            if (auto s = sdk.stop_match_backfill(ticket, game_session_id, md->matchmaking_configuration_arn))
                std::printf("backfill stopped: %s\n", ticket.c_str());
            else
                std::printf("error: stop_match_backfill: %s\n", s.message.c_str());
        }
        for (auto it = players.rbegin(); it != players.rend(); ++it) remove_player(sdk, *it);
        std::printf("game session over\n");
    }
    if (stop_signal) std::printf("terminate: signal %d\n", static_cast<int>(stop_signal));

    if (auto s = sdk.process_ending(); !s) std::printf("error: process_ending: %s\n", s.message.c_str());
    int status = 0;
    if (auto s = sdk.destroy(); !s) {
        std::printf("error: destroy: %s\n", s.message.c_str());
        status = 1;
    }
    std::printf("bye\n");
    return status;
}
