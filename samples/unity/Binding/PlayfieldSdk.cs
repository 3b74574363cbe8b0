// PlayfieldSdk.cs: the idiomatic C# layer over the P/Invoke declarations of Playfield.cs.
// Engine-agnostic: it compiles and runs under Mono, .NET and Unity alike.
//
//  - ServerSdk is the SDK handle: IDisposable (Dispose frees the native SDK; a forgotten one
//    is freed by its finalizer), one method per server SDK call.
//  - Every failing call throws PlayfieldException, carrying the PLAYFIELD_ERROR_* code
//    (PlayfieldErrorCode) and the library's message.
//  - Game session events are C# events (StartGameSession, UpdateGameSession,
//    ProcessTerminate) plus the HealthCheck function. Where they run depends on the delivery
//    chosen in ProcessReady:
//      EventDelivery.Callbacks: on the SDK's callback thread (HealthCheck: on an SDK worker
//        thread), as soon as the service sends them. Not Unity's main thread.
//      EventDelivery.Queue: on the thread that calls DispatchEvents (or PollEvent /
//        NextEvent), e.g. a MonoBehaviour's Update(); HealthCheck still runs on an SDK
//        worker thread, so keep it to reading thread-safe state.
//  - Everything the SDK reports is copied into managed objects (GameSession, MatchmakerData
//    with typed AttributeValues, ...) before a handler sees it: nothing native outlives the
//    call, and handlers may keep what they get.
//
// Why the callbacks look as they do: the native side keeps function pointers, so the
// delegates behind them live in static fields (never collected) and point at static methods
// (IL2CPP can only call those back, and they carry [MonoPInvokeCallback]). The SDK object is
// found through a weak GCHandle passed as user_data, so an SDK nobody references can still be
// finalized. No exception may unwind into native code: the callback methods catch everything
// and hand it to CallbackFailed (or stderr).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace Playfield
{
    // IL2CPP recognises this attribute by its name in any namespace (Unity's own is
    // AOT.MonoPInvokeCallback in UnityEngine); declaring it here keeps the binding free of
    // Unity. It tells IL2CPP to generate a native entry point for a static callback method.
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        public MonoPInvokeCallbackAttribute(Type delegateType)
        {
            DelegateType = delegateType;
        }

        public Type DelegateType { get; private set; }
    }

    // The PLAYFIELD_ERROR_* codes (include/playfield.h). A code this version does not name
    // still arrives, as its number.
    public enum PlayfieldErrorCode
    {
        Ok = Native.PLAYFIELD_OK,
        Panic = Native.PLAYFIELD_ERROR_PANIC,
        InvalidHandle = Native.PLAYFIELD_ERROR_INVALID_HANDLE,
        InvalidArgument = Native.PLAYFIELD_ERROR_INVALID_ARGUMENT,
        Runtime = Native.PLAYFIELD_ERROR_RUNTIME,
        AlreadyInitialized = Native.PLAYFIELD_ERROR_ALREADY_INITIALIZED,
        NotInitialized = Native.PLAYFIELD_ERROR_NOT_INITIALIZED,
        ProcessNotReady = Native.PLAYFIELD_ERROR_PROCESS_NOT_READY,
        GameSessionIdNotSet = Native.PLAYFIELD_ERROR_GAME_SESSION_ID_NOT_SET,
        TerminationTimeNotSet = Native.PLAYFIELD_ERROR_TERMINATION_TIME_NOT_SET,
        Validation = Native.PLAYFIELD_ERROR_VALIDATION,
        BadRequest = Native.PLAYFIELD_ERROR_BAD_REQUEST,
        Unauthorized = Native.PLAYFIELD_ERROR_UNAUTHORIZED,
        Forbidden = Native.PLAYFIELD_ERROR_FORBIDDEN,
        NotFound = Native.PLAYFIELD_ERROR_NOT_FOUND,
        Conflict = Native.PLAYFIELD_ERROR_CONFLICT,
        TooManyRequests = Native.PLAYFIELD_ERROR_TOO_MANY_REQUESTS,
        InternalService = Native.PLAYFIELD_ERROR_INTERNAL_SERVICE,
        ServiceCallFailed = Native.PLAYFIELD_ERROR_SERVICE_CALL_FAILED,
        WebSocketConnectFailure = Native.PLAYFIELD_ERROR_WEBSOCKET_CONNECT_FAILURE,
        MatchmakerData = Native.PLAYFIELD_ERROR_MATCHMAKER_DATA,
        Unknown = Native.PLAYFIELD_ERROR_UNKNOWN,
    }

    // A call into the library failed: which call, the library's code and its message.
    public class PlayfieldException : Exception
    {
        public PlayfieldException(string operation, PlayfieldErrorCode code, string message)
            : base(operation + ": " + message + " (" + code + ", code " + (int)code + ")")
        {
            Operation = operation;
            Code = code;
            LibraryMessage = message;
        }

        public string Operation { get; private set; }
        public PlayfieldErrorCode Code { get; private set; }
        public string LibraryMessage { get; private set; }
    }

    public enum AttributeType
    {
        None = Native.PLAYFIELD_ATTRIBUTE_NONE,
        String = Native.PLAYFIELD_ATTRIBUTE_STRING,
        Double = Native.PLAYFIELD_ATTRIBUTE_DOUBLE,
        StringList = Native.PLAYFIELD_ATTRIBUTE_STRING_LIST,
        StringDoubleMap = Native.PLAYFIELD_ATTRIBUTE_STRING_DOUBLE_MAP,
    }

    // A player attribute's value: exactly the member of its Type is meaningful.
    public sealed class AttributeValue
    {
        static readonly string[] NoStrings = new string[0];

        AttributeValue(AttributeType type, string s, double d, IReadOnlyList<string> list,
                       IReadOnlyDictionary<string, double> map)
        {
            Type = type;
            String = s;
            Double = d;
            StringList = list;
            StringDoubleMap = map;
        }

        public AttributeType Type { get; private set; }
        public string String { get; private set; }
        public double Double { get; private set; }
        public IReadOnlyList<string> StringList { get; private set; }
        public IReadOnlyDictionary<string, double> StringDoubleMap { get; private set; }

        public static readonly AttributeValue None = new AttributeValue(AttributeType.None, null, 0, NoStrings, new Dictionary<string, double>());

        public static AttributeValue Of(string value)
        {
            return new AttributeValue(AttributeType.String, value ?? "", 0, NoStrings, new Dictionary<string, double>());
        }

        public static AttributeValue Of(double value)
        {
            return new AttributeValue(AttributeType.Double, null, value, NoStrings, new Dictionary<string, double>());
        }

        public static AttributeValue Of(IEnumerable<string> values)
        {
            return new AttributeValue(AttributeType.StringList, null, 0, new List<string>(values), new Dictionary<string, double>());
        }

        public static AttributeValue Of(IDictionary<string, double> values)
        {
            return new AttributeValue(AttributeType.StringDoubleMap, null, 0, NoStrings, new Dictionary<string, double>(values));
        }

        // The value as JSON-like text: "ctf", 23, ["a","b"], {"ctf":3.5} (culture-invariant).
        public override string ToString()
        {
            switch (Type)
            {
                case AttributeType.String: return "\"" + String + "\"";
                case AttributeType.Double: return Number(Double);
                case AttributeType.StringList:
                {
                    var parts = new List<string>();
                    foreach (var s in StringList) parts.Add("\"" + s + "\"");
                    return "[" + string.Join(",", parts) + "]";
                }
                case AttributeType.StringDoubleMap:
                {
                    var parts = new List<string>();
                    foreach (var kv in StringDoubleMap) parts.Add("\"" + kv.Key + "\":" + Number(kv.Value));
                    return "{" + string.Join(",", parts) + "}";
                }
                default: return "none";
            }
        }

        static string Number(double d)
        {
            return d.ToString("R", CultureInfo.InvariantCulture);
        }
    }

    public sealed class MatchedPlayer
    {
        public string PlayerId { get; internal set; }
        // In the order of the matchmaker data.
        public IReadOnlyDictionary<string, AttributeValue> Attributes { get; internal set; }
    }

    public sealed class MatchedTeam
    {
        public string Name { get; internal set; }
        public IReadOnlyList<MatchedPlayer> Players { get; internal set; }
    }

    public enum BackfillMode
    {
        NotSet = Native.PLAYFIELD_BACKFILL_MODE_NOT_SET,
        Automatic = Native.PLAYFIELD_BACKFILL_MODE_AUTOMATIC,
        Manual = Native.PLAYFIELD_BACKFILL_MODE_MANUAL,
    }

    // The matchmaker data FlexMatch writes into a game session, parsed.
    public sealed class MatchmakerData
    {
        public string MatchId { get; internal set; }
        public string MatchmakingConfigurationArn { get; internal set; }
        public IReadOnlyList<MatchedTeam> Teams { get; internal set; }
        // null unless the configuration backfills automatically.
        public string AutoBackfillTicketId { get; internal set; }
        public BackfillMode AutoBackfillMode { get; internal set; }

        public int PlayerCount
        {
            get
            {
                int n = 0;
                foreach (var t in Teams) n += t.Players.Count;
                return n;
            }
        }

        // Parses a matchmaker data JSON document; null for "" (not a FlexMatch game session).
        // Throws PlayfieldException (MatchmakerData) when it does not parse.
        public static MatchmakerData Parse(string json)
        {
            var err = new PlayfieldError();
            IntPtr data = Native.playfield_matchmaker_data_parse(json, ref err);
            if (data == IntPtr.Zero)
            {
                Errors.ThrowIfFailed("matchmaker_data_parse", ref err);
                return null;
            }
            try
            {
                return Read.MatchmakerData(data);
            }
            finally
            {
                Native.playfield_matchmaker_data_free(data);
            }
        }
    }

    // A game session, as onStartGameSession / onUpdateGameSession report it. Empty strings
    // stand for what the service did not send.
    public sealed class GameSession
    {
        public string GameSessionId { get; internal set; }
        public string Name { get; internal set; }
        public string FleetId { get; internal set; }
        public int MaximumPlayerSessionCount { get; internal set; }
        public int Port { get; internal set; }
        public string IpAddress { get; internal set; }
        public string DnsName { get; internal set; }
        public string GameSessionData { get; internal set; }
        public string MatchmakerDataJson { get; internal set; }
        // null when the game session was not made by FlexMatch or its data does not parse
        // (MatchmakerData.Parse(MatchmakerDataJson) says why).
        public MatchmakerData MatchmakerData { get; internal set; }
        public IReadOnlyDictionary<string, string> GameProperties { get; internal set; }
        public string Location { get; internal set; }
        public string Status { get; internal set; }
        public string StatusReason { get; internal set; }
    }

    public enum UpdateReason
    {
        Unknown = Native.PLAYFIELD_UPDATE_REASON_UNKNOWN,
        MatchmakingDataUpdated = Native.PLAYFIELD_UPDATE_REASON_MATCHMAKING_DATA_UPDATED,
        BackfillFailed = Native.PLAYFIELD_UPDATE_REASON_BACKFILL_FAILED,
        BackfillTimedOut = Native.PLAYFIELD_UPDATE_REASON_BACKFILL_TIMED_OUT,
        BackfillCancelled = Native.PLAYFIELD_UPDATE_REASON_BACKFILL_CANCELLED,
    }

    // What onUpdateGameSession reports.
    public sealed class GameSessionUpdate
    {
        public GameSession GameSession { get; internal set; }
        public UpdateReason Reason { get; internal set; }
        // The backfill ticket this update ends or fulfils; "" when none.
        public string BackfillTicketId { get; internal set; }
    }

    public enum EventKind
    {
        StartGameSession = Native.PLAYFIELD_EVENT_START_GAME_SESSION,
        UpdateGameSession = Native.PLAYFIELD_EVENT_UPDATE_GAME_SESSION,
        ProcessTerminate = Native.PLAYFIELD_EVENT_PROCESS_TERMINATE,
    }

    // An event taken from the queue (EventDelivery.Queue).
    public sealed class SdkEvent
    {
        public EventKind Kind { get; internal set; }
        // StartGameSession and UpdateGameSession; null for ProcessTerminate.
        public GameSession GameSession { get; internal set; }
        // UpdateGameSession only.
        public GameSessionUpdate Update { get; internal set; }
        // ProcessTerminate: when the process will be stopped, epoch seconds.
        public long TerminationTime { get; internal set; }
    }

    public enum PlayerSessionStatus
    {
        NotSet = Native.PLAYFIELD_PLAYER_SESSION_STATUS_NOT_SET,
        Reserved = Native.PLAYFIELD_PLAYER_SESSION_STATUS_RESERVED,
        Active = Native.PLAYFIELD_PLAYER_SESSION_STATUS_ACTIVE,
        Completed = Native.PLAYFIELD_PLAYER_SESSION_STATUS_COMPLETED,
        TimedOut = Native.PLAYFIELD_PLAYER_SESSION_STATUS_TIMEDOUT,
    }

    public enum PlayerSessionCreationPolicy
    {
        AcceptAll = Native.PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_ACCEPT_ALL,
        DenyAll = Native.PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_DENY_ALL,
    }

    public sealed class PlayerSession
    {
        public string PlayerSessionId { get; internal set; }
        public string PlayerId { get; internal set; }
        public string GameSessionId { get; internal set; }
        public string FleetId { get; internal set; }
        public DateTimeOffset CreationTime { get; internal set; }
        // null while the session is not over.
        public DateTimeOffset? TerminationTime { get; internal set; }
        public PlayerSessionStatus Status { get; internal set; }
        public string IpAddress { get; internal set; }
        public int Port { get; internal set; }
        public string PlayerData { get; internal set; }
        public string DnsName { get; internal set; }
    }

    // Set exactly one of GameSessionId, PlayerId and PlayerSessionId.
    public sealed class DescribePlayerSessionsRequest
    {
        public string GameSessionId;
        public string PlayerId;
        public string PlayerSessionId;
        public PlayerSessionStatus StatusFilter = PlayerSessionStatus.NotSet;
        public string NextToken;
        public uint Limit;
    }

    public sealed class DescribePlayerSessionsResult
    {
        // null on the last page.
        public string NextToken { get; internal set; }
        public IReadOnlyList<PlayerSession> PlayerSessions { get; internal set; }
    }

    // A player in a backfill request: every player still in the game, with team and the
    // attributes of the matchmaker data.
    public sealed class BackfillPlayer
    {
        public string PlayerId;
        public string Team;
        public IDictionary<string, AttributeValue> Attributes = new Dictionary<string, AttributeValue>();
        // Region to milliseconds.
        public IDictionary<string, int> Latencies = new Dictionary<string, int>();
    }

    public sealed class StartMatchBackfillRequest
    {
        // null: the service makes one.
        public string TicketId;
        public string GameSessionArn;
        public string MatchmakingConfigurationArn;
        public IList<BackfillPlayer> Players = new List<BackfillPlayer>();
    }

    public enum EventDelivery
    {
        Callbacks = Native.PLAYFIELD_DELIVERY_CALLBACKS,
        Queue = Native.PLAYFIELD_DELIVERY_QUEUE,
    }

    // ProcessReady parameters.
    public sealed class ProcessParameters
    {
        public int Port;
        public IList<string> LogPaths = new List<string>();
        public EventDelivery Delivery = EventDelivery.Queue;
    }

    // Tuning (PlayfieldSdkOptions); 0 / null keeps the default.
    public sealed class SdkOptions
    {
        public uint RequestTimeoutMs;
        public uint ActivateTimeoutMs;
        public uint HeartbeatIntervalMs;
        public uint HealthCheckTimeoutMs;
        public bool AcceptInvalidCerts;
        public string SdkLanguage;
    }

    // InitSDK connection settings; the GAMELIFT_SDK_* environment variables override them.
    public sealed class ServerParameters
    {
        public string WebSocketUrl;
        public string ProcessId;
        public string HostId;
        public string FleetId;
        public string AuthToken;
        public string AwsRegion;
        public string AccessKey;
        public string SecretKey;
        public string SessionToken;
    }

    public sealed class ComputeCertificate
    {
        public string CertificatePath { get; internal set; }
        public string ComputeName { get; internal set; }
    }

    public sealed class FleetRoleCredentials
    {
        public string AssumedRoleUserArn { get; internal set; }
        public string AssumedRoleId { get; internal set; }
        public string AccessKeyId { get; internal set; }
        public string SecretAccessKey { get; internal set; }
        public string SessionToken { get; internal set; }
        public DateTimeOffset Expiration { get; internal set; }
    }

    // A Playfield server SDK instance (the native handle). Dispose it when the server stops:
    // Dispose ends the connection (if Destroy was not called) and frees the handle, and no
    // handler runs after it returns.
    public sealed class ServerSdk : IDisposable
    {
        readonly object handleLock = new object();
        ulong handle;
        GCHandle self;

        public ServerSdk() : this(null)
        {
        }

        public ServerSdk(SdkOptions options)
        {
            var err = new PlayfieldError();
            if (options == null)
            {
                handle = Native.playfield_sdk_new(ref err);
            }
            else
            {
                using (var mem = new NativeMemory())
                {
                    var o = new PlayfieldSdkOptions
                    {
                        request_timeout_ms = options.RequestTimeoutMs,
                        activate_timeout_ms = options.ActivateTimeoutMs,
                        heartbeat_interval_ms = options.HeartbeatIntervalMs,
                        health_check_timeout_ms = options.HealthCheckTimeoutMs,
                        accept_invalid_certs = options.AcceptInvalidCerts,
                        sdk_language = mem.Utf8(options.SdkLanguage),
                    };
                    handle = Native.playfield_sdk_new_with_options(ref o, ref err);
                }
            }
            if (handle == 0) Errors.Throw("sdk_new", ref err);
            // Weak: the native side must not keep this object alive, or a forgotten SDK would
            // never be finalized (and freed).
            self = GCHandle.Alloc(this, GCHandleType.Weak);
        }

        ~ServerSdk()
        {
            Free(false);
        }

        // onStartGameSession. Runs on the SDK callback thread (Callbacks) or in DispatchEvents
        // (Queue).
        public event Action<ServerSdk, GameSession> StartGameSession;

        // onUpdateGameSession, on the same thread as StartGameSession.
        public event Action<ServerSdk, GameSessionUpdate> UpdateGameSession;

        // onProcessTerminate, on the same thread as StartGameSession; the deadline is
        // GetTerminationTime(). Call ProcessEnding when done.
        public event Action<ServerSdk> ProcessTerminate;

        // onHealthCheck: runs on an SDK worker thread in both modes; null reports healthy.
        public Func<bool> HealthCheck { get; set; }

        // An exception thrown by a handler on an SDK thread (it cannot travel into native
        // code). Without a subscriber it is written to stderr.
        public event Action<Exception> CallbackFailed;

        // Library and wire versions.
        public static string Version
        {
            get { return Native.Utf8(Native.playfield_sdk_version()); }
        }

        public static string ServerSdkVersion
        {
            get { return Native.Utf8(Native.playfield_server_sdk_version()); }
        }

        // The delivery chosen by the last ProcessReady.
        public EventDelivery Delivery { get; private set; }

        public bool IsDisposed
        {
            get
            {
                lock (handleLock) return handle == 0;
            }
        }

        ulong Handle
        {
            get
            {
                lock (handleLock)
                {
                    if (handle == 0) throw new ObjectDisposedException("ServerSdk");
                    return handle;
                }
            }
        }

        // InitSDK from the GAMELIFT_SDK_* environment variables only.
        public void InitFromEnvironment()
        {
            Errors.Check("init", (ref PlayfieldError e) => Native.playfield_init_from_environment(Handle, ref e));
        }

        public void Init(ServerParameters p)
        {
            using (var mem = new NativeMemory())
            {
                var c = new PlayfieldServerParameters
                {
                    web_socket_url = mem.Utf8(p.WebSocketUrl),
                    process_id = mem.Utf8(p.ProcessId),
                    host_id = mem.Utf8(p.HostId),
                    fleet_id = mem.Utf8(p.FleetId),
                    auth_token = mem.Utf8(p.AuthToken),
                    aws_region = mem.Utf8(p.AwsRegion),
                    access_key = mem.Utf8(p.AccessKey),
                    secret_key = mem.Utf8(p.SecretKey),
                    session_token = mem.Utf8(p.SessionToken),
                };
                Errors.Check("init", (ref PlayfieldError e) => Native.playfield_init(Handle, ref c, ref e));
            }
        }

        // ProcessReady. Subscribe the events before calling it: in Callbacks mode they may
        // fire before it returns.
        public void ProcessReady(ProcessParameters p)
        {
            using (var mem = new NativeMemory())
            {
                var paths = new IntPtr[p.LogPaths.Count];
                for (int i = 0; i < paths.Length; i++) paths[i] = mem.Utf8(p.LogPaths[i]);
                var c = new PlayfieldProcessParameters
                {
                    port = p.Port,
                    log_paths = mem.Array(paths),
                    log_path_count = new UIntPtr((uint)paths.Length),
                    delivery = (int)p.Delivery,
                    on_health_check = Callbacks.HealthCheckPointer,
                    user_data = GCHandle.ToIntPtr(self),
                };
                if (p.Delivery == EventDelivery.Callbacks)
                {
                    c.on_start_game_session = Callbacks.StartPointer;
                    c.on_update_game_session = Callbacks.UpdatePointer;
                    c.on_process_terminate = Callbacks.TerminatePointer;
                }
                Delivery = p.Delivery;
                Errors.Check("process_ready", (ref PlayfieldError e) => Native.playfield_process_ready(Handle, ref c, ref e));
            }
        }

        public void ProcessEnding()
        {
            Errors.Check("process_ending", (ref PlayfieldError e) => Native.playfield_process_ending(Handle, ref e));
        }

        // Closes the connection; waits for running handlers (unless called from one). Init may
        // be called again.
        public void Destroy()
        {
            Errors.Check("destroy", (ref PlayfieldError e) => Native.playfield_destroy(Handle, ref e));
        }

        public void ActivateGameSession()
        {
            Errors.Check("activate_game_session", (ref PlayfieldError e) => Native.playfield_activate_game_session(Handle, ref e));
        }

        public void UpdatePlayerSessionCreationPolicy(PlayerSessionCreationPolicy policy)
        {
            Errors.Check("update_player_session_creation_policy", (ref PlayfieldError e) => Native.playfield_update_player_session_creation_policy(Handle, (int)policy, ref e));
        }

        public string GetGameSessionId()
        {
            IntPtr id = Errors.CheckPointer("get_game_session_id", (ref PlayfieldError e) => Native.playfield_get_game_session_id(Handle, ref e));
            return Native.TakeString(id);
        }

        // Epoch seconds.
        public long GetTerminationTime()
        {
            var err = new PlayfieldError();
            long t = Native.playfield_get_termination_time(Handle, ref err);
            Errors.ThrowIfFailed("get_termination_time", ref err);
            return t;
        }

        public void AcceptPlayerSession(string playerSessionId)
        {
            Errors.Check("accept_player_session", (ref PlayfieldError e) => Native.playfield_accept_player_session(Handle, playerSessionId, ref e));
        }

        public void RemovePlayerSession(string playerSessionId)
        {
            Errors.Check("remove_player_session", (ref PlayfieldError e) => Native.playfield_remove_player_session(Handle, playerSessionId, ref e));
        }

        public DescribePlayerSessionsResult DescribePlayerSessions(DescribePlayerSessionsRequest request)
        {
            IntPtr result;
            using (var mem = new NativeMemory())
            {
                var c = new PlayfieldDescribePlayerSessionsRequest
                {
                    game_session_id = mem.Utf8(request.GameSessionId),
                    player_id = mem.Utf8(request.PlayerId),
                    player_session_id = mem.Utf8(request.PlayerSessionId),
                    player_session_status_filter = (int)request.StatusFilter,
                    next_token = mem.Utf8(request.NextToken),
                    limit = request.Limit,
                };
                result = Errors.CheckPointer("describe_player_sessions", (ref PlayfieldError e) => Native.playfield_describe_player_sessions(Handle, ref c, ref e));
            }
            try
            {
                return Read.DescribePlayerSessionsResult(result);
            }
            finally
            {
                Native.playfield_describe_player_sessions_result_free(result);
            }
        }

        // Returns the backfill ticket ID; the outcome arrives as an UpdateGameSession.
        public string StartMatchBackfill(StartMatchBackfillRequest request)
        {
            IntPtr ticket;
            using (var mem = new NativeMemory())
            {
                var players = new PlayfieldPlayer[request.Players.Count];
                for (int i = 0; i < players.Length; i++)
                {
                    var p = request.Players[i];
                    var latencies = new List<PlayfieldLatency>();
                    foreach (var kv in p.Latencies)
                        latencies.Add(new PlayfieldLatency { region = mem.Utf8(kv.Key), latency_ms = kv.Value });
                    players[i] = new PlayfieldPlayer
                    {
                        player_id = mem.Utf8(p.PlayerId),
                        team = mem.Utf8(p.Team),
                        attributes = mem.Array(Write.Attributes(mem, p.Attributes)),
                        attribute_count = new UIntPtr((uint)p.Attributes.Count),
                        latencies = mem.Array(latencies.ToArray()),
                        latency_count = new UIntPtr((uint)latencies.Count),
                    };
                }
                var c = new PlayfieldStartMatchBackfillRequest
                {
                    ticket_id = mem.Utf8(request.TicketId),
                    game_session_arn = mem.Utf8(request.GameSessionArn),
                    matchmaking_configuration_arn = mem.Utf8(request.MatchmakingConfigurationArn),
                    players = mem.Array(players),
                    player_count = new UIntPtr((uint)players.Length),
                };
                ticket = Errors.CheckPointer("start_match_backfill", (ref PlayfieldError e) => Native.playfield_start_match_backfill(Handle, ref c, ref e));
            }
            return Native.TakeString(ticket);
        }

        public void StopMatchBackfill(string ticketId, string gameSessionArn, string matchmakingConfigurationArn)
        {
            Errors.Check("stop_match_backfill", (ref PlayfieldError e) => Native.playfield_stop_match_backfill(Handle, ticketId, gameSessionArn, matchmakingConfigurationArn, ref e));
        }

        public ComputeCertificate GetComputeCertificate()
        {
            IntPtr cert = Errors.CheckPointer("get_compute_certificate", (ref PlayfieldError e) => Native.playfield_get_compute_certificate(Handle, ref e));
            try
            {
                var c = Marshal.PtrToStructure<PlayfieldComputeCertificate>(cert);
                return new ComputeCertificate
                {
                    CertificatePath = Native.Utf8(c.certificate_path),
                    ComputeName = Native.Utf8(c.compute_name),
                };
            }
            finally
            {
                Native.playfield_compute_certificate_free(cert);
            }
        }

        public FleetRoleCredentials GetFleetRoleCredentials(string roleArn, string roleSessionName)
        {
            IntPtr creds = Errors.CheckPointer("get_fleet_role_credentials", (ref PlayfieldError e) => Native.playfield_get_fleet_role_credentials(Handle, roleArn, roleSessionName, ref e));
            try
            {
                var c = Marshal.PtrToStructure<PlayfieldFleetRoleCredentials>(creds);
                return new FleetRoleCredentials
                {
                    AssumedRoleUserArn = Native.Utf8(c.assumed_role_user_arn),
                    AssumedRoleId = Native.Utf8(c.assumed_role_id),
                    AccessKeyId = Native.Utf8(c.access_key_id),
                    SecretAccessKey = Native.Utf8(c.secret_access_key),
                    SessionToken = Native.Utf8(c.session_token),
                    Expiration = DateTimeOffset.FromUnixTimeMilliseconds(c.expiration_ms),
                };
            }
            finally
            {
                Native.playfield_fleet_role_credentials_free(creds);
            }
        }

        // Queue mode: the next event, or null when there is none. Never waits.
        public SdkEvent PollEvent()
        {
            var err = new PlayfieldError();
            return TakeEvent("poll_event", Native.playfield_poll_event(Handle, ref err), ref err);
        }

        // Queue mode: waits up to timeoutMs for the next event; null when none came.
        public SdkEvent NextEvent(uint timeoutMs)
        {
            var err = new PlayfieldError();
            return TakeEvent("next_event", Native.playfield_next_event(Handle, timeoutMs, ref err), ref err);
        }

        // Queue mode: raises StartGameSession / UpdateGameSession / ProcessTerminate on the
        // calling thread for every queued event; returns how many. Call it once a frame (e.g.
        // from Update()). Exceptions from handlers propagate to the caller.
        public int DispatchEvents()
        {
            int n = 0;
            SdkEvent ev;
            while ((ev = PollEvent()) != null)
            {
                n++;
                Raise(ev);
            }
            return n;
        }

        // Raises the handlers for one event (what DispatchEvents does for each).
        public void Raise(SdkEvent ev)
        {
            switch (ev.Kind)
            {
                case EventKind.StartGameSession:
                {
                    var h = StartGameSession;
                    if (h != null) h(this, ev.GameSession);
                    break;
                }
                case EventKind.UpdateGameSession:
                {
                    var h = UpdateGameSession;
                    if (h != null) h(this, ev.Update);
                    break;
                }
                case EventKind.ProcessTerminate:
                {
                    var h = ProcessTerminate;
                    if (h != null) h(this);
                    break;
                }
            }
        }

        static SdkEvent TakeEvent(string operation, IntPtr ev, ref PlayfieldError err)
        {
            if (ev == IntPtr.Zero)
            {
                Errors.ThrowIfFailed(operation, ref err);
                return null;
            }
            try
            {
                return Read.Event(ev);
            }
            finally
            {
                Native.playfield_event_free(ev);
            }
        }

        public void Dispose()
        {
            Free(true);
            GC.SuppressFinalize(this);
        }

        void Free(bool disposing)
        {
            ulong h;
            lock (handleLock)
            {
                h = handle;
                handle = 0;
            }
            if (h != 0)
            {
                // Closes the connection if needed and waits for running handlers; none runs
                // after it returns, so the GCHandle they use can go.
                var err = new PlayfieldError();
                if (!Native.playfield_sdk_free(h, ref err) && disposing) Errors.Throw("sdk_free", ref err);
                Native.playfield_error_free(ref err);
            }
            if (self.IsAllocated) self.Free();
        }

        internal void ReportCallbackFailure(Exception e)
        {
            try
            {
                var h = CallbackFailed;
                if (h != null) h(e);
                else Console.Error.WriteLine("playfield: a handler threw on an SDK thread: " + e);
            }
            catch (Exception)
            {
                // Nothing may unwind into native code.
            }
        }

        internal void RaiseStart(GameSession gs)
        {
            var h = StartGameSession;
            if (h != null) h(this, gs);
        }

        internal void RaiseUpdate(GameSessionUpdate u)
        {
            var h = UpdateGameSession;
            if (h != null) h(this, u);
        }

        internal void RaiseTerminate()
        {
            var h = ProcessTerminate;
            if (h != null) h(this);
        }

        // How many native callbacks found their SDK already collected (its weak GCHandle
        // empty) and dropped the event; for tests and diagnostics.
        public static int OrphanedCallbacks
        {
            get { return Callbacks.Orphaned; }
        }

        // The entry points native code calls. The delegates and their function pointers are
        // static: the GC never moves or collects them.
        static class Callbacks
        {
            internal static int Orphaned;

            static readonly PlayfieldStartGameSessionCallback Start = OnStart;
            static readonly PlayfieldUpdateGameSessionCallback Update = OnUpdate;
            static readonly PlayfieldProcessTerminateCallback Terminate = OnTerminate;
            static readonly PlayfieldHealthCheckCallback Health = OnHealthCheck;

            internal static readonly IntPtr StartPointer = Marshal.GetFunctionPointerForDelegate(Start);
            internal static readonly IntPtr UpdatePointer = Marshal.GetFunctionPointerForDelegate(Update);
            internal static readonly IntPtr TerminatePointer = Marshal.GetFunctionPointerForDelegate(Terminate);
            internal static readonly IntPtr HealthCheckPointer = Marshal.GetFunctionPointerForDelegate(Health);

            static ServerSdk Target(IntPtr userData)
            {
                var sdk = GCHandle.FromIntPtr(userData).Target as ServerSdk;
                if (sdk == null) Interlocked.Increment(ref Orphaned);
                return sdk;
            }

            [MonoPInvokeCallback(typeof(PlayfieldStartGameSessionCallback))]
            static void OnStart(IntPtr gameSession, IntPtr userData)
            {
                ServerSdk sdk = null;
                try
                {
                    sdk = Target(userData);
                    if (sdk != null) sdk.RaiseStart(Read.GameSession(Marshal.PtrToStructure<PlayfieldGameSession>(gameSession)));
                }
                catch (Exception e)
                {
                    Fail(sdk, e);
                }
            }

            [MonoPInvokeCallback(typeof(PlayfieldUpdateGameSessionCallback))]
            static void OnUpdate(IntPtr update, IntPtr userData)
            {
                ServerSdk sdk = null;
                try
                {
                    sdk = Target(userData);
                    if (sdk != null) sdk.RaiseUpdate(Read.Update(Marshal.PtrToStructure<PlayfieldUpdateGameSession>(update)));
                }
                catch (Exception e)
                {
                    Fail(sdk, e);
                }
            }

            [MonoPInvokeCallback(typeof(PlayfieldProcessTerminateCallback))]
            static void OnTerminate(IntPtr userData)
            {
                ServerSdk sdk = null;
                try
                {
                    sdk = Target(userData);
                    if (sdk != null) sdk.RaiseTerminate();
                }
                catch (Exception e)
                {
                    Fail(sdk, e);
                }
            }

            [MonoPInvokeCallback(typeof(PlayfieldHealthCheckCallback))]
            static bool OnHealthCheck(IntPtr userData)
            {
                ServerSdk sdk = null;
                try
                {
                    sdk = Target(userData);
                    if (sdk == null) return true;
                    var check = sdk.HealthCheck;
                    return check == null || check();
                }
                catch (Exception e)
                {
                    Fail(sdk, e);
                    return false;
                }
            }

            static void Fail(ServerSdk sdk, Exception e)
            {
                if (sdk != null)
                {
                    sdk.ReportCallbackFailure(e);
                    return;
                }
                try
                {
                    Console.Error.WriteLine("playfield: a callback failed: " + e);
                }
                catch (Exception)
                {
                }
            }
        }
    }

    // Turning PlayfieldError into PlayfieldException (and freeing the message).
    static class Errors
    {
        internal static void Throw(string operation, ref PlayfieldError err)
        {
            var code = (PlayfieldErrorCode)err.code;
            string message = Native.TakeError(ref err) ?? "";
            if (code == PlayfieldErrorCode.Ok)
            {
                // A failure result always comes with a code; say so rather than report success.
                code = PlayfieldErrorCode.Unknown;
                message = "the call failed without an error code";
            }
            throw new PlayfieldException(operation, code, message);
        }

        // A native call that reports a failure through its error out-parameter.
        internal delegate T NativeCall<T>(ref PlayfieldError err);

        // Makes the call and, when `failed` says its result is a failure, throws its error
        // as a PlayfieldException naming `operation`; otherwise returns the result.
        internal static T Check<T>(string operation, Func<T, bool> failed, NativeCall<T> call)
        {
            var err = new PlayfieldError();
            T result = call(ref err);
            if (failed(result)) Throw(operation, ref err);
            return result;
        }

        // A call returning false on failure.
        internal static void Check(string operation, NativeCall<bool> call)
        {
            Check(operation, ok => !ok, call);
        }

        // A call returning a null pointer on failure; the pointer otherwise.
        internal static IntPtr CheckPointer(string operation, NativeCall<IntPtr> call)
        {
            return Check(operation, p => p == IntPtr.Zero, call);
        }

        internal static void ThrowIfFailed(string operation, ref PlayfieldError err)
        {
            if (err.code != Native.PLAYFIELD_OK) Throw(operation, ref err);
            Native.playfield_error_free(ref err);
        }
    }

    // Copies the library's structs into managed objects (nothing native is kept).
    static class Read
    {
        static T At<T>(IntPtr array, ulong index) where T : struct
        {
            return Marshal.PtrToStructure<T>(new IntPtr(array.ToInt64() + (long)index * Marshal.SizeOf<T>()));
        }

        static string Str(IntPtr s)
        {
            return Native.Utf8(s) ?? "";
        }

        internal static AttributeValue Attribute(PlayfieldAttribute a)
        {
            switch (a.value_type)
            {
                case Native.PLAYFIELD_ATTRIBUTE_STRING: return AttributeValue.Of(Str(a.string_value));
                case Native.PLAYFIELD_ATTRIBUTE_DOUBLE: return AttributeValue.Of(a.double_value);
                case Native.PLAYFIELD_ATTRIBUTE_STRING_LIST:
                {
                    var list = new List<string>();
                    for (ulong i = 0; i < a.string_list_count.ToUInt64(); i++)
                        list.Add(Str(Marshal.ReadIntPtr(a.string_list, (int)i * IntPtr.Size)));
                    return AttributeValue.Of(list);
                }
                case Native.PLAYFIELD_ATTRIBUTE_STRING_DOUBLE_MAP:
                {
                    var map = new Dictionary<string, double>();
                    for (ulong i = 0; i < a.string_double_map_count.ToUInt64(); i++)
                    {
                        var e = At<PlayfieldStringDoubleEntry>(a.string_double_map, i);
                        map[Str(e.key)] = e.value;
                    }
                    return AttributeValue.Of(map);
                }
                default: return AttributeValue.None;
            }
        }

        internal static MatchmakerData MatchmakerData(IntPtr ptr)
        {
            var md = Marshal.PtrToStructure<PlayfieldMatchmakerData>(ptr);
            var teams = new List<MatchedTeam>();
            for (ulong t = 0; t < md.team_count.ToUInt64(); t++)
            {
                var team = At<PlayfieldMatchedTeam>(md.teams, t);
                var players = new List<MatchedPlayer>();
                for (ulong p = 0; p < team.player_count.ToUInt64(); p++)
                {
                    var player = At<PlayfieldMatchedPlayer>(team.players, p);
                    var attributes = new Dictionary<string, AttributeValue>();
                    for (ulong a = 0; a < player.attribute_count.ToUInt64(); a++)
                    {
                        var attribute = At<PlayfieldAttribute>(player.attributes, a);
                        attributes[Str(attribute.name)] = Attribute(attribute);
                    }
                    players.Add(new MatchedPlayer { PlayerId = Str(player.player_id), Attributes = attributes });
                }
                teams.Add(new MatchedTeam { Name = Str(team.name), Players = players });
            }
            string autoTicket = Str(md.auto_backfill_ticket_id);
            return new MatchmakerData
            {
                MatchId = Str(md.match_id),
                MatchmakingConfigurationArn = Str(md.matchmaking_configuration_arn),
                Teams = teams,
                AutoBackfillTicketId = autoTicket.Length == 0 ? null : autoTicket,
                AutoBackfillMode = (BackfillMode)md.auto_backfill_mode,
            };
        }

        internal static GameSession GameSession(PlayfieldGameSession gs)
        {
            var properties = new Dictionary<string, string>();
            for (ulong i = 0; i < gs.game_property_count.ToUInt64(); i++)
            {
                var p = At<PlayfieldGameProperty>(gs.game_properties, i);
                properties[Str(p.key)] = Str(p.value);
            }
            return new GameSession
            {
                GameSessionId = Str(gs.game_session_id),
                Name = Str(gs.name),
                FleetId = Str(gs.fleet_id),
                MaximumPlayerSessionCount = gs.maximum_player_session_count,
                Port = gs.port,
                IpAddress = Str(gs.ip_address),
                DnsName = Str(gs.dns_name),
                GameSessionData = Str(gs.game_session_data),
                MatchmakerDataJson = Str(gs.matchmaker_data_json),
                MatchmakerData = gs.matchmaker_data == IntPtr.Zero ? null : MatchmakerData(gs.matchmaker_data),
                GameProperties = properties,
                Location = Str(gs.location),
                Status = Str(gs.status),
                StatusReason = Str(gs.status_reason),
            };
        }

        internal static GameSessionUpdate Update(PlayfieldUpdateGameSession u)
        {
            return new GameSessionUpdate
            {
                GameSession = GameSession(u.game_session),
                Reason = (UpdateReason)u.update_reason,
                BackfillTicketId = Str(u.backfill_ticket_id),
            };
        }

        internal static SdkEvent Event(IntPtr ptr)
        {
            var e = Marshal.PtrToStructure<PlayfieldEvent>(ptr);
            var ev = new SdkEvent { Kind = (EventKind)e.kind, TerminationTime = e.termination_time };
            if (e.kind == Native.PLAYFIELD_EVENT_START_GAME_SESSION || e.kind == Native.PLAYFIELD_EVENT_UPDATE_GAME_SESSION)
                ev.GameSession = GameSession(e.game_session);
            if (e.kind == Native.PLAYFIELD_EVENT_UPDATE_GAME_SESSION)
            {
                ev.Update = new GameSessionUpdate
                {
                    GameSession = ev.GameSession,
                    Reason = (UpdateReason)e.update_reason,
                    BackfillTicketId = Str(e.backfill_ticket_id),
                };
            }
            return ev;
        }

        internal static DescribePlayerSessionsResult DescribePlayerSessionsResult(IntPtr ptr)
        {
            var r = Marshal.PtrToStructure<PlayfieldDescribePlayerSessionsResult>(ptr);
            var sessions = new List<PlayerSession>();
            for (ulong i = 0; i < r.player_session_count.ToUInt64(); i++)
            {
                var ps = At<PlayfieldPlayerSession>(r.player_sessions, i);
                sessions.Add(new PlayerSession
                {
                    PlayerSessionId = Str(ps.player_session_id),
                    PlayerId = Str(ps.player_id),
                    GameSessionId = Str(ps.game_session_id),
                    FleetId = Str(ps.fleet_id),
                    CreationTime = DateTimeOffset.FromUnixTimeMilliseconds(ps.creation_time),
                    TerminationTime = ps.termination_time == 0 ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(ps.termination_time),
                    Status = (PlayerSessionStatus)ps.status,
                    IpAddress = Str(ps.ip_address),
                    Port = ps.port,
                    PlayerData = Str(ps.player_data),
                    DnsName = Str(ps.dns_name),
                });
            }
            string next = Str(r.next_token);
            return new DescribePlayerSessionsResult { NextToken = next.Length == 0 ? null : next, PlayerSessions = sessions };
        }
    }

    // Managed values to the library's input structs, in memory owned by a NativeMemory.
    static class Write
    {
        internal static PlayfieldAttribute[] Attributes(NativeMemory mem, IDictionary<string, AttributeValue> attributes)
        {
            var result = new PlayfieldAttribute[attributes.Count];
            int i = 0;
            foreach (var kv in attributes)
            {
                var v = kv.Value ?? AttributeValue.None;
                var a = new PlayfieldAttribute { name = mem.Utf8(kv.Key), value_type = (int)v.Type };
                switch (v.Type)
                {
                    case AttributeType.String:
                        a.string_value = mem.Utf8(v.String);
                        break;
                    case AttributeType.Double:
                        a.double_value = v.Double;
                        break;
                    case AttributeType.StringList:
                    {
                        var items = new IntPtr[v.StringList.Count];
                        for (int j = 0; j < items.Length; j++) items[j] = mem.Utf8(v.StringList[j]);
                        a.string_list = mem.Array(items);
                        a.string_list_count = new UIntPtr((uint)items.Length);
                        break;
                    }
                    case AttributeType.StringDoubleMap:
                    {
                        var entries = new List<PlayfieldStringDoubleEntry>();
                        foreach (var e in v.StringDoubleMap)
                            entries.Add(new PlayfieldStringDoubleEntry { key = mem.Utf8(e.Key), value = e.Value });
                        a.string_double_map = mem.Array(entries.ToArray());
                        a.string_double_map_count = new UIntPtr((uint)entries.Count);
                        break;
                    }
                }
                result[i++] = a;
            }
            return result;
        }
    }

    // Unmanaged memory for one call's input structs and strings, freed together afterwards.
    sealed class NativeMemory : IDisposable
    {
        readonly List<IntPtr> blocks = new List<IntPtr>();

        // A NUL-terminated UTF-8 copy of s; IntPtr.Zero for null.
        public IntPtr Utf8(string s)
        {
            if (s == null) return IntPtr.Zero;
            byte[] bytes = Encoding.UTF8.GetBytes(s);
            IntPtr p = Alloc(bytes.Length + 1);
            Marshal.Copy(bytes, 0, p, bytes.Length);
            Marshal.WriteByte(p, bytes.Length, 0);
            return p;
        }

        // A C array of pointers (char *const *); IntPtr.Zero when empty.
        public IntPtr Array(IntPtr[] items)
        {
            if (items.Length == 0) return IntPtr.Zero;
            IntPtr p = Alloc(IntPtr.Size * items.Length);
            Marshal.Copy(items, 0, p, items.Length);
            return p;
        }

        // A C array of the items; IntPtr.Zero when empty (the header's "NULL exactly when the
        // count is 0").
        public IntPtr Array<T>(T[] items) where T : struct
        {
            if (items.Length == 0) return IntPtr.Zero;
            int size = Marshal.SizeOf<T>();
            IntPtr p = Alloc(size * items.Length);
            for (int i = 0; i < items.Length; i++)
                Marshal.StructureToPtr(items[i], new IntPtr(p.ToInt64() + (long)i * size), false);
            return p;
        }

        IntPtr Alloc(int size)
        {
            IntPtr p = Marshal.AllocHGlobal(Math.Max(size, 1));
            blocks.Add(p);
            return p;
        }

        public void Dispose()
        {
            foreach (var p in blocks) Marshal.FreeHGlobal(p);
            blocks.Clear();
        }
    }
}
