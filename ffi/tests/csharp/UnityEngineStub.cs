// The few UnityEngine types samples/unity/PlayfieldServer.cs uses, with Unity's signatures, so
// ffi/tests/mono.rs can compile that component against the binding without Unity. Not Unity.
namespace UnityEngine
{
    public class Object
    {
    }

    public class Component : Object
    {
    }

    public class Behaviour : Component
    {
    }

    public class MonoBehaviour : Behaviour
    {
    }

    public static class Debug
    {
        public static void Log(object message)
        {
        }

        public static void LogWarning(object message)
        {
        }

        public static void LogError(object message)
        {
        }
    }

    public static class Application
    {
        public static void Quit()
        {
        }
    }
}
