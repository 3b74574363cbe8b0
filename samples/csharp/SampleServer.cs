// Sample game server in C#, over the engine-agnostic binding of samples/unity/Binding
// (PlayfieldSdk.cs over Playfield.cs): the whole life of a server process, as samples/c and
// samples/cpp do, in either event mode of the C API:
//
//   callbacks: the SDK raises StartGameSession / UpdateGameSession / ProcessTerminate on its
//              callback thread; the handlers activate the game session and hand the rest to
//              the main (game) thread.
//   queue:     the main thread runs a frame loop and calls DispatchEvents() every frame, as a
//              Unity MonoBehaviour does from Update(); the same handlers run on the main
//              thread.
//
//  1. connect from the GAMELIFT_SDK_* environment; process ready;
//  2. on the game session: print it and its matchmaker data (teams, players, typed
//     attributes), activate, accept the reserved player sessions, remove one, request a
//     backfill for the slot, play until UpdateGameSession reports the outcome (stopping the
//     backfill if it did not end on its own);
//  3. process ending, dispose.
//
// It also leans on the managed/native boundary, for ffi/tests/mono.rs: health checks every
// few milliseconds that allocate and force a full GC (GC.Collect + WaitForPendingFinalizers)
// while another thread forces GCs in a loop, a deliberate failing call (the exception's code
// and message), an SDK left to the finalizer, and a second SDK ("<process id>-stress")
// disposed while an event is pending (queue: the StartGameSession event waiting, unread;
// callbacks: a StartGameSession handler still running).
//
//   mcs -out:sample_server.exe samples/unity/Binding/*.cs samples/csharp/SampleServer.cs
//   GAMELIFT_SDK_WEBSOCKET_URL=ws://127.0.0.1:9081 GAMELIFT_SDK_AUTH_TOKEN=dev \
//   GAMELIFT_SDK_FLEET_ID=fleet-1 GAMELIFT_SDK_HOST_ID=local GAMELIFT_SDK_PROCESS_ID=proc-1 \
//   mono sample_server.exe callbacks|queue [port] [session-seconds] [--player-latency-ms MS]
//
// --player-latency-ms (50 by default) is the latency the backfill request reports for each
// player still in the game: a rule set with a latency rule refuses a backfill whose players
// report none. A real server measures its players; this sample has none to measure.
//
// Every line it prints starts with a fixed word so tests can follow it.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Playfield;

static class SampleServer
{
    // Heartbeat period for the stress: a health check (managed code on an SDK worker
    // thread) every few milliseconds.
    const uint HeartbeatMs = 5;

    // The session does not end before this many health checks crossed the boundary.
    const int MinHealthChecks = 50;

    static EventDelivery mode;
    static int mainThread;
    static readonly object gate = new object();

    // What the handlers hand to the main thread.
    static GameSession started;
    static GameSessionUpdate update;
    static bool terminated;

    static int healthChecks;
    static int forcedGcs;
    // SDKs whose Dispose has returned: no handler of theirs may run any more.
    static readonly HashSet<ServerSdk> freed = new HashSet<ServerSdk>();
    static int lateCallbacks;

    static void Say(string line)
    {
        lock (gate) Console.WriteLine(line);
    }

    static readonly object gcLock = new object();

