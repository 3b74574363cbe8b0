/*
 * Sample game server in C: the whole life of a server process against `playfield serve` (or
 * the real service), through include/playfield.h. It does what samples/rust does:
 *
 *  1. connect (playfield_init) with the GAMELIFT_SDK_* environment;
 *  2. process ready on the port given with --port (the daemon's launcher passes each process
 *     its own, `--port {port}`), taking events from the SDK's queue on this (the game's)
 *     thread; it waits for a game session as long as it takes;
 *  3. for the game session: print the matchmaker data, activate, accept the reserved player
 *     sessions, let one player leave and ask FlexMatch for a replacement (backfill), and
 *     react to the game session update that follows;
 *  4. when the match is over, or when told to end (TerminateProcess, Ctrl-C, SIGTERM):
 *     process ending, destroy, exit 0.
 *
 * One game session per process, as server SDK 5 has it: a game session ends when its process
 * calls ProcessEnding, and the fleet (the daemon's launcher, a managed fleet) starts a fresh
 * process, on the same port, for the next one.
 *
 *   GAMELIFT_SDK_WEBSOCKET_URL=ws://127.0.0.1:9081 GAMELIFT_SDK_AUTH_TOKEN=dev \
 *   GAMELIFT_SDK_FLEET_ID=fleet-1 GAMELIFT_SDK_HOST_ID=local \
 *   GAMELIFT_SDK_PROCESS_ID=ManagedResource ./sample_server_c --port 7777 --session-seconds 5
 *
 * --player-latency-ms (50 by default) is the latency the backfill request reports for each
 * player still in the game: a rule set with a latency rule refuses a backfill whose players
 * report none. A real server measures its players; this sample has none to measure.
 *
 * The match "plays" until a game session update arrives (the backfill's outcome) or
 * session-seconds pass, whichever is first. Every line it prints starts with a fixed word so
 * tests can follow it.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep, sigaction */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "playfield.h"

#define MAX_PLAYERS 64

typedef struct Player {
    char *player_id;
    char *player_session_id;
} Player;

/* Set by SIGINT / SIGTERM; the game loop checks it at every tick. */
static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig) { stop_signal = sig; }

static void report(const char *what, PlayfieldError *err) {
    printf("error: %s: %s (code %d)\n", what, err->message ? err->message : "", (int)err->code);
    playfield_error_free(err);
}

static char *copy(const char *s) {
    size_t n = strlen(s) + 1;
    char *out = malloc(n);
    if (out) memcpy(out, s, n);
    return out;
}

