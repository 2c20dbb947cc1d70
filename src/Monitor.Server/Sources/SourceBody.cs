using Monitor.Core.Ports;
using System.Text.Json;
using Monitor.Core.Calendars;
using Monitor.Core.Market;
using Monitor.Core.Rules;
using Monitor.Core.Sources;
using Monitor.Sources;

namespace Monitor.Server.Sources;

/// <summary>
/// A source as written to <c>/api/v1/sources</c> or under <c>Monitor:Sources:Definitions</c>. Left out: <c>timeZone</c>
/// is UTC, <c>lateAfter</c> and <c>calendar</c> the kind's (<see cref="SourceKinds"/>), <c>enabled</c> true,
/// <c>mapping</c> empty.
/// </summary>
public sealed record SourceBody(
    string? Id,
    string? Kind,
    string? Url,
    string? Schedule,
    string? TimeZone,
    string? LateAfter,
    string? Calendar,
    bool? Enabled,
    JsonElement? Mapping)
{
    private const int MaxIdLength = 64;
    private const int MaxUrlLength = 2000;

    /// <summary>The definition, or null with every problem added to <paramref name="problems"/>.</summary>
    public SourceDefinition? ToDefinition(List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (string.IsNullOrWhiteSpace(Id) || Id.Length > MaxIdLength || !char.IsAsciiLetterOrDigit(Id[0])
            || !Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            problems.Add($"'id' must be 1 to {MaxIdLength} letters, digits, '-', '_' or '.', starting with a letter or digit (such as \"cme-silver\"), got '{UntrustedText.Printable(Id ?? "")}'");
        }

        if (!ReportParsers.Kinds.Contains(Kind ?? "", StringComparer.Ordinal))
        {
            problems.Add($"'kind' must be one of {string.Join(", ", ReportParsers.Kinds)}, got '{UntrustedText.Printable(Kind ?? "")}'");
        }

        if (Url is null || Url.Length > MaxUrlLength || !Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            problems.Add($"'url' must be an absolute http or https URL of at most {MaxUrlLength} characters, got '{UntrustedText.Printable(Url ?? "")}'");
        }

        if (SourceSchedule.Problem(Schedule) is { } scheduleProblem)
        {
            problems.Add(scheduleProblem);
        }

        string zone = string.IsNullOrWhiteSpace(TimeZone) ? "UTC" : TimeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            problems.Add($"'timeZone' '{UntrustedText.Printable(zone)}' is not an IANA time zone (such as America/Chicago)");
        }

        TimeSpan? lateAfter = Kind is null ? null : SourceKinds.DefaultLateAfter(Kind);
        if (!string.IsNullOrWhiteSpace(LateAfter))
        {
            if (RuleWindow.TryParse(LateAfter, out var window, out string error) && !window.IsBarCount)
            {
                lateAfter = window.Duration;
            }
            else
            {
                problems.Add($"'lateAfter' {(window.IsBarCount ? $"'{UntrustedText.Printable(LateAfter)}' is a number, not a duration" : error)}: write an ISO-8601 duration such as P1DT6H");
            }
        }

        var calendar = Kind is null ? ExchangeCalendar.Nyse : SourceKinds.DefaultCalendar(Kind);
        if (!string.IsNullOrWhiteSpace(Calendar) && !ExchangeCalendar.TryGet(Calendar, out calendar))
        {
            problems.Add($"'calendar' must be one of {string.Join(", ", ExchangeCalendar.All.Select(c => c.Name))}, got '{UntrustedText.Printable(Calendar)}'");
        }

        if (Mapping is { } mapping && mapping.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            problems.Add("'mapping' must be a JSON object, such as {\"instruments\":[\"COMEX:SI\"]}");
        }

        return problems.Count > 0
            ? null
            : new SourceDefinition(
                Id!, Kind!, Url!, Schedule!.Trim(), zone, lateAfter, calendar.Name, Enabled ?? true,
                Mapping is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : "{}");
    }
}
