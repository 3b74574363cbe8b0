// Playfield.cs: C# P/Invoke declarations for include/playfield.h (the Playfield C API), the
// lowest layer of the C# binding. PlayfieldSdk.cs, beside it, wraps them in idiomatic C#
// (IDisposable handles, events, typed matchmaker data, exceptions); game code normally uses
// that. Neither file depends on Unity: ffi/tests/mono.rs compiles both with Mono's `mcs` and
// runs a console host (samples/csharp) through a whole game session. Unity (Mono or IL2CPP;
// UTF-8 string marshalling needs Unity 2021.2+) and other .NET hosts use them as they are.
//
// The native library (libplayfield_ffi.so / playfield_ffi.dll / libplayfield_ffi.dylib) is
// found by the name "playfield_ffi": in Unity put it under Assets/Plugins; elsewhere next to
// the executable or on the loader's path. A Rust test (ffi/tests/unity.rs) checks that every
// function, struct and constant of the header is declared here with a matching signature:
// keep them in step when the header changes.
//
// Conventions, as in the header:
//  - Every function takes `ref PlayfieldError err` last. On failure err.code is a
//    PLAYFIELD_ERROR_* value and err.message a UTF-8 string the caller frees with
//    playfield_error_free(ref err) (Native.TakeError reads and frees it).
//  - `char*` results are IntPtr: read them with Native.TakeString, which frees them.
//  - Struct results are IntPtr: read them with Marshal.PtrToStructure<T>() and free them with
//    their free function. Pointers inside structs are IntPtr and belong to the struct (read
//    strings with Native.Utf8).
//  - Input strings are marshalled as UTF-8 by the runtime and only read during the call.
//    String fields of input structs are IntPtr: fill them with memory you own (e.g.
//    Marshal.StringToCoTaskMemUTF8) and free it after the call.
//  - Callbacks run on SDK threads, not on Unity's main thread: keep the delegates alive (in
//    a static field) as long as the SDK may call them, mark the methods
//    [MonoPInvokeCallback] for IL2CPP, never let an exception escape them, and pass work to
//    the main thread yourself. PlayfieldSdk.cs does all of that; with
//    PLAYFIELD_DELIVERY_QUEUE events are polled on the game's own thread instead.
using System;
using System.Runtime.InteropServices;

