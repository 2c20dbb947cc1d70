using System.Globalization;
using System.Text.Json;

namespace Monitor.Core.Rules;

/// <summary>
/// The JSON of an <see cref="Alert"/>: the fields of the alert view (docs/api.md, Alerts and silences) that the rule engine owns
/// (stores, backtest reports and webhooks write the same text). Times are written in UTC as System.Text.Json writes a
/// <see cref="DateTimeOffset"/>, so the alert reads the same wherever the service shows it (the HTTP API and the hub
/// serialize their views with System.Text.Json). A value that is not a finite number is left out, as the views do.
/// </summary>
public static class AlertJson
{
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
        WriteTime(writer, "startedAt", alert.StartedAt);
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
        }

        writer.WriteEndObject();
        writer.WriteNumber("ruleVersion", alert.RuleVersion);
        writer.WriteStartObject("labels");
        foreach (var (key, value) in alert.Labels)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("inputs");
        foreach (var input in alert.Inputs)
        {
            WriteInput(writer, input);
        }

        writer.WriteEndArray();
    }

    private static void WriteInput(Utf8JsonWriter writer, AlertInput input)
    {
        writer.WriteStartObject();
        writer.WriteString("series", input.Series);
        if (double.IsFinite(input.Value))
        {
            writer.WriteNumber("value", input.Value);
        }
        else
        {
            writer.WriteNull("value");
        }

        writer.WriteString("unit", input.Unit);
        WriteTime(writer, "at", input.At);
        if (input.AsOf is { } asOf)
        {
            writer.WriteString("asOf", asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            WriteTime(writer, "publishedAt", input.PublishedAt);
        }

        writer.WriteEndObject();
    }

    private static AlertInput ReadInput(JsonElement item) => new(
        item.GetProperty("series").GetString()!,
        item.GetProperty("value") is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : double.NaN,
        item.GetProperty("unit").GetString(),
        ReadTime(item.GetProperty("at"))!.Value,
        item.TryGetProperty("asOf", out var asOf) ? DateOnly.ParseExact(asOf.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        item.TryGetProperty("publishedAt", out var published) ? ReadTime(published) : null);

    public static Alert Read(JsonElement root)
    {
        var instruments = root.GetProperty("instruments").EnumerateArray().Select(item => item.GetString()!).ToArray();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("values").EnumerateObject())
        {
            // Texts stored before non-finite values were left out hold them as strings.
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
            values)
        {
            // Alerts stored before rule versions, labels and inputs were kept have none of them.
            RuleVersion = root.TryGetProperty("ruleVersion", out var version) ? version.GetInt32() : 0,
            Labels = root.TryGetProperty("labels", out var labels)
                ? RuleLabels.From(labels.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)))
                : RuleLabels.Empty,
            Inputs = root.TryGetProperty("inputs", out var inputs) ? [.. inputs.EnumerateArray().Select(ReadInput)] : [],
        };
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
            writer.WriteString(name, value.ToUniversalTime());
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static DateTimeOffset? ReadTime(JsonElement element) =>
        element.ValueKind == JsonValueKind.Null
            ? null
            : element.GetDateTimeOffset().ToUniversalTime();
}
