using System.Globalization;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Core.Sources;
using Monitor.Grains.Alerts;

namespace Monitor.Server.Sources;

/// <summary>
/// Raises a source's <c>sourceLate</c> alert (rule id <c>source:&lt;id&gt;</c>) when its newest report becomes late and
/// resolves it when a newer one arrives, through the <see cref="AlertPublisher"/> like any alert (stored with its
/// silences and webhook deliveries, then pushed to every silo's hub). Its id comes from the source and the moment it
/// became late, so raising it twice stores it once.
/// </summary>
public sealed class SourceLateAlerts(AlertPublisher publisher)
{
    public const string RulePrefix = "source:";

    public async Task<SourceState> UpdateAsync(SourceDefinition definition, SourceState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(state);
        var lateAt = SourceSchedule.LateAt(definition, state.LastActivityDate);
        if (lateAt is { } since && now >= since && state.LateSince is null)
        {
            var alert = Alert(definition, state.LastActivityDate, since);
            await PublishAsync(new AlertTransition(null, AlertState.Firing, since, alert), cancellationToken).ConfigureAwait(false);
            return state with { LateSince = since };
        }

        if (state.LateSince is { } lateSince && (lateAt is null || now < lateAt))
        {
            var alert = Alert(definition, state.LastActivityDate, lateSince) with { State = AlertState.Resolved, ResolvedAt = now };
            await PublishAsync(new AlertTransition(AlertState.Firing, AlertState.Resolved, now, alert), cancellationToken).ConfigureAwait(false);
            return state with { LateSince = null };
        }

        return state;
    }

    private static Alert Alert(SourceDefinition definition, DateOnly? lastActivityDate, DateTimeOffset lateSince)
    {
        string ruleId = RulePrefix + definition.Id;
        string newest = lastActivityDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none";
        string lateAfter = definition.LateAfter is { } after ? RuleWindow.FromDuration(after).Text : "";
        return new Alert(
            AlertId.Create(ruleId, [], lateSince),
            ruleId,
            $"Source {definition.Id} is late",
            RuleType.SourceLate,
            AlertSeverity.Warning,
            [],
            AlertState.Firing,
            null,
            lateSince,
            lateSince,
            null,
            $"{definition.Id} ({definition.Kind}): the newest report is for {newest}, older than {lateAfter} of {definition.Calendar} business days",
            new Dictionary<string, double>());
    }

    private Task PublishAsync(AlertTransition transition, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return publisher.PublishAsync([transition]);
    }
}
