using System.Text;
using System.Text.Json;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage;

/// <summary>The stored text of an <see cref="Alert"/>, as <see cref="AlertJson"/> writes it (the store keeps acknowledgement
/// and silenced in columns of their own).</summary>
internal static class AlertViewJson
{
    public static string Serialize(Alert alert)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            AlertJson.Write(writer, alert);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static Alert Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return AlertJson.Read(document.RootElement);
    }

    /// <summary>The alert's instruments as a JSON array (SQLite's instruments column).</summary>
    public static string SerializeInstruments(IReadOnlyList<string> instruments)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (string instrument in instruments)
            {
                writer.WriteStringValue(instrument);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