namespace Playfield
{
    // The callback types of PlayfieldProcessParameters (pass them with
    // Marshal.GetFunctionPointerForDelegate).
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void PlayfieldStartGameSessionCallback(IntPtr gameSession, IntPtr userData);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void PlayfieldUpdateGameSessionCallback(IntPtr update, IntPtr userData);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void PlayfieldProcessTerminateCallback(IntPtr userData);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.U1)]
    public delegate bool PlayfieldHealthCheckCallback(IntPtr userData);

    // How a call failed. Every function that can fail takes a `PlayfieldError *` as its last
    // parameter.
    //
    // The library always writes it: `code` is `PLAYFIELD_OK` (0) and `message` NULL on
    // success; on failure `code` is one of `PLAYFIELD_ERROR_*` and `message` a UTF-8 text the
    // caller owns and frees with `playfield_error_free` (or `playfield_string_free`). The
    // previous contents are overwritten, not freed: free a message before reusing the struct.
    // Passing NULL is allowed: the error is then discarded.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldError
    {
        public int code;
        public IntPtr message;
    }

    // Tuning for `playfield_sdk_new_with_options`. A zero field keeps the default (the Go SDK's
    // values, then the Go SDK's tuning environment variables such as `SERVICE_CALL_TIMEOUT`).
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldSdkOptions
    {
        public uint request_timeout_ms;
        public uint activate_timeout_ms;
        public uint heartbeat_interval_ms;
        public uint health_check_timeout_ms;
        [MarshalAs(UnmanagedType.U1)] public bool accept_invalid_certs;
        public IntPtr sdk_language;
    }

    // Connection settings for `playfield_init`. NULL fields are empty. The `GAMELIFT_SDK_*`
    // environment variables override them, as in the official SDKs.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldServerParameters
    {
        public IntPtr web_socket_url;
        public IntPtr process_id;
        public IntPtr host_id;
        public IntPtr fleet_id;
        public IntPtr auth_token;
        public IntPtr aws_region;
        public IntPtr access_key;
        public IntPtr secret_key;
        public IntPtr session_token;
    }

    // One entry of a `STRING_DOUBLE_MAP` attribute.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldStringDoubleEntry
    {
        public IntPtr key;
        public double value;
    }

    // A player attribute: `name` and a value whose kind is `value_type` (`PLAYFIELD_ATTRIBUTE_*`).
    // Only the fields of that kind are meaningful; the others are `""`, 0 or NULL/0.
    //
    // The same struct is used in both directions: the library fills it in matchmaker data, and
    // the caller fills it in `PlayfieldPlayer` for a backfill request (so matched players'
    // attributes can be passed back as they are).
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldAttribute
    {
        public IntPtr name;
        public int value_type;
        public IntPtr string_value;
        public double double_value;
        public IntPtr string_list;
        public UIntPtr string_list_count;
        public IntPtr string_double_map;
        public UIntPtr string_double_map_count;
    }

    // A player of the matchmaker data, with the attributes of its matchmaking request.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldMatchedPlayer
    {
        public IntPtr player_id;
        public IntPtr attributes;
        public UIntPtr attribute_count;
    }

    // A team of the matchmaker data.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldMatchedTeam
    {
        public IntPtr name;
        public IntPtr players;
        public UIntPtr player_count;
    }

    // The matchmaker data document FlexMatch writes into a game session, parsed.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldMatchmakerData
    {
        public IntPtr match_id;
        public IntPtr matchmaking_configuration_arn;
        public IntPtr teams;
        public UIntPtr team_count;
        public IntPtr auto_backfill_ticket_id;
        public int auto_backfill_mode;
    }

    // One game property (key and value).
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldGameProperty
    {
        public IntPtr key;
        public IntPtr value;
    }

    // A game session, as `onStartGameSession` / `onUpdateGameSession` report it.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldGameSession
    {
        public IntPtr game_session_id;
        public IntPtr name;
        public IntPtr fleet_id;
        public int maximum_player_session_count;
        public int port;
        public IntPtr ip_address;
        public IntPtr dns_name;
        public IntPtr game_session_data;
        public IntPtr matchmaker_data_json;
        public IntPtr matchmaker_data;
        public IntPtr game_properties;
        public UIntPtr game_property_count;
        public IntPtr location;
        public IntPtr status;
        public IntPtr status_reason;
    }

    // What `onUpdateGameSession` receives.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldUpdateGameSession
    {
        public PlayfieldGameSession game_session;
        public int update_reason;
        public IntPtr backfill_ticket_id;
    }

    // ProcessReady parameters. Read only during the call (the callbacks and `user_data` are
    // kept).
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldProcessParameters
    {
        public int port;
        public IntPtr log_paths;
        public UIntPtr log_path_count;
        public int delivery;
        public IntPtr on_start_game_session;
        public IntPtr on_update_game_session;
        public IntPtr on_process_terminate;
        public IntPtr on_health_check;
        public IntPtr user_data;
    }

    // A player session, as `playfield_describe_player_sessions` returns it.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldPlayerSession
    {
        public IntPtr player_session_id;
        public IntPtr player_id;
        public IntPtr game_session_id;
        public IntPtr fleet_id;
        public long creation_time;
        public long termination_time;
        public int status;
        public IntPtr ip_address;
        public int port;
        public IntPtr player_data;
        public IntPtr dns_name;
    }

    // One page of player sessions. Free it with `playfield_describe_player_sessions_result_free`.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldDescribePlayerSessionsResult
    {
        public IntPtr next_token;
        public IntPtr player_sessions;
        public UIntPtr player_session_count;
    }

    // Which player sessions to describe: set exactly one of `game_session_id`, `player_id` and
    // `player_session_id`; NULL means "not set". Read only during the call.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldDescribePlayerSessionsRequest
    {
        public IntPtr game_session_id;
        public IntPtr player_id;
        public IntPtr player_session_id;
        public int player_session_status_filter;
        public IntPtr next_token;
        public uint limit;
    }

    // One latency entry of a backfill player: region and milliseconds.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldLatency
    {
        public IntPtr region;
        public int latency_ms;
    }

    // A player in a backfill request. Read only during the call.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldPlayer
    {
        public IntPtr player_id;
        public IntPtr team;
        public IntPtr attributes;
        public UIntPtr attribute_count;
        public IntPtr latencies;
        public UIntPtr latency_count;
    }

    // StartMatchBackfill parameters. Read only during the call.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldStartMatchBackfillRequest
    {
        public IntPtr ticket_id;
        public IntPtr game_session_arn;
        public IntPtr matchmaking_configuration_arn;
        public IntPtr players;
        public UIntPtr player_count;
    }

    // An event taken from the queue with `playfield_poll_event` / `playfield_next_event`.
    // Free it with `playfield_event_free`.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldEvent
    {
        public int kind;
        public PlayfieldGameSession game_session;
        public int update_reason;
        public IntPtr backfill_ticket_id;
        public long termination_time;
    }

    // GetComputeCertificate result. Free it with `playfield_compute_certificate_free`.
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldComputeCertificate
    {
        public IntPtr certificate_path;
        public IntPtr compute_name;
    }

    // GetFleetRoleCredentials result. Free it with `playfield_fleet_role_credentials_free`
    // (which does not wipe the secrets from memory first).
    [StructLayout(LayoutKind.Sequential)]
    public struct PlayfieldFleetRoleCredentials
    {
        public IntPtr assumed_role_user_arn;
        public IntPtr assumed_role_id;
        public IntPtr access_key_id;
        public IntPtr secret_access_key;
        public IntPtr session_token;
        public long expiration_ms;
    }

    public static class Native
    {
        public const string Library = "playfield_ffi";

        public const int PLAYFIELD_OK = 0;
        public const int PLAYFIELD_ERROR_PANIC = -1;
        public const int PLAYFIELD_ERROR_INVALID_HANDLE = -1000;
        public const int PLAYFIELD_ERROR_INVALID_ARGUMENT = 1;
        public const int PLAYFIELD_ERROR_RUNTIME = 2;
        public const int PLAYFIELD_ERROR_ALREADY_INITIALIZED = 10;
        public const int PLAYFIELD_ERROR_NOT_INITIALIZED = 11;
        public const int PLAYFIELD_ERROR_PROCESS_NOT_READY = 12;
        public const int PLAYFIELD_ERROR_GAME_SESSION_ID_NOT_SET = 13;
        public const int PLAYFIELD_ERROR_TERMINATION_TIME_NOT_SET = 14;
        public const int PLAYFIELD_ERROR_VALIDATION = 15;
        public const int PLAYFIELD_ERROR_BAD_REQUEST = 16;
        public const int PLAYFIELD_ERROR_UNAUTHORIZED = 17;
        public const int PLAYFIELD_ERROR_FORBIDDEN = 18;
        public const int PLAYFIELD_ERROR_NOT_FOUND = 19;
        public const int PLAYFIELD_ERROR_CONFLICT = 20;
        public const int PLAYFIELD_ERROR_TOO_MANY_REQUESTS = 21;
        public const int PLAYFIELD_ERROR_INTERNAL_SERVICE = 22;
        public const int PLAYFIELD_ERROR_SERVICE_CALL_FAILED = 23;
        public const int PLAYFIELD_ERROR_WEBSOCKET_CONNECT_FAILURE = 24;
        public const int PLAYFIELD_ERROR_MATCHMAKER_DATA = 25;
        public const int PLAYFIELD_ERROR_UNKNOWN = 99;
        public const int PLAYFIELD_ATTRIBUTE_NONE = 0;
        public const int PLAYFIELD_ATTRIBUTE_STRING = 1;
        public const int PLAYFIELD_ATTRIBUTE_DOUBLE = 2;
        public const int PLAYFIELD_ATTRIBUTE_STRING_LIST = 3;
        public const int PLAYFIELD_ATTRIBUTE_STRING_DOUBLE_MAP = 4;
        public const int PLAYFIELD_BACKFILL_MODE_NOT_SET = 0;
        public const int PLAYFIELD_BACKFILL_MODE_AUTOMATIC = 1;
        public const int PLAYFIELD_BACKFILL_MODE_MANUAL = 2;
        public const int PLAYFIELD_UPDATE_REASON_UNKNOWN = 0;
        public const int PLAYFIELD_UPDATE_REASON_MATCHMAKING_DATA_UPDATED = 1;
        public const int PLAYFIELD_UPDATE_REASON_BACKFILL_FAILED = 2;
        public const int PLAYFIELD_UPDATE_REASON_BACKFILL_TIMED_OUT = 3;
        public const int PLAYFIELD_UPDATE_REASON_BACKFILL_CANCELLED = 4;
        public const int PLAYFIELD_PLAYER_SESSION_STATUS_NOT_SET = 0;
        public const int PLAYFIELD_PLAYER_SESSION_STATUS_RESERVED = 1;
        public const int PLAYFIELD_PLAYER_SESSION_STATUS_ACTIVE = 2;
        public const int PLAYFIELD_PLAYER_SESSION_STATUS_COMPLETED = 3;
        public const int PLAYFIELD_PLAYER_SESSION_STATUS_TIMEDOUT = 4;
        public const int PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_ACCEPT_ALL = 1;
        public const int PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_DENY_ALL = 2;
        public const int PLAYFIELD_EVENT_START_GAME_SESSION = 1;
        public const int PLAYFIELD_EVENT_UPDATE_GAME_SESSION = 2;
        public const int PLAYFIELD_EVENT_PROCESS_TERMINATE = 3;
        public const int PLAYFIELD_DELIVERY_CALLBACKS = 0;
        public const int PLAYFIELD_DELIVERY_QUEUE = 1;

        // Frees a string the library returned (`char *` results and `PlayfieldError.message`).
        // NULL is a no-op. Never use it on strings inside a returned struct.
        //
        // # Safety
        // `s` is NULL or a string returned by this library and not freed before.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void playfield_string_free(IntPtr s);

        // The version of this library (the Playfield release) as a NUL-terminated static string.
        // Never free it.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_sdk_version();

        // The GameLift server SDK version this library speaks on the wire (GetSdkVersion,
        // `"5.6.0"`), as a NUL-terminated static string. Never free it.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_server_sdk_version();

        // Frees the message of an error and resets it to `PLAYFIELD_OK` / NULL, so the struct can be
        // reused. NULL, or an error without a message, is a no-op.
        //
        // # Safety
        // `err` is NULL or points to a `PlayfieldError` written by this library (or zeroed).
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void playfield_error_free(ref PlayfieldError err);

        // A new SDK, not yet initialized, with the default tuning (and the Go SDK's tuning
        // environment variables). Returns 0 on failure. Free it with `playfield_sdk_free`.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern ulong playfield_sdk_new(ref PlayfieldError err);

        // A new SDK with custom tuning (`options` may be NULL for the defaults). Returns 0 on
        // failure. Free it with `playfield_sdk_free`.
        //
        // # Safety
        // `options` is NULL or points to a readable `PlayfieldSdkOptions`; `err` as everywhere.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern ulong playfield_sdk_new_with_options(ref PlayfieldSdkOptions options, ref PlayfieldError err);

        // Frees an SDK handle: closes the connection if `playfield_destroy` was not called, and
        // waits for running callbacks to return (unless called from one). No callback runs after it
        // returns; the handle is invalid from then on. Returns false for an invalid handle.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_sdk_free(ulong sdk, ref PlayfieldError err);

        // InitSDK: connects to the service with `params` (NULL: from the environment only).
        //
        // # Safety
        // `params` is NULL or points to a readable `PlayfieldServerParameters`; `err` as everywhere.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_init(ulong sdk, ref PlayfieldServerParameters @params, ref PlayfieldError err);

        // InitSDK from the `GAMELIFT_SDK_*` environment variables only.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_init_from_environment(ulong sdk, ref PlayfieldError err);

        // ProcessReady: tells the service this process can host a game session and starts
        // heartbeats.
        //
        // # Safety
        // `params` points to a readable `PlayfieldProcessParameters` whose pointers follow its
        // documentation; the callbacks are safe to call from other threads.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_process_ready(ulong sdk, ref PlayfieldProcessParameters @params, ref PlayfieldError err);

        // ProcessEnding: tells the service the process is shutting down.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_process_ending(ulong sdk, ref PlayfieldError err);

        // Destroy: closes the connection and forgets the process state; `playfield_init` may be
        // called again. Waits for running callbacks to return (unless called from one); no callback
        // registered so far runs after it returns. The handle stays valid.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_destroy(ulong sdk, ref PlayfieldError err);

        // ActivateGameSession: the game session is ready for players.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_activate_game_session(ulong sdk, ref PlayfieldError err);

        // UpdatePlayerSessionCreationPolicy: `PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_*`.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_update_player_session_creation_policy(ulong sdk, int policy, ref PlayfieldError err);

        // The current game session's ID, or NULL on error (`PLAYFIELD_ERROR_GAME_SESSION_ID_NOT_SET`
        // before one started). Free it with `playfield_string_free`.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_get_game_session_id(ulong sdk, ref PlayfieldError err);

        // When the service will stop this process (epoch seconds), once TerminateProcess arrived;
        // 0 with `PLAYFIELD_ERROR_TERMINATION_TIME_NOT_SET` before.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern long playfield_get_termination_time(ulong sdk, ref PlayfieldError err);

        // AcceptPlayerSession: a player with this player session ID connected.
        //
        // # Safety
        // `player_session_id` is NULL or a NUL-terminated string; `err` as everywhere.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_accept_player_session(ulong sdk, [MarshalAs(UnmanagedType.LPUTF8Str)] string player_session_id, ref PlayfieldError err);

        // RemovePlayerSession: the player left.
        //
        // # Safety
        // `player_session_id` is NULL or a NUL-terminated string; `err` as everywhere.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_remove_player_session(ulong sdk, [MarshalAs(UnmanagedType.LPUTF8Str)] string player_session_id, ref PlayfieldError err);

        // DescribePlayerSessions: one page of player sessions, or NULL on error. Free it with
        // `playfield_describe_player_sessions_result_free`.
        //
        // # Safety
        // `request` points to a readable request whose strings are NULL or NUL-terminated.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_describe_player_sessions(ulong sdk, ref PlayfieldDescribePlayerSessionsRequest request, ref PlayfieldError err);

        // Frees a result of `playfield_describe_player_sessions`. NULL is a no-op.
        //
        // # Safety
        // `result` is NULL or was returned by `playfield_describe_player_sessions` and not freed.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void playfield_describe_player_sessions_result_free(IntPtr result);

        // StartMatchBackfill: asks the matchmaker for players for the open slots. Returns the ticket
        // ID (free it with `playfield_string_free`), or NULL on error. The outcome arrives later as
        // an update game session event with that ticket ID.
        //
        // # Safety
        // `request` points to a readable request whose pointers follow its documentation.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_start_match_backfill(ulong sdk, ref PlayfieldStartMatchBackfillRequest request, ref PlayfieldError err);

        // StopMatchBackfill: cancels a backfill ticket.
        //
        // # Safety
        // The strings are NULL or NUL-terminated; `err` as everywhere.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool playfield_stop_match_backfill(ulong sdk, [MarshalAs(UnmanagedType.LPUTF8Str)] string ticket_id, [MarshalAs(UnmanagedType.LPUTF8Str)] string game_session_arn, [MarshalAs(UnmanagedType.LPUTF8Str)] string matchmaking_configuration_arn, ref PlayfieldError err);

        // Parses a matchmaker data JSON document (a game session's `matchmaker_data_json`). Returns
        // NULL with `PLAYFIELD_OK` when `json` is empty (not a FlexMatch game session), NULL with
        // `PLAYFIELD_ERROR_MATCHMAKER_DATA` when it does not parse. Free the result with
        // `playfield_matchmaker_data_free`.
        //
        // # Safety
        // `json` is NULL or a NUL-terminated string; `err` as everywhere.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_matchmaker_data_parse([MarshalAs(UnmanagedType.LPUTF8Str)] string json, ref PlayfieldError err);

        // Frees a result of `playfield_matchmaker_data_parse`. NULL is a no-op. (The
        // `matchmaker_data` inside a `PlayfieldGameSession` belongs to the game session: never
        // free it with this.)
        //
        // # Safety
        // `data` is NULL or was returned by `playfield_matchmaker_data_parse` and not freed.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void playfield_matchmaker_data_free(IntPtr data);

        // Queue mode: the next event, or NULL when there is none (`PLAYFIELD_OK`) or on error.
        // Never waits. Free the event with `playfield_event_free`.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_poll_event(ulong sdk, ref PlayfieldError err);

        // Queue mode: waits up to `timeout_ms` for the next event; NULL when none came
        // (`PLAYFIELD_OK`) or on error. Free the event with `playfield_event_free`.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_next_event(ulong sdk, uint timeout_ms, ref PlayfieldError err);

        // Frees an event and everything it points to. NULL is a no-op.
        //
        // # Safety
        // `event` is NULL or was returned by `playfield_poll_event` / `playfield_next_event` and
        // not freed.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void playfield_event_free(IntPtr @event);

        // GetComputeCertificate, or NULL on error. Free it with `playfield_compute_certificate_free`.
        //
        // # Safety
        // `err` is NULL or points to a writable `PlayfieldError`.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_get_compute_certificate(ulong sdk, ref PlayfieldError err);

        // Frees a result of `playfield_get_compute_certificate`. NULL is a no-op.
        //
        // # Safety
        // `cert` is NULL or was returned by `playfield_get_compute_certificate` and not freed.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void playfield_compute_certificate_free(IntPtr cert);

        // GetFleetRoleCredentials for `role_arn` (`role_session_name` may be NULL for the default),
        // or NULL on error. Free it with `playfield_fleet_role_credentials_free`.
        //
        // # Safety
        // The strings are NULL or NUL-terminated; `err` as everywhere.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr playfield_get_fleet_role_credentials(ulong sdk, [MarshalAs(UnmanagedType.LPUTF8Str)] string role_arn, [MarshalAs(UnmanagedType.LPUTF8Str)] string role_session_name, ref PlayfieldError err);

        // Frees a result of `playfield_get_fleet_role_credentials`. NULL is a no-op.
        //
        // # Safety
        // `creds` is NULL or was returned by `playfield_get_fleet_role_credentials` and not freed.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void playfield_fleet_role_credentials_free(IntPtr creds);

        // Reads a string the library returned and frees it; null for IntPtr.Zero.
        public static string TakeString(IntPtr s)
        {
            if (s == IntPtr.Zero) return null;
            string value = Utf8(s);
            playfield_string_free(s);
            return value;
        }

        // Reads a NUL-terminated UTF-8 string without freeing it; null for IntPtr.Zero.
        public static string Utf8(IntPtr s)
        {
            if (s == IntPtr.Zero) return null;
            int length = 0;
            while (Marshal.ReadByte(s, length) != 0) length++;
            byte[] bytes = new byte[length];
            Marshal.Copy(s, bytes, 0, length);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }

        // The error's message (null on success); frees it and resets the error.
        public static string TakeError(ref PlayfieldError err)
        {
            string message = Utf8(err.message);
            playfield_error_free(ref err);
            return message;
        }
    }
}

