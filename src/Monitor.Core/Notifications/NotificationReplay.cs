using Monitor.Core.Alerts;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Core.Notifications;

/// <summary>What replaying the policy over a backtest's transitions found: the engine's counts, and per rule the alerts that fired.</summary>
public sealed record NotificationReplayReport(NotificationCounts Counts, IReadOnlyDictionary<string, int> AlertsFiredByRule);

/// <summary>
/// The policy over a backtest's alert transitions, in event time: each transition is stored as live stores it (silenced
/// when a silence active then matches it), groups flush at their due times between events, and the counts say what each
/// step of the policy kept from being sent (docs/notifications.md, Counts). Nobody acknowledges in a backtest, so repeats
/// go on while alerts fire.
/// </summary>
public sealed class NotificationReplay
{
    private readonly NotificationEngine _engine;
    private readonly IReadOnlyList<Silence> _silences;
    private readonly SortedDictionary<string, HashSet<string>> _fired = new(StringComparer.Ordinal);

    public NotificationReplay(NotificationPolicy policy, IReadOnlyList<Silence> silences)
    {
        ArgumentNullException.ThrowIfNull(silences);
        _engine = new NotificationEngine(policy) { Silences = silences };
        _silences = silences;
    }

    /// <summary>Flushes the groups due before the transition, then takes it in.</summary>
    public void Observe(AlertTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        FlushThrough(transition.At, inclusive: false);
        if (!AlertConsequences.IsNotified(transition))
        {
            return;
        }

        var alert = transition.Alert;
        if (transition.To == AlertState.Firing)
        {
            if (!_fired.TryGetValue(alert.RuleId, out var ids))
            {
                _fired[alert.RuleId] = ids = new HashSet<string>(StringComparer.Ordinal);
            }

            ids.Add(alert.Id);
        }

        _engine.Observe(new StoredAlert(alert, null, Silence.AnyMatches(_silences, alert, transition.At), []), transition.At);
    }

    /// <summary>Flushes every group due up to <paramref name="end"/>, the end of the run.</summary>
    public NotificationReplayReport Finish(DateTimeOffset end)
    {
        FlushThrough(end, inclusive: true);
        return new NotificationReplayReport(_engine.Counts, _fired.ToDictionary(f => f.Key, f => f.Value.Count, StringComparer.Ordinal));
    }

    private void FlushThrough(DateTimeOffset time, bool inclusive)
    {
        while (_engine.NextDueAt is { } due && (due < time || (inclusive && due == time)))
        {
            _engine.Flush(due);
        }
    }
}