static double now_seconds(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *reason_name(int32_t reason) {
    switch (reason) {
    case PLAYFIELD_UPDATE_REASON_MATCHMAKING_DATA_UPDATED: return "MATCHMAKING_DATA_UPDATED";
    case PLAYFIELD_UPDATE_REASON_BACKFILL_FAILED: return "BACKFILL_FAILED";
    case PLAYFIELD_UPDATE_REASON_BACKFILL_TIMED_OUT: return "BACKFILL_TIMED_OUT";
    case PLAYFIELD_UPDATE_REASON_BACKFILL_CANCELLED: return "BACKFILL_CANCELLED";
    default: return "UNKNOWN";
    }
}

static void print_attribute(const PlayfieldAttribute *a) {
    printf(" %s=", a->name);
    switch (a->value_type) {
    case PLAYFIELD_ATTRIBUTE_STRING: printf("\"%s\"", a->string_value); break;
    case PLAYFIELD_ATTRIBUTE_DOUBLE: printf("%g", a->double_value); break;
    case PLAYFIELD_ATTRIBUTE_STRING_LIST:
        printf("[");
        for (size_t i = 0; i < a->string_list_count; i++)
            printf("%s\"%s\"", i ? "," : "", a->string_list[i]);
        printf("]");
        break;
    case PLAYFIELD_ATTRIBUTE_STRING_DOUBLE_MAP:
        printf("{");
        for (size_t i = 0; i < a->string_double_map_count; i++)
            printf("%s\"%s\":%g", i ? "," : "", a->string_double_map[i].key,
                   a->string_double_map[i].value);
        printf("}");
        break;
    default: printf("none"); break;
    }
}

static size_t print_matchmaker_data(const PlayfieldGameSession *gs) {
    size_t players = 0;
    if (gs->matchmaker_data_json[0] == '\0') {
        printf("matchmaker: none (not a FlexMatch game session)\n");
        return 0;
    }
    printf("matchmaker json: %s\n", gs->matchmaker_data_json);
    const PlayfieldMatchmakerData *md = gs->matchmaker_data;
    if (!md) {
        /* The struct is NULL when the JSON does not parse: ask the parser why. */
        PlayfieldError err = {0};
        PlayfieldMatchmakerData *parsed = playfield_matchmaker_data_parse(gs->matchmaker_data_json, &err);
        if (!parsed) report("matchmaker data", &err);
        playfield_matchmaker_data_free(parsed);
        return 0;
    }
    printf("matchmaker: match %s configuration %s\n", md->match_id, md->matchmaking_configuration_arn);
    for (size_t t = 0; t < md->team_count; t++) {
        const PlayfieldMatchedTeam *team = &md->teams[t];
        for (size_t p = 0; p < team->player_count; p++) {
            const PlayfieldMatchedPlayer *player = &team->players[p];
            printf("matched player: team %s player %s", team->name, player->player_id);
            for (size_t a = 0; a < player->attribute_count; a++) print_attribute(&player->attributes[a]);
            printf("\n");
            players++;
        }
    }
    return players;
}

/* Waits (up to `seconds`) until `expected` player sessions are reserved, then accepts them. */
static size_t accept_players(PlayfieldSdk sdk, const char *game_session_id, size_t expected,
                             double seconds, Player *players) {
    PlayfieldError err = {0};
    PlayfieldDescribePlayerSessionsRequest req = {0};
    req.game_session_id = game_session_id;
    req.player_session_status_filter = PLAYFIELD_PLAYER_SESSION_STATUS_RESERVED;
    double deadline = now_seconds() + seconds;
    PlayfieldDescribePlayerSessionsResult *page = NULL;
    printf("waiting for %zu player(s)\n", expected);
    for (;;) {
        page = playfield_describe_player_sessions(sdk, &req, &err);
        if (!page) {
            report("describe_player_sessions", &err);
            return 0;
        }
        if (page->player_session_count >= expected || now_seconds() > deadline || stop_signal) break;
        playfield_describe_player_sessions_result_free(page);
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    size_t count = 0;
    for (size_t i = 0; i < page->player_session_count && count < MAX_PLAYERS; i++) {
        const PlayfieldPlayerSession *ps = &page->player_sessions[i];
        if (playfield_accept_player_session(sdk, ps->player_session_id, &err)) {
            printf("player accepted: %s %s\n", ps->player_id, ps->player_session_id);
            players[count].player_id = copy(ps->player_id);
            players[count].player_session_id = copy(ps->player_session_id);
            count++;
        } else {
            report("accept_player_session", &err);
        }
    }
    playfield_describe_player_sessions_result_free(page);
    return count;
}

static void remove_player(PlayfieldSdk sdk, Player *player) {
    PlayfieldError err = {0};
    if (playfield_remove_player_session(sdk, player->player_session_id, &err))
        printf("player left: %s\n", player->player_id);
    else
        report("remove_player_session", &err);
    free(player->player_id);
    free(player->player_session_id);
}

/* The region of an ARN (arn:aws:gamelift:<region>::gamesession/...) into `out`; "" when
 * `arn` is not one. */
static void arn_region(const char *arn, char *out, size_t size) {
    out[0] = '\0';
    const char *start = arn;
    for (int field = 0; field < 3 && start; field++) {
        start = strchr(start, ':');
        if (start) start++;
    }
    const char *end = start ? strchr(start, ':') : NULL;
    if (end && (size_t)(end - start) < size) {
        memcpy(out, start, (size_t)(end - start));
        out[end - start] = '\0';
    }
}

/* Asks FlexMatch for a replacement for `left`, sending every matched player still here with
 * their team and attributes (passed straight from the matchmaker data) and their latency.
 * Returns the ticket (free it with playfield_string_free) or NULL. */
static char *request_backfill(PlayfieldSdk sdk, const PlayfieldGameSession *gs, const char *left,
                              int32_t latency_ms) {
    const PlayfieldMatchmakerData *md = gs->matchmaker_data;
    if (!md || md->matchmaking_configuration_arn[0] == '\0') {
        printf("backfill: not a FlexMatch game session, nothing to request\n");
        return NULL;
    }
    /* Guide 002 line 2389: a backfill gives each player's latency only for the region the
     * game session is in, read from its ARN. The matchmaker data carries no latencies; a real
     * server would report what it measured for each player, this one reports latency_ms for
     * every player. */
    char region[64];
    arn_region(gs->game_session_id, region, sizeof region);
    PlayfieldLatency latency = {region, latency_ms};
    PlayfieldPlayer players[MAX_PLAYERS];
    size_t count = 0;
    for (size_t t = 0; t < md->team_count; t++) {
        for (size_t p = 0; p < md->teams[t].player_count && count < MAX_PLAYERS; p++) {
            const PlayfieldMatchedPlayer *mp = &md->teams[t].players[p];
            if (strcmp(mp->player_id, left) == 0) continue;
            PlayfieldPlayer *out = &players[count++];
            memset(out, 0, sizeof *out);
            out->player_id = mp->player_id;
            out->team = md->teams[t].name;
            out->attributes = mp->attributes;
            out->attribute_count = mp->attribute_count;
            if (region[0] != '\0') {
                out->latencies = &latency;
                out->latency_count = 1;
            }
        }
    }
    if (count == 0) {
        printf("backfill: nobody left to backfill around\n");
        return NULL;
    }
    PlayfieldStartMatchBackfillRequest req = {0};
    req.game_session_arn = gs->game_session_id;
    req.matchmaking_configuration_arn = md->matchmaking_configuration_arn;
    req.players = players;
    req.player_count = count;
    printf("backfill: requesting a replacement for %s (%zu players stay)\n", left, count);
    PlayfieldError err = {0};
    char *ticket = playfield_start_match_backfill(sdk, &req, &err);
    if (ticket) {
        printf("backfill requested: ticket %s\n", ticket);
    } else {
        printf("backfill request failed: %s\n", err.message);
        playfield_error_free(&err);
    }
    return ticket;
}

static void print_update(const PlayfieldEvent *ev) {
    const PlayfieldMatchmakerData *md = ev->game_session.matchmaker_data;
    size_t players = 0;
    if (md)
        for (size_t t = 0; t < md->team_count; t++) players += md->teams[t].player_count;
    printf("game session updated: reason %s ticket '%s' players %zu\n", reason_name(ev->update_reason),
           ev->backfill_ticket_id, players);
}

/* Hosts one game session, until it is over or the process is told to end. */
static void host(PlayfieldSdk sdk, const PlayfieldGameSession *gs, double session_seconds,
                 int32_t latency_ms) {
    PlayfieldError err = {0};
    printf("game session started: %s name '%s' max players %d\n", gs->game_session_id, gs->name,
           (int)gs->maximum_player_session_count);
    for (size_t i = 0; i < gs->game_property_count; i++)
        printf("game property: %s=%s\n", gs->game_properties[i].key, gs->game_properties[i].value);
    size_t matched = print_matchmaker_data(gs);
    if (!playfield_activate_game_session(sdk, &err)) {
        report("activate_game_session", &err);
        return;
    }
    printf("game session active\n");

    Player players[MAX_PLAYERS];
    size_t count = accept_players(sdk, gs->game_session_id, matched ? matched : 1, 10.0, players);

    int terminated = 0;
    char *ticket = NULL;
    if (count > 0) {
        Player *left = &players[--count];
        char *left_id = copy(left->player_id);
        remove_player(sdk, left);
        ticket = request_backfill(sdk, gs, left_id, latency_ms);
        free(left_id);
    }

    printf("playing\n");
    double deadline = now_seconds() + session_seconds;
    int updated = 0;
    while (!updated && !terminated && !stop_signal && now_seconds() < deadline) {
        PlayfieldEvent *ev = playfield_next_event(sdk, 100, &err);
        if (!ev) {
            if (err.code != PLAYFIELD_OK) report("next_event", &err);
            continue;
        }
        if (ev->kind == PLAYFIELD_EVENT_UPDATE_GAME_SESSION) {
            print_update(ev);
            updated = 1;
            if (ticket && strcmp(ticket, ev->backfill_ticket_id) == 0) {
                playfield_string_free(ticket);
                ticket = NULL;
            }
        } else if (ev->kind == PLAYFIELD_EVENT_PROCESS_TERMINATE) {
            printf("terminate: at %lld\n", (long long)ev->termination_time);
            terminated = 1;
        } else {
            printf("ignored: a second game session while hosting one\n");
        }
        playfield_event_free(ev);
    }
    if (ticket) {
        /* The backfill did not end on its own: stop it. */
        const PlayfieldMatchmakerData *md = gs->matchmaker_data;
        if (playfield_stop_match_backfill(sdk, ticket, gs->game_session_id,
                                          md->matchmaking_configuration_arn, &err))
            printf("backfill stopped: %s\n", ticket);
        else
            report("stop_match_backfill", &err);
        playfield_string_free(ticket);
    }
    while (count > 0) remove_player(sdk, &players[--count]);
    printf("game session over\n");
}

static bool healthy(void *user_data) {
    (void)user_data;
    return true;
}

static int usage(const char *program) {
    fprintf(stderr, "usage: %s [--port N] [--session-seconds S] [--player-latency-ms MS]\n", program);
    return 2;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int port = 7777;
    double session_seconds = 5.0;
    int latency_ms = 50;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = atoi(argv[++i]);
        else if (strcmp(argv[i], "--session-seconds") == 0 && i + 1 < argc)
            session_seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--player-latency-ms") == 0 && i + 1 < argc)
            latency_ms = atoi(argv[++i]);
        else
            return usage(argv[0]);
    }
    if (port < 1 || port > 65535) {
        fprintf(stderr, "--port: not a port number (1 to 65535)\n");
        return usage(argv[0]);
    }
    if (latency_ms < 0) {
        fprintf(stderr, "--player-latency-ms: not a number of milliseconds (0 or more)\n");
        return usage(argv[0]);
    }
    PlayfieldError err = {0};

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    printf("sample server (C): library %s, server SDK %s\n", playfield_sdk_version(),
           playfield_server_sdk_version());
    PlayfieldSdk sdk = playfield_sdk_new(&err);
    if (!sdk) {
        report("sdk_new", &err);
        return 1;
    }
    if (!playfield_init(sdk, NULL, &err)) {
        report("init", &err);
        playfield_sdk_free(sdk, NULL);
        return 1;
    }
    printf("connected\n");

    const char *log_paths[] = {"logs/sample-server-c.log"};
    PlayfieldProcessParameters params = {0};
    params.port = port;
    params.log_paths = log_paths;
    params.log_path_count = 1;
    params.delivery = PLAYFIELD_DELIVERY_QUEUE;
    params.on_health_check = healthy;
    if (!playfield_process_ready(sdk, &params, &err)) {
        report("process_ready", &err);
        playfield_destroy(sdk, NULL);
        playfield_sdk_free(sdk, NULL);
        return 1;
    }
    printf("process ready on port %d; waiting for a game session\n", port);

    int done = 0;
    while (!done && !stop_signal) {
        PlayfieldEvent *ev = playfield_next_event(sdk, 200, &err);
        if (!ev) {
            if (err.code != PLAYFIELD_OK) {
                report("next_event", &err);
                break;
            }
            continue;
        }
        switch (ev->kind) {
        case PLAYFIELD_EVENT_START_GAME_SESSION:
            host(sdk, &ev->game_session, session_seconds, latency_ms);
            done = 1; /* the next game session goes to a fresh process */
            break;
        case PLAYFIELD_EVENT_UPDATE_GAME_SESSION: print_update(ev); break;
        case PLAYFIELD_EVENT_PROCESS_TERMINATE:
            printf("terminate: at %lld\n", (long long)ev->termination_time);
            done = 1;
            break;
        }
        playfield_event_free(ev);
    }
    if (stop_signal) printf("terminate: signal %d\n", (int)stop_signal);

    if (!playfield_process_ending(sdk, &err)) report("process_ending", &err);
    int status = 0;
    if (!playfield_destroy(sdk, &err)) {
        report("destroy", &err);
        status = 1;
    }
    playfield_sdk_free(sdk, NULL);
    printf("bye\n");
    return status;
}
