using System.Text;
using System.Text.Json;

namespace Monitor.Notifications.Messages;

/// <summary>Writes a JSON body with <see cref="Utf8JsonWriter"/> and returns it as text.</summary>
internal static class MessageJson
{
    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>At most <paramref name="max"/> characters, ending with an ellipsis when cut (the services refuse longer fields).</summary>
    public static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
