// playfield.hpp: a small C++17 RAII wrapper over playfield.h, of the kind an Unreal module
// (or any C++ engine integration) would hold. Header-only; no exceptions are thrown (Unreal
// builds without them): calls return a Status or a Result<T>.
//
// Ownership: every object that wraps something the library allocated frees it in its
// destructor (Sdk -> playfield_sdk_free, Event -> playfield_event_free, ...). Strings the
// library returns are copied into std::string and freed at once.
//
// Threads: with callbacks, the std::function objects run on the SDK callback thread (health
// checks on an SDK worker thread). They must not throw: the trampolines are noexcept, so an
// exception ends the program (it must never unwind into the library). Sdk's destructor
// waits for running callbacks, and none runs after it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "playfield.h"

namespace playfield {

// The outcome of a call: code PLAYFIELD_OK or one of PLAYFIELD_ERROR_*, and a message.
struct Status {
    int32_t code = PLAYFIELD_OK;
    std::string message;
    bool ok() const { return code == PLAYFIELD_OK; }
    explicit operator bool() const { return ok(); }
};

template <class T>
struct Result {
    std::optional<T> value;
    Status status;
    bool ok() const { return status.ok() && value.has_value(); }
};

namespace detail {
// A PlayfieldError out-parameter that frees its message when it goes out of scope.
class ErrorSlot {
  public:
    ErrorSlot() = default;
    ErrorSlot(const ErrorSlot&) = delete;
    ErrorSlot& operator=(const ErrorSlot&) = delete;
    ~ErrorSlot() { playfield_error_free(&err_); }
    PlayfieldError* get() { return &err_; }
    Status status() const {
        Status s;
        s.code = err_.code;
        if (err_.message) s.message = err_.message;
        return s;
    }

