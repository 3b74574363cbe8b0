// PlayfieldServer.cs: a thin Unity component over the engine-agnostic binding in Binding/
// (PlayfieldSdk.cs over Playfield.cs). It runs the GameLift life of a dedicated server in
// queue mode, so every event is handled on Unity's main thread: Update() calls
// DispatchEvents(), which raises the ServerSdk events right there. Attach it to an object in
// the server scene; it connects with the GAMELIFT_SDK_* environment variables, as
// `playfield serve` sets them for the processes it launches.
//
// The binding itself is compiled and run through whole sessions under Mono by
// ffi/tests/mono.rs (samples/csharp is that host); this file is compiled there against a
// stand-in for the few UnityEngine types it uses.
using System;
using UnityEngine;

namespace Playfield
{
    public class PlayfieldServer : MonoBehaviour
    {
        public int port = 7777;

        ServerSdk sdk;
        GameSession gameSession;

        void Start()
        {
            try
            {
                sdk = new ServerSdk();
                sdk.InitFromEnvironment();
                sdk.StartGameSession += OnStartGameSession;
                sdk.UpdateGameSession += OnUpdateGameSession;
                sdk.ProcessTerminate += OnProcessTerminate;
                // Runs on an SDK worker thread: only read thread-safe state here.
                sdk.HealthCheck = () => true;
                sdk.ProcessReady(new ProcessParameters { Port = port, Delivery = EventDelivery.Queue });
                Debug.Log("playfield: process ready on port " + port);
            }
            catch (PlayfieldException e)
            {
                Debug.LogError("playfield: " + e.Message);
                Shutdown();
            }
        }

        // Events queue up in the library until the main thread takes them here.
        void Update()
        {
            if (sdk == null) return;
            try
            {
                sdk.DispatchEvents();
            }
            catch (PlayfieldException e)
            {
                Debug.LogError("playfield: " + e.Message);
            }
        }

        void OnStartGameSession(ServerSdk s, GameSession gs)
        {
            gameSession = gs;
            Debug.Log("playfield: game session " + gs.GameSessionId);
            if (gs.MatchmakerData != null)
            {
                foreach (var team in gs.MatchmakerData.Teams)
                    foreach (var player in team.Players)
                        Debug.Log("playfield: team " + team.Name + " player " + player.PlayerId);
            }
            s.ActivateGameSession();
        }

        void OnUpdateGameSession(ServerSdk s, GameSessionUpdate update)
        {
            gameSession = update.GameSession;
            Debug.Log("playfield: game session updated (" + update.Reason + "), backfill ticket '" +
                      update.BackfillTicketId + "'");
        }

        void OnProcessTerminate(ServerSdk s)
        {
            Debug.Log("playfield: terminate by " + s.GetTerminationTime());
            Application.Quit();
        }

        // Call when a player connects with its player session ID.
        public bool AcceptPlayer(string playerSessionId)
        {
            try
            {
                sdk.AcceptPlayerSession(playerSessionId);
                return true;
            }
            catch (PlayfieldException e)
            {
                Debug.LogWarning("playfield: " + e.Message);
                return false;
            }
        }

        // Call when a player leaves.
        public void RemovePlayer(string playerSessionId)
        {
            try
            {
                sdk.RemovePlayerSession(playerSessionId);
            }
            catch (PlayfieldException e)
            {
                Debug.LogWarning("playfield: " + e.Message);
            }
        }

        // The current game session (null before one starts).
        public GameSession CurrentGameSession
        {
            get { return gameSession; }
        }

        void OnApplicationQuit()
        {
            Shutdown();
        }

        void Shutdown()
        {
            if (sdk == null) return;
            try
            {
                sdk.ProcessEnding();
            }
            catch (PlayfieldException e)
            {
                Debug.LogWarning("playfield: " + e.Message);
            }
            // Dispose closes the connection and waits for running handlers; no handler runs
            // after it returns.
            sdk.Dispose();
            sdk = null;
        }
    }
}
