using System.Globalization;
using System.Text.Json;

namespace Monitor.Core.Rules;

/// <summary>
/// The JSON of an <see cref="Alert"/>: the fields of CONTRACT.md section 5's alert view that the rule engine owns
/// (stores and backtest reports write the same text). Times are written in UTC with all seven decimals; a non-finite
/// value (which JSON cannot hold as a number) is written as a string.
/// </summary>
public static class AlertJson
{
    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ss.fffffffZ";

    public static void Write(Utf8JsonWriter writer, Alert alert)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteFields(writer, alert);
        writer.WriteEndObject();
    }

    /// <summary>The alert's fields into an object the caller has started (a webhook payload adds its own after them).</summary>
    public static void WriteFields(Utf8JsonWriter writer, Alert alert)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(alert);
        writer.WriteString("id", alert.Id);
        writer.WriteString("ruleId", alert.RuleId);
        writer.WriteString("ruleName", alert.RuleName);
        writer.WriteString("type", alert.Type.ToText());
        writer.WriteString("severity", alert.Severity.ToText());
        writer.WriteStartArray("instruments");
        foreach (string instrument in alert.Instruments)
        {
            writer.WriteStringValue(instrument);
        }

        writer.WriteEndArray();
        writer.WriteString("state", alert.State.ToText());
        writer.WriteString("direction", alert.Direction);
        writer.WriteString("startedAt", FormatTime(alert.StartedAt));
        WriteTime(writer, "firedAt", alert.FiredAt);
        WriteTime(writer, "resolvedAt", alert.ResolvedAt);
        writer.WriteString("message", alert.Message);
        writer.WriteStartObject("values");
        foreach (var (name, value) in alert.Values)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumber(name, value);
            }
            else
            {
                writer.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
            }
        }

        writer.WriteEndObject();
    }

    public static Alert Read(JsonElement root)
    {
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
            ReadEnum<RuleType>(root.GetProperty("type")),
            ReadEnum<AlertSeverity>(root.GetProperty("severity")),
            instruments,
            ReadEnum<AlertState>(root.GetProperty("state")),
            root.GetProperty("direction").GetString(),
            ReadTime(root.GetProperty("startedAt"))!.Value,
            ReadTime(root.GetProperty("firedAt")),
            ReadTime(root.GetProperty("resolvedAt")),
            root.GetProperty("message").GetString()!,
            values);
    }

    private static T ReadEnum<T>(JsonElement element)
        where T : struct, Enum =>
        RuleText.TryParse(element.GetString(), out T value)
            ? value
            : throw new InvalidDataException($"alert JSON has an unknown {typeof(T).Name} '{element.GetString()}'");

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

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset? ReadTime(JsonElement element) =>
        element.ValueKind == JsonValueKind.Null
            ? null
            : DateTimeOffset.ParseExact(element.GetString()!, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