  private:
    PlayfieldError err_{PLAYFIELD_OK, nullptr};
};

// Takes a string the library returned: copies it, frees it.
inline std::optional<std::string> take(char* s) {
    if (!s) return std::nullopt;
    std::string out(s);
    playfield_string_free(s);
    return out;
}

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
}  // namespace detail

// An event from the queue (queue mode). Empty when there was none.
using Event = std::unique_ptr<PlayfieldEvent, detail::Deleter<PlayfieldEvent, playfield_event_free>>;
// Parsed matchmaker data that outlives the game session it came from.
using MatchmakerData =
    std::unique_ptr<PlayfieldMatchmakerData, detail::Deleter<PlayfieldMatchmakerData, playfield_matchmaker_data_free>>;
// One page of player sessions.
using PlayerSessions = std::unique_ptr<PlayfieldDescribePlayerSessionsResult,
                                       detail::Deleter<PlayfieldDescribePlayerSessionsResult,
                                                       playfield_describe_player_sessions_result_free>>;

// Parses matchmaker data JSON into a struct that owns itself. An empty JSON gives an empty
// pointer and an OK status.
inline Result<MatchmakerData> parse_matchmaker_data(const std::string& json) {
    detail::ErrorSlot err;
    MatchmakerData data(playfield_matchmaker_data_parse(json.c_str(), err.get()));
    Result<MatchmakerData> r;
    r.status = err.status();
    if (r.status.ok()) r.value = std::move(data);
    return r;
}

// Callbacks mode: std::function handlers. Any may be empty.
struct Callbacks {
    // The game session is valid only during the call.
    std::function<void(const PlayfieldGameSession&)> on_start_game_session;
    // The update is valid only during the call.
    std::function<void(const PlayfieldUpdateGameSession&)> on_update_game_session;
    std::function<void()> on_process_terminate;
    std::function<bool()> on_health_check;
};

// One SDK instance. Move-only; frees its handle (and closes the connection) when destroyed.
class Sdk {
  public:
    // Creates the SDK; check ok() (or status()) before use.
    Sdk() {
        detail::ErrorSlot err;
        handle_ = playfield_sdk_new(err.get());
        created_ = err.status();
    }
    Sdk(const Sdk&) = delete;
    Sdk& operator=(const Sdk&) = delete;
    Sdk(Sdk&& other) noexcept
        : handle_(std::exchange(other.handle_, 0)),
          created_(std::move(other.created_)),
          callbacks_(std::move(other.callbacks_)) {}
    Sdk& operator=(Sdk&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, 0);
            created_ = std::move(other.created_);
            callbacks_ = std::move(other.callbacks_);
        }
        return *this;
    }
    ~Sdk() { reset(); }

    bool ok() const { return handle_ != 0; }
    const Status& status() const { return created_; }
    PlayfieldSdk handle() const { return handle_; }

    // InitSDK from the GAMELIFT_SDK_* environment.
    Status init_from_environment() {
        return call([&](PlayfieldError* e) { return playfield_init_from_environment(handle_, e); });
    }
    // InitSDK with explicit parameters (the environment still overrides them).
    Status init(const PlayfieldServerParameters& params) {
        return call([&](PlayfieldError* e) { return playfield_init(handle_, &params, e); });
    }

    // ProcessReady with callbacks, run on the SDK's threads. Call it once per init.
    Status process_ready(int32_t port, const std::vector<std::string>& log_paths, Callbacks callbacks) {
        callbacks_ = std::make_unique<Callbacks>(std::move(callbacks));
        PlayfieldProcessParameters params = base_params(port, log_paths);
        params.delivery = PLAYFIELD_DELIVERY_CALLBACKS;
        // Only the handlers given are registered, so the SDK's defaults apply to the others
        // (e.g. TerminateProcess without a handler: process ending and destroy).
        if (callbacks_->on_start_game_session) params.on_start_game_session = &Sdk::start_trampoline;
        if (callbacks_->on_update_game_session) params.on_update_game_session = &Sdk::update_trampoline;
        if (callbacks_->on_process_terminate) params.on_process_terminate = &Sdk::terminate_trampoline;
        if (callbacks_->on_health_check) params.on_health_check = &Sdk::health_trampoline;
        params.user_data = callbacks_.get();
        return ready(params, log_paths);
    }

    // ProcessReady in queue mode: take events with next_event() on your own thread.
    Status process_ready_polling(int32_t port, const std::vector<std::string>& log_paths) {
        PlayfieldProcessParameters params = base_params(port, log_paths);
        params.delivery = PLAYFIELD_DELIVERY_QUEUE;
        return ready(params, log_paths);
    }

    // Queue mode: waits up to timeout_ms; an empty Event when none came.
    Event next_event(uint32_t timeout_ms, Status* status = nullptr) {
        detail::ErrorSlot err;
        Event ev(playfield_next_event(handle_, timeout_ms, err.get()));
        if (status) *status = err.status();
        return ev;
    }

    Status activate_game_session() {
        return call([&](PlayfieldError* e) { return playfield_activate_game_session(handle_, e); });
    }
    Status accept_player_session(const std::string& id) {
        return call([&](PlayfieldError* e) { return playfield_accept_player_session(handle_, id.c_str(), e); });
    }
    Status remove_player_session(const std::string& id) {
        return call([&](PlayfieldError* e) { return playfield_remove_player_session(handle_, id.c_str(), e); });
    }
    Status update_player_session_creation_policy(int32_t policy) {
        return call([&](PlayfieldError* e) {
            return playfield_update_player_session_creation_policy(handle_, policy, e);
        });
    }
    Result<PlayerSessions> describe_player_sessions(const PlayfieldDescribePlayerSessionsRequest& req) {
        detail::ErrorSlot err;
        PlayerSessions page(playfield_describe_player_sessions(handle_, &req, err.get()));
        Result<PlayerSessions> r;
        r.status = err.status();
        if (page) r.value = std::move(page);
        return r;
    }
    // Returns the ticket ID.
    Result<std::string> start_match_backfill(const PlayfieldStartMatchBackfillRequest& req) {
        detail::ErrorSlot err;
        Result<std::string> r;
        r.value = detail::take(playfield_start_match_backfill(handle_, &req, err.get()));
        r.status = err.status();
        return r;
    }
    Status stop_match_backfill(const std::string& ticket, const std::string& game_session_arn,
                               const std::string& configuration_arn) {
        return call([&](PlayfieldError* e) {
            return playfield_stop_match_backfill(handle_, ticket.c_str(), game_session_arn.c_str(),
                                                 configuration_arn.c_str(), e);
        });
    }
    Result<std::string> game_session_id() {
        detail::ErrorSlot err;
        Result<std::string> r;
        r.value = detail::take(playfield_get_game_session_id(handle_, err.get()));
        r.status = err.status();
        return r;
    }
    Result<int64_t> termination_time() {
        detail::ErrorSlot err;
        int64_t t = playfield_get_termination_time(handle_, err.get());
        Result<int64_t> r;
        r.status = err.status();
        if (r.status.ok()) r.value = t;
        return r;
    }
    Status process_ending() {
        return call([&](PlayfieldError* e) { return playfield_process_ending(handle_, e); });
    }
    // Disconnects; waits for running callbacks, none runs afterwards.
    Status destroy() {
        return call([&](PlayfieldError* e) { return playfield_destroy(handle_, e); });
    }

  private:
    template <class F>
    Status call(F&& f) {
        detail::ErrorSlot err;
        f(err.get());
        return err.status();
    }

    static PlayfieldProcessParameters base_params(int32_t port, const std::vector<std::string>&) {
        PlayfieldProcessParameters params{};
        params.port = port;
        return params;
    }

    Status ready(PlayfieldProcessParameters& params, const std::vector<std::string>& log_paths) {
        std::vector<const char*> paths;
        for (const auto& p : log_paths) paths.push_back(p.c_str());
        params.log_paths = paths.empty() ? nullptr : paths.data();
        params.log_path_count = paths.size();
        return call([&](PlayfieldError* e) { return playfield_process_ready(handle_, &params, e); });
    }

    void reset() {
        if (handle_ != 0) {
            // Waits for running callbacks; none runs after it, so callbacks_ can go next.
            playfield_sdk_free(handle_, nullptr);
            handle_ = 0;
        }
        callbacks_.reset();
    }

    static void start_trampoline(const PlayfieldGameSession* gs, void* user_data) noexcept {
        auto* cb = static_cast<Callbacks*>(user_data);
        if (cb->on_start_game_session) cb->on_start_game_session(*gs);
    }
    static void update_trampoline(const PlayfieldUpdateGameSession* u, void* user_data) noexcept {
        auto* cb = static_cast<Callbacks*>(user_data);
        if (cb->on_update_game_session) cb->on_update_game_session(*u);
    }
    static void terminate_trampoline(void* user_data) noexcept {
        auto* cb = static_cast<Callbacks*>(user_data);
        if (cb->on_process_terminate) cb->on_process_terminate();
    }
    static bool health_trampoline(void* user_data) noexcept {
        auto* cb = static_cast<Callbacks*>(user_data);
        return cb->on_health_check ? cb->on_health_check() : true;
    }

    PlayfieldSdk handle_ = 0;
    Status created_;
    // Heap-allocated so its address (the user_data) survives moves of the Sdk.
    std::unique_ptr<Callbacks> callbacks_;
};

}  // namespace playfield