    // A full, blocking GC: every managed object not rooted is collected and finalized now.
    // One at a time: Mono 6.8 lost the wake-up of a GC.WaitForPendingFinalizers when several
    // threads called it at once (the caller waited for ever, the finalizer thread idle).
    static void FullGc()
    {
        lock (gcLock)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            forcedGcs++;
        }
    }

    static string ThreadName()
    {
        return Thread.CurrentThread.ManagedThreadId == mainThread ? "main thread" : "SDK thread";
    }

    static int Usage()
    {
        Console.Error.WriteLine("usage: sample_server.exe callbacks|queue [port] [session-seconds] [--player-latency-ms MS]");
        return 2;
    }

    static int Main(string[] args)
    {
        if (args.Length < 1 || (args[0] != "callbacks" && args[0] != "queue")) return Usage();
        mode = args[0] == "callbacks" ? EventDelivery.Callbacks : EventDelivery.Queue;
        int port = 7777;
        double sessionSeconds = 5.0;
        int latencyMs = 50;
        var positional = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--player-latency-ms" && i + 1 < args.Length)
            {
                if (!int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out latencyMs) || latencyMs < 0)
                {
                    Console.Error.WriteLine("--player-latency-ms: not a number of milliseconds (0 or more): '" + args[i] + "'");
                    return Usage();
                }
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) || positional.Count == 2)
                return Usage();
            else
                positional.Add(args[i]);
        }
        if (positional.Count > 0 &&
            (!int.TryParse(positional[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535))
        {
            Console.Error.WriteLine("port: not a port number (1 to 65535): '" + positional[0] + "'");
            return Usage();
        }
        if (positional.Count > 1 &&
            (!double.TryParse(positional[1], NumberStyles.Float, CultureInfo.InvariantCulture, out sessionSeconds) ||
             double.IsNaN(sessionSeconds) || double.IsInfinity(sessionSeconds) || sessionSeconds < 0))
        {
            Console.Error.WriteLine("session-seconds: not a number of seconds (0 or more): '" + positional[1] + "'");
            return Usage();
        }
        mainThread = Thread.CurrentThread.ManagedThreadId;
        string pid = Environment.GetEnvironmentVariable("GAMELIFT_SDK_PROCESS_ID") ?? "ManagedResource";
        // With a 5 ms heartbeat the default 10 s jitter would make most waits 0.
        Environment.SetEnvironmentVariable("HEALTHCHECK_MAX_JITTER", "1ms");

        Say("sample server (C#): library " + ServerSdk.Version + ", server SDK " + ServerSdk.ServerSdkVersion +
            ", mode " + args[0] + ", runtime " + Environment.Version);

        var stop = new ManualResetEvent(false);
        var collector = new Thread(() =>
        {
            while (!stop.WaitOne(1)) FullGc();
        });
        collector.IsBackground = true;
        collector.Start();

        int status;
        try
        {
            status = Run(port, sessionSeconds, latencyMs);
            Stress(pid);
        }
        catch (PlayfieldException e)
        {
            Say("error: " + e.Operation + ": " + e.LibraryMessage + " (code " + (int)e.Code + ")");
            status = 1;
        }
        stop.Set();
        collector.Join();
        Say("health checks: " + healthChecks + ", forced GCs: " + forcedGcs + ", late callbacks: " + lateCallbacks +
            ", orphaned callbacks: " + ServerSdk.OrphanedCallbacks);
        Say("bye");
        return status;
    }

    static void Disposed(ServerSdk sdk)
    {
        lock (gate) freed.Add(sdk);
    }

    // Counts a handler that runs for an SDK after its Dispose returned (the C API promises
    // none does).
    static void CheckAlive(ServerSdk sdk)
    {
        lock (gate)
            if (freed.Contains(sdk)) lateCallbacks++;
    }

    static int Run(int port, double sessionSeconds, int latencyMs)
    {
        var sdk = new ServerSdk(new SdkOptions { HeartbeatIntervalMs = HeartbeatMs });
        try
        {
            sdk.InitFromEnvironment();
            Say("connected");
            sdk.HealthCheck = () => Healthy(sdk);
            sdk.CallbackFailed += e => Say("error: handler: " + e);
            sdk.StartGameSession += OnStartGameSession;
            sdk.UpdateGameSession += OnUpdateGameSession;
            sdk.ProcessTerminate += OnProcessTerminate;
            sdk.ProcessReady(new ProcessParameters
            {
                Port = port,
                LogPaths = { "logs/sample-server-cs.log" },
                Delivery = mode,
            });
            Say("process ready on port " + port + "; waiting for a game session");

            if (!Pump(sdk, () => started != null || terminated, 3600))
            {
                Say("error: no game session came");
                return 1;
            }
            if (started != null) Host(sdk, started, sessionSeconds, latencyMs);
            sdk.ProcessEnding();
            sdk.Destroy();
        }
        finally
        {
            sdk.Dispose();
            Disposed(sdk);
        }
        return 0;
    }

    // The game's loop: in queue mode one DispatchEvents() per frame (events run here); in
    // callbacks mode the handlers run on the SDK thread and this only waits. Returns whether
    // `done` became true within `seconds`.
    static bool Pump(ServerSdk sdk, Func<bool> done, double seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (mode == EventDelivery.Queue) sdk.DispatchEvents();
            lock (gate)
            {
                if (done()) return true;
                if (DateTime.UtcNow > deadline) return false;
                Monitor.Wait(gate, 10); // a frame
            }
        }
    }

    static bool Healthy(ServerSdk sdk)
    {
        CheckAlive(sdk);
        Interlocked.Increment(ref healthChecks);
        // Garbage, then a full GC, on the SDK's worker thread.
        var garbage = new List<string>();
        for (int i = 0; i < 100; i++) garbage.Add(new string('x', i));
        FullGc();
        return garbage.Count == 100;
    }

    static void OnStartGameSession(ServerSdk sdk, GameSession gs)
    {
        CheckAlive(sdk);
        FullGc();
        Say("events on: " + ThreadName() + " (" + mode + ")");
        Say("game session started: " + gs.GameSessionId + " name '" + gs.Name + "' max players " + gs.MaximumPlayerSessionCount);
        foreach (var p in gs.GameProperties) Say("game property: " + p.Key + "=" + p.Value);
        PrintMatchmakerData(gs);
        // Activated from the handler, as the official SDKs' samples do (the SDK thread in
        // callbacks mode may call the SDK).
        sdk.ActivateGameSession();
        Say("game session active");
        lock (gate)
        {
            started = gs;
            Monitor.PulseAll(gate);
        }
    }

    static void OnUpdateGameSession(ServerSdk sdk, GameSessionUpdate u)
    {
        CheckAlive(sdk);
        FullGc();
        var md = u.GameSession.MatchmakerData;
        Say("game session updated: reason " + ReasonName(u.Reason) + " ticket '" + u.BackfillTicketId + "' players " +
            (md == null ? 0 : md.PlayerCount) + " (on " + ThreadName() + ")");
        if (md != null)
            foreach (var team in md.Teams)
                foreach (var player in team.Players)
                    Say("updated player: team " + team.Name + " player " + player.PlayerId);
        lock (gate)
        {
            update = u;
            Monitor.PulseAll(gate);
        }
    }

    static void OnProcessTerminate(ServerSdk sdk)
    {
        Say("terminate: at " + sdk.GetTerminationTime());
        lock (gate)
        {
            terminated = true;
            Monitor.PulseAll(gate);
        }
    }

    static string ReasonName(UpdateReason reason)
    {
        switch (reason)
        {
            case UpdateReason.MatchmakingDataUpdated: return "MATCHMAKING_DATA_UPDATED";
            case UpdateReason.BackfillFailed: return "BACKFILL_FAILED";
            case UpdateReason.BackfillTimedOut: return "BACKFILL_TIMED_OUT";
            case UpdateReason.BackfillCancelled: return "BACKFILL_CANCELLED";
            default: return "UNKNOWN";
        }
    }

    static void PrintMatchmakerData(GameSession gs)
    {
        if (gs.MatchmakerDataJson.Length == 0)
        {
            Say("matchmaker: none (not a FlexMatch game session)");
            return;
        }
        Say("matchmaker json: " + gs.MatchmakerDataJson);
        var md = gs.MatchmakerData;
        if (md == null)
        {
            try
            {
                MatchmakerData.Parse(gs.MatchmakerDataJson);
            }
            catch (PlayfieldException e)
            {
                Say("error: matchmaker data: " + e.LibraryMessage + " (code " + (int)e.Code + ")");
            }
            return;
        }
        Say("matchmaker: match " + md.MatchId + " configuration " + md.MatchmakingConfigurationArn +
            " backfill mode " + md.AutoBackfillMode);
        foreach (var team in md.Teams)
        {
            foreach (var player in team.Players)
            {
                var line = "matched player: team " + team.Name + " player " + player.PlayerId;
                foreach (var a in player.Attributes) line += " " + a.Key + "=" + a.Value;
                Say(line);
            }
        }
    }

    static void Host(ServerSdk sdk, GameSession gs, double sessionSeconds, int latencyMs)
    {
        var md = gs.MatchmakerData;
        int expected = md != null ? md.PlayerCount : 1;
        var players = AcceptPlayers(sdk, gs.GameSessionId, expected, 10.0);

        // The error path: a made-up player session is refused with a code and a message.
        try
        {
            sdk.AcceptPlayerSession("psess-made-up");
            Say("error: a made-up player session was accepted");
        }
        catch (PlayfieldException e)
        {
            Say("expected error: " + e.Operation + " code " + e.Code + " (" + (int)e.Code + "): " + e.LibraryMessage);
        }

        string ticket = null;
        if (players.Count > 0)
        {
            var left = players[players.Count - 1];
            players.RemoveAt(players.Count - 1);
            sdk.RemovePlayerSession(left.PlayerSessionId);
            Say("player left: " + left.PlayerId);
            ticket = RequestBackfill(sdk, gs, left.PlayerId, latencyMs);
        }

        Say("playing");
        Pump(sdk, () => update != null || terminated, sessionSeconds);
        // Many callbacks, each with a forced GC, before the session ends.
        Pump(sdk, () => Volatile.Read(ref healthChecks) >= MinHealthChecks || terminated, 60);
        if (ticket != null && (update == null || update.BackfillTicketId != ticket))
        {
            sdk.StopMatchBackfill(ticket, gs.GameSessionId, md.MatchmakingConfigurationArn);
            Say("backfill stopped: " + ticket);
        }
        foreach (var p in players) sdk.RemovePlayerSession(p.PlayerSessionId);
        Say("game session over");
    }

    // Waits (up to `seconds`) until `expected` player sessions are reserved, then accepts them.
    static List<PlayerSession> AcceptPlayers(ServerSdk sdk, string gameSessionId, int expected, double seconds)
    {
        Say("waiting for " + expected + " player(s)");
        var request = new DescribePlayerSessionsRequest
        {
            GameSessionId = gameSessionId,
            StatusFilter = PlayerSessionStatus.Reserved,
        };
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        DescribePlayerSessionsResult page;
        while (true)
        {
            page = sdk.DescribePlayerSessions(request);
            if (page.PlayerSessions.Count >= expected || DateTime.UtcNow > deadline) break;
            Pump(sdk, () => false, 0.05);
        }
        var accepted = new List<PlayerSession>();
        foreach (var ps in page.PlayerSessions)
        {
            sdk.AcceptPlayerSession(ps.PlayerSessionId);
            Say("player accepted: " + ps.PlayerId + " " + ps.PlayerSessionId);
            accepted.Add(ps);
        }
        return accepted;
    }

    // The region of an ARN (arn:aws:gamelift:<region>::gamesession/...); "" when it is not one.
    static string ArnRegion(string arn)
    {
        var fields = arn.Split(':');
        return fields.Length > 4 ? fields[3] : "";
    }

    // Asks FlexMatch for a replacement for `left`, sending every matched player still here
    // with their team and attributes, as the matchmaker data gave them, and their latency.
    static string RequestBackfill(ServerSdk sdk, GameSession gs, string left, int latencyMs)
    {
        var md = gs.MatchmakerData;
        if (md == null || md.MatchmakingConfigurationArn.Length == 0)
        {
            Say("backfill: not a FlexMatch game session, nothing to request");
            return null;
        }
        // Guide 002 line 2389: a backfill gives each player's latency only for the region the
        // game session is in, read from its ARN. The matchmaker data carries no latencies; a
        // real server would report what it measured for each player, this one reports
        // latencyMs for every player.
        string region = ArnRegion(gs.GameSessionId);
        var request = new StartMatchBackfillRequest
        {
            GameSessionArn = gs.GameSessionId,
            MatchmakingConfigurationArn = md.MatchmakingConfigurationArn,
        };
        foreach (var team in md.Teams)
        {
            foreach (var player in team.Players.Where(p => p.PlayerId != left))
            {
                var backfillPlayer = new BackfillPlayer
                {
                    PlayerId = player.PlayerId,
                    Team = team.Name,
                    Attributes = player.Attributes.ToDictionary(a => a.Key, a => a.Value),
                };
                if (region.Length > 0) backfillPlayer.Latencies[region] = latencyMs;
                request.Players.Add(backfillPlayer);
            }
        }
        Say("backfill: requesting a replacement for " + left + " (" + request.Players.Count + " players stay)");
        FullGc();
        string ticket = sdk.StartMatchBackfill(request);
        Say("backfill requested: ticket " + ticket);
        return ticket;
    }

    // The boundary under stress, after the session proper.
    static void Stress(string pid)
    {
        // 1. An SDK nobody disposes: the finalizer frees it.
        LeakOne();
        FullGc();
        Say("stress: forgotten SDK finalized");

        // 2. An SDK disposed while an event is pending.
        string stressPid = pid + "-stress";
        Environment.SetEnvironmentVariable("GAMELIFT_SDK_PROCESS_ID", stressPid);
        var entered = new ManualResetEventSlim(false);
        var release = new ManualResetEventSlim(false);
        bool handlerReturned = false;
        var sdk = new ServerSdk(new SdkOptions { HeartbeatIntervalMs = HeartbeatMs });
        sdk.InitFromEnvironment();
        sdk.HealthCheck = () => Healthy(sdk);
        sdk.StartGameSession += (s, gs) =>
        {
            CheckAlive(s);
            // Callbacks mode: hold the SDK thread inside the handler until Dispose has begun.
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(60));
            FullGc();
            handlerReturned = true;
        };
        sdk.ProcessReady(new ProcessParameters { Port = 7778, Delivery = mode });
        Say("stress: ready " + stressPid);
        if (mode == EventDelivery.Queue)
        {
            // The StartGameSession event is queued once the game session ID is set; wait for
            // that without reading the queue.
            string id = null;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (id == null && DateTime.UtcNow < deadline)
            {
                try
                {
                    id = sdk.GetGameSessionId();
                }
                catch (PlayfieldException e)
                {
                    if (e.Code != PlayfieldErrorCode.GameSessionIdNotSet) throw;
                    Thread.Sleep(5);
                }
            }
            FullGc();
            sdk.Dispose();
            Disposed(sdk);
            Say("stress: disposed with the StartGameSession event of " + id + " unread (queue)");
        }
        else
        {
            if (!entered.Wait(TimeSpan.FromSeconds(90))) throw new TimeoutException("no StartGameSession on the stress SDK");
            // Let the handler go only once Dispose is under way on this thread: Dispose must
            // wait for it (the native side waits for running callbacks).
            var stressed = sdk;
            var releaser = new Thread(() =>
            {
                while (!stressed.IsDisposed) Thread.Sleep(1);
                FullGc();
                release.Set();
            });
            releaser.Start();
            sdk.Dispose();
            Disposed(sdk);
            Say("stress: disposed while a StartGameSession handler ran; it returned before Dispose: " + handlerReturned + " (callbacks)");
            releaser.Join();
        }
        sdk = null;
        FullGc();
        new ServerSdk().Dispose();
        Say("stress: a new SDK after that works");
    }

    static void LeakOne()
    {
        var forgotten = new ServerSdk();
        forgotten.HealthCheck = () => true;
    }
}
