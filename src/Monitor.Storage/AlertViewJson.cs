using System.Globalization;
using System.Text;
using System.Text.Json;
using Monitor.Core.Rules;

namespace Monitor.Storage;

/// <summary>
/// The stored text of an <see cref="Alert"/>: the fields of CONTRACT.md section 5's alert view that the rule engine
/// owns (the store keeps acknowledgement and silenced in columns of their own). Times are written in UTC with all
/// seven decimals; a non-finite value (which JSON cannot hold as a number) is written as a string.
/// </summary>
internal static class AlertViewJson
{
    public static string Serialize(Alert alert)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            WriteFields(writer, alert);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the alert's fields into the object <paramref name="w"/> is in (a webhook payload adds the store's fields after them).</summary>
    public static void WriteFields(Utf8JsonWriter w, Alert alert)
    {
        w.WriteString("id", alert.Id);
        w.WriteString("ruleId", alert.RuleId);
        w.WriteString("ruleName", alert.RuleName);
        w.WriteString("type", alert.Type.ToText());
        w.WriteString("severity", alert.Severity.ToText());
        w.WriteStartArray("instruments");
        foreach (string instrument in alert.Instruments)
        {
            w.WriteStringValue(instrument);
        }

        w.WriteEndArray();
        w.WriteString("state", alert.State.ToText());
        w.WriteString("direction", alert.Direction);
        w.WriteString("startedAt", FormatTime(alert.StartedAt));
        WriteTime(w, "firedAt", alert.FiredAt);
        WriteTime(w, "resolvedAt", alert.ResolvedAt);
        w.WriteString("message", alert.Message);
        w.WriteStartObject("values");
        foreach (var (name, value) in alert.Values)
        {
            if (double.IsFinite(value))
            {
                w.WriteNumber(name, value);
            }
            else
            {
                w.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
            }
        }

        w.WriteEndObject();
    }

    public static Alert Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var instruments = root.GetProperty("instruments").EnumerateArray().Select(item => item.GetString()!).ToArray();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("values").EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? double.Parse(property.Value.GetString()!, CultureInfo.InvariantCulture)
                : property.Value.GetDouble();
        }

        return new Alert(
            root.GetProperty("id").GetString()!,
            root.GetProperty("ruleId").GetString()!,
            root.GetProperty("ruleName").GetString()!,
            ParseEnum<RuleType>(root.GetProperty("type")),
            ParseEnum<AlertSeverity>(root.GetProperty("severity")),
            instruments,
            ParseEnum<AlertState>(root.GetProperty("state")),
            root.GetProperty("direction").GetString(),
            ParseTime(root.GetProperty("startedAt"))!.Value,
            ParseTime(root.GetProperty("firedAt")),
            ParseTime(root.GetProperty("resolvedAt")),
            root.GetProperty("message").GetString()!,
            values);
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

    private static T ParseEnum<T>(JsonElement element)
        where T : struct, Enum =>
        RuleText.TryParse(element.GetString(), out T value)
            ? value
            : throw new InvalidDataException($"stored alert has an unknown {typeof(T).Name} '{element.GetString()}'");

    public static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteString(name, FormatTime(value));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(JsonElement element) =>
        element.ValueKind == JsonValueKind.Null
            ? null
            : DateTimeOffset.ParseExact(element.GetString()!, "yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
