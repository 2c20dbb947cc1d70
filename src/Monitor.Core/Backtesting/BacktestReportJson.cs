using System.Text;
using System.Text.Json;
using Monitor.Core.Notifications;
using Monitor.Core.Rules;

namespace Monitor.Core.Backtesting;

/// <summary>
/// A backtest's JSON (docs/api.md, Backtests): <c>state</c>, <c>progress</c>, <c>stats</c>, <c>alerts</c> (as the alerts API
/// writes them), <c>rules</c> (statistics by rule id), and <c>parameters</c> (range and rule definitions, to reproduce it).
/// </summary>
public static class BacktestReportJson
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>A completed backtest's report.</summary>
    public static string Serialize(BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Write(writer =>
        {
            writer.WriteString("state", Completed);
            writer.WriteNumber("progress", 1);
            WriteParameters(writer, report.Rules, report.From, report.To);
            WriteStats(writer, report.Counts);
            writer.WriteStartArray("alerts");
            foreach (var alert in report.Alerts)
            {
                AlertJson.Write(writer, alert);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("rules");
            foreach (var rule in report.Rules)
            {
                writer.WritePropertyName(rule.Id);
                WriteRule(writer, report.RuleStatistics[rule.Id]);
            }

            writer.WriteEndObject();
            if (report.Notifications is { } notifications)
            {
                WriteNotifications(writer, notifications);
            }
        });
    }

    /// <summary>A backtest still running, or one that failed (<paramref name="error"/> says why).</summary>
    public static string Serialize(
        string state, double progress, IReadOnlyList<RuleDefinition> rules, DateTimeOffset? from, DateTimeOffset? to, string? error = null) =>
        Write(writer =>
        {
            writer.WriteString("state", state);
            writer.WriteNumber("progress", Math.Round(progress, 4));
            if (error is not null)
            {
                writer.WriteString("error", error);
            }

            WriteParameters(writer, rules, from, to);
        });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteParameters(Utf8JsonWriter writer, IReadOnlyList<RuleDefinition> rules, DateTimeOffset? from, DateTimeOffset? to)
    {
        writer.WriteStartObject("parameters");
        AlertJson.WriteTime(writer, "from", from);
        AlertJson.WriteTime(writer, "to", to);
        writer.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            RuleJson.Write(writer, rule);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter writer, BacktestCounts counts)
    {
        writer.WriteStartObject("stats");
        writer.WriteNumber("ticks", counts.Ticks);
        writer.WriteNumber("inventoryValues", counts.InventoryValues);
        writer.WriteNumber("elapsedMs", Math.Round(counts.Elapsed.TotalMilliseconds, 1));
        writer.WriteNumber("ticksPerSecond", Math.Round(counts.TicksPerSecond));
        writer.WriteNumber("duplicateTicks", counts.DuplicateTicks);
        writer.WriteNumber("lateTicks", counts.LateTicks);
        writer.WriteNumber("bars", counts.Bars);
        writer.WriteNumber("transitions", counts.Transitions);
        writer.WriteNumber("instruments", counts.Instruments);
        AlertJson.WriteTime(writer, "firstEvent", counts.FirstEvent);
        AlertJson.WriteTime(writer, "lastEvent", counts.LastEvent);
        writer.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter writer, RuleStatistics statistics)
    {
        writer.WriteStartObject();
        writer.WriteNumber("fired", statistics.Fired);
        writer.WriteNumber("resolved", statistics.Resolved);
        writer.WriteNumber("pendingOnly", statistics.PendingOnly);
        WriteNumber(writer, "meanDurationBars", statistics.MeanDurationBars);
        WriteNumber(writer, "firesPerDay", statistics.FiresPerDay);
        writer.WriteNumber("flapping", statistics.Flapping);
        writer.WriteStartObject("forwardReturnPct");
        foreach (var (horizon, value) in statistics.ForwardReturnPct)
        {
            WriteNumber(writer, horizon, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>notifications</c>: per receiver, the transitions routed to it, the notifications by reason and what each step
    /// removed; per rule, the alerts that fired and the notifications that carried them.
    /// </summary>
    private static void WriteNotifications(Utf8JsonWriter writer, NotificationReplayReport report)
    {
        writer.WriteStartObject("notifications");
        writer.WriteStartObject("receivers");
        foreach (var (name, counts) in report.Counts.Receivers)
        {
            writer.WriteStartObject(name);
            writer.WriteNumber("transitions", counts.Transitions);
            writer.WriteNumber("notifications", counts.Notifications);
            writer.WriteNumber("first", counts.First);
            writer.WriteNumber("updates", counts.Updates);
            writer.WriteNumber("repeats", counts.Repeats);
            writer.WriteNumber("resolved", counts.Resolved);
            writer.WriteStartObject("removed");
            writer.WriteNumber("grouping", counts.RemovedByGrouping);
            writer.WriteNumber("silences", counts.RemovedBySilences);
            writer.WriteNumber("inhibition", counts.RemovedByInhibition);
            writer.WriteNumber("muteTimings", counts.RemovedByMuteTimings);
            writer.WriteNumber("sendResolved", counts.RemovedBySendResolved);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("rules");
        foreach (string ruleId in report.AlertsFiredByRule.Keys.Union(report.Counts.NotificationsByRule.Keys).Order(StringComparer.Ordinal))
        {
            writer.WriteStartObject(ruleId);
            writer.WriteNumber("alertsFired", report.AlertsFiredByRule.GetValueOrDefault(ruleId));
            writer.WriteNumber("notifications", report.Counts.NotificationsByRule.GetValueOrDefault(ruleId));
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumber(name, Math.Round(number, 6));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
