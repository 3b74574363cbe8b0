// PlayfieldServer.cs: a Unity component that runs the GameLift life of a dedicated server
// through Playfield.cs, in queue mode so every event is handled on Unity's main thread
// (Update). Attach it to an object in the server scene; it connects with the GAMELIFT_SDK_*
// environment variables, as `playfield serve` sets them for the processes it launches.
//
// It shows the pattern; the C and C++ samples (samples/c, samples/cpp) are the ones the tests
// run through a whole session. There is no C# toolchain in this repository's CI, so this file
// is not compiled there (Playfield.cs is checked against the header by ffi/tests/unity.rs).
using System;
using System.Runtime.InteropServices;
using UnityEngine;

namespace Playfield
{
    public class PlayfieldServer : MonoBehaviour
    {
        public int port = 7777;

        ulong sdk;
        string gameSessionId;

        // Kept in a static field: the SDK calls it from its own thread for as long as it runs.
        static readonly PlayfieldHealthCheckCallback HealthCheck = Healthy;

        [AOT.MonoPInvokeCallback(typeof(PlayfieldHealthCheckCallback))]
        static bool Healthy(IntPtr userData)
        {
            return true;
        }

        void Start()
        {
            var err = new PlayfieldError();
            sdk = Native.playfield_sdk_new(ref err);
            if (sdk == 0)
            {
                Debug.LogError("playfield: " + Native.TakeError(ref err));
                return;
            }
            if (!Native.playfield_init_from_environment(sdk, ref err))
            {
                Debug.LogError("playfield init: " + Native.TakeError(ref err));
                Shutdown();
                return;
            }
            var parameters = new PlayfieldProcessParameters
            {
                port = port,
                delivery = Native.PLAYFIELD_DELIVERY_QUEUE,
                on_health_check = Marshal.GetFunctionPointerForDelegate(HealthCheck),
            };
            if (!Native.playfield_process_ready(sdk, ref parameters, ref err))
            {
                Debug.LogError("playfield process ready: " + Native.TakeError(ref err));
                Shutdown();
                return;
            }
            Debug.Log("playfield: process ready on port " + port);
        }

        void Update()
        {
            if (sdk == 0) return;
            var err = new PlayfieldError();
            IntPtr ev;
            while ((ev = Native.playfield_poll_event(sdk, ref err)) != IntPtr.Zero)
            {
                try
                {
                    var e = Marshal.PtrToStructure<PlayfieldEvent>(ev);
                    switch (e.kind)
                    {
                        case Native.PLAYFIELD_EVENT_START_GAME_SESSION:
                            OnStartGameSession(e.game_session);
                            break;
                        case Native.PLAYFIELD_EVENT_UPDATE_GAME_SESSION:
                            Debug.Log("playfield: game session updated, reason " + e.update_reason +
                                      ", ticket " + Native.Utf8(e.backfill_ticket_id));
                            break;
                        case Native.PLAYFIELD_EVENT_PROCESS_TERMINATE:
                            Debug.Log("playfield: terminate by " + e.termination_time);
                            Application.Quit();
                            break;
                    }
                }
                finally
                {
                    Native.playfield_event_free(ev);
                }
            }
            if (err.code != Native.PLAYFIELD_OK) Debug.LogError("playfield poll: " + Native.TakeError(ref err));
        }

        void OnStartGameSession(PlayfieldGameSession gs)
        {
            gameSessionId = Native.Utf8(gs.game_session_id);
            Debug.Log("playfield: game session " + gameSessionId + ", matchmaker data " +
                      Native.Utf8(gs.matchmaker_data_json));
            if (gs.matchmaker_data != IntPtr.Zero)
            {
                var md = Marshal.PtrToStructure<PlayfieldMatchmakerData>(gs.matchmaker_data);
                int teamSize = Marshal.SizeOf<PlayfieldMatchedTeam>();
                int playerSize = Marshal.SizeOf<PlayfieldMatchedPlayer>();
                for (ulong t = 0; t < md.team_count.ToUInt64(); t++)
                {
                    var team = Marshal.PtrToStructure<PlayfieldMatchedTeam>(
                        new IntPtr(md.teams.ToInt64() + (long)t * teamSize));
                    for (ulong p = 0; p < team.player_count.ToUInt64(); p++)
                    {
                        var player = Marshal.PtrToStructure<PlayfieldMatchedPlayer>(
                            new IntPtr(team.players.ToInt64() + (long)p * playerSize));
                        Debug.Log("playfield: team " + Native.Utf8(team.name) + " player " +
                                  Native.Utf8(player.player_id));
                    }
                }
            }
            var err = new PlayfieldError();
            if (!Native.playfield_activate_game_session(sdk, ref err))
                Debug.LogError("playfield activate: " + Native.TakeError(ref err));
        }

        // Call when a player connects with its player session ID.
        public bool AcceptPlayer(string playerSessionId)
        {
            var err = new PlayfieldError();
            if (Native.playfield_accept_player_session(sdk, playerSessionId, ref err)) return true;
            Debug.LogWarning("playfield accept: " + Native.TakeError(ref err));
            return false;
        }

        // Call when a player leaves.
        public void RemovePlayer(string playerSessionId)
        {
            var err = new PlayfieldError();
            if (!Native.playfield_remove_player_session(sdk, playerSessionId, ref err))
                Debug.LogWarning("playfield remove: " + Native.TakeError(ref err));
        }

        void OnApplicationQuit()
        {
            Shutdown();
        }

        void Shutdown()
        {
            if (sdk == 0) return;
            var err = new PlayfieldError();
            if (!Native.playfield_process_ending(sdk, ref err)) Native.TakeError(ref err);
            if (!Native.playfield_destroy(sdk, ref err)) Native.TakeError(ref err);
            Native.playfield_sdk_free(sdk, ref err);
            Native.TakeError(ref err);
            sdk = 0;
        }
    }
}
