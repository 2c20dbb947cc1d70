using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Monitor.Core.Market;

namespace Monitor.Server.Api;

/// <summary>Reads the fields of one submitted JSON item, each failure a message that names the field and the problem.</summary>
internal static class JsonItems
{
    public static bool TryGetInstrument(JsonElement item, InstrumentCatalog catalog, out InstrumentDefinition definition, out string error)
    {
        definition = null!;
        if (!TryGetString(item, "instrument", required: true, out string? text, out error))
        {
            return false;
        }

        if (!InstrumentId.TryParse(text, out var id, out error))
        {
            return false;
        }

        if (!catalog.TryGet(id, out definition))
        {
            error = $"unknown instrument '{id}'; add it with PUT /api/v1/instruments/{id} or use one of GET /api/v1/instruments";
            return false;
        }

        if (definition.Expression is not null)
        {
            error = $"'{id}' is a derived series: its values are computed from {definition.Expression}, not sent";
            return false;
        }

        return true;
    }

    /// <summary>
    /// An ISO-8601 time with an offset, or Unix milliseconds, from 1970 to <paramref name="maxAhead"/> past
    /// <paramref name="now"/> (any time when null); truncated to whole microseconds, as stored.
    /// </summary>
    public static bool TryGetTime(
        JsonElement item, string name, bool required, DateTimeOffset now, TimeSpan? maxAhead, out DateTimeOffset? time, out string error)
    {
        time = null;
        error = "";
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error = required ? $"'{name}' is missing" : "";
            return !required;
        }

        DateTimeOffset parsed;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetDouble(out double millis) || !double.IsFinite(millis) || millis > 253_402_300_799_999)
            {
                error = $"'{name}' {value.GetRawText()} is not a time in Unix milliseconds";
                return false;
            }

            if (millis < 0)
            {
                error = $"'{name}' {value.GetRawText()} is before 1970";
                return false;
            }

            parsed = DateTimeOffset.UnixEpoch.AddTicks((long)(millis * TimeSpan.TicksPerMillisecond));
        }
        else if (value.ValueKind == JsonValueKind.String && HasExplicitOffset(value) && value.TryGetDateTimeOffset(out parsed))
        {
            // The usual case, a round-trip time such as a feed sends, without the general parser's two passes.
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            string text = value.GetString()!;
            if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var local)
                || local.Kind == DateTimeKind.Unspecified
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out parsed))
            {
                error = $"'{name}' '{UntrustedText.Printable(text)}' is not an ISO-8601 time with an offset (such as 2026-01-14T15:30:00Z)";
                return false;
            }
        }
        else
        {
            error = $"'{name}' must be an ISO-8601 string or Unix milliseconds, not {Describe(value)}";
            return false;
        }

        if (parsed < DateTimeOffset.UnixEpoch)
        {
            error = $"'{name}' {parsed:O} is before 1970";
            return false;
        }

        if (maxAhead is { } ahead && parsed > now + ahead)
        {
            error = $"'{name}' {parsed:O} is more than {ahead} ahead of the server clock ({now:O}); see Monitor:Ingest:MaxFutureSkew";
            return false;
        }

        time = new DateTimeOffset(parsed.UtcTicks - (parsed.UtcTicks % 10), TimeSpan.Zero);
        return true;
    }

    /// <summary>
    /// Whether a JSON string is short enough for whole 100 ns ticks (at most 7 fraction digits) and ends in an offset
    /// (<c>Z</c> or <c>+hh:mm</c>), so System.Text.Json's ISO-8601 reading gives what the general parser gives:
    /// without an offset it would assume the server's own.
    /// </summary>
    private static bool HasExplicitOffset(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value).Trim((byte)'"');
        return raw.Length <= "2026-01-14T15:30:00.1234567+00:00".Length
            && raw.Length > 6
            && (raw[^1] == (byte)'Z' || (raw[^6] is (byte)'+' or (byte)'-' && raw[^3] == (byte)':'));
    }

    public static bool TryGetNumber(JsonElement item, string name, bool required, out double? number, out string error)
    {
        number = null;
        error = "";
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error = required ? $"'{name}' is missing" : "";
            return !required;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            error = $"'{name}' must be a number, not {Describe(value)}";
            return false;
        }

        if (!value.TryGetDouble(out double parsed) || !double.IsFinite(parsed))
        {
            error = $"'{name}' {value.GetRawText()} is not a finite number";
            return false;
        }

        number = parsed;
        return true;
    }

    public static bool TryGetString(JsonElement item, string name, bool required, out string? text, out string error)
    {
        text = null;
        error = "";
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error = required ? $"'{name}' is missing" : "";
            return !required;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error = $"'{name}' must be a string, not {Describe(value)}";
            return false;
        }

        text = value.GetString();
        return true;
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string '{UntrustedText.Printable(value.GetString() ?? "")}'",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{value.GetRawText()}",
        _ => "null",
    };
}
