using System.Security.Cryptography;
using System.Text;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Core.Notifications;

/// <summary>
/// Applies a <see cref="NotificationPolicy"/> to alerts as Alertmanager's dispatcher does (docs/notifications.md):
/// routes each firing or resolved alert to its groups, and on each group's flush (after <c>groupWait</c>, then every
/// <c>groupInterval</c>) decides whether to notify: first, when the alerts changed, again after <c>repeatInterval</c>
/// unless every firing alert is acknowledged, and once when all resolved (if the receiver wants resolved alerts).
/// Inhibited, silenced and muted alerts are left out. Pure and deterministic: time is the <c>now</c> each call is
/// given, and the same calls give the same notifications with the same ids, live and in backtests.
/// </summary>
public sealed class NotificationEngine
{
    private readonly RouteTree _routes;
    private readonly Dictionary<string, ReceiverDefinition> _receivers = new(StringComparer.Ordinal);
    private readonly Inhibitions _inhibitions;
    private readonly SortedDictionary<string, NotificationGroup> _groups = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, StoredAlert> _firing = new(StringComparer.Ordinal);

    // The groups by when they flush next, so a flush finds the due ones without looking at the others.
    // A group is queued once: when it forms, and again at each flush that leaves it standing.
    private readonly PriorityQueue<string, (DateTimeOffset At, string Key)> _schedule = new(FlushOrder.Instance);

    private static readonly Comparer<StoredAlert> OldestFirst = Comparer<StoredAlert>.Create(static (x, y) =>
    {
        int byStart = x.Alert.StartedAt.CompareTo(y.Alert.StartedAt);
        return byStart != 0 ? byStart : string.CompareOrdinal(x.Alert.Id, y.Alert.Id);
    });

    // Reused by every flush, which runs on one thread: a flush that sends nothing allocates next to nothing.
    private readonly List<string> _dueKeys = [];
    private readonly List<StoredAlert> _sendableFiring = [];
    private readonly List<StoredAlert> _sendableResolved = [];
    private readonly List<string> _resolvedIds = [];

    /// <param name="state">State to resume from (<see cref="State"/> of an earlier engine over the same policy).</param>
    public NotificationEngine(NotificationPolicy policy, NotificationEngineState? state = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _routes = new RouteTree(policy);
        foreach (var receiver in policy.Receivers)
        {
            _receivers.TryAdd(receiver.Name, receiver);
        }

        _inhibitions = new Inhibitions(policy.InhibitRules);
        if (state is not null)
        {
            foreach (var group in state.Groups)
            {
                _groups[group.Key] = group;
                Schedule(group);
            }

            foreach (var alert in state.Firing)
            {
                _firing[alert.Alert.Id] = alert;
                _inhibitions.Firing(alert.Alert, AlertLabels.Of(alert.Alert));
            }
        }
    }

    /// <summary>Silences to apply at flush time, beside each alert's own silenced flag (the store's, at its transition).</summary>
    public IReadOnlyList<Silence> Silences { get; set; } = [];

    /// <summary>What was routed, sent and removed so far by this engine (not part of <see cref="State"/>).</summary>
    public NotificationCounts Counts { get; } = new();

    /// <summary>When the earliest group flushes, or null when there is no group.</summary>
    public DateTimeOffset? NextDueAt => _schedule.TryPeek(out _, out var next) ? next.At : null;

    public NotificationEngineState State => new([.. _groups.Values], [.. _firing.Values]);

    /// <summary>The alert ids of the groups, by group key (the board shows alerts by group).</summary>
    public IEnumerable<NotificationGroup> Groups => _groups.Values;

    /// <summary>
    /// Takes in the alert as stored after a change at <paramref name="now"/>: a firing or resolved transition joins or
    /// updates its groups; an acknowledgement or other change updates the alert where it is. Pending alerts and alerts
    /// resolved without a group are not notified.
    /// </summary>
    public void Observe(StoredAlert alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var labels = AlertLabels.Of(alert.Alert);
        bool firing = alert.Alert.State == AlertState.Firing;
        if (firing)
        {
            _firing[alert.Alert.Id] = alert;
            _inhibitions.Firing(alert.Alert, labels);
        }
        else
        {
            _firing.Remove(alert.Alert.Id);
            _inhibitions.Remove(alert.Alert.Id);
        }

        if (alert.Alert.State == AlertState.Pending)
        {
            return;
        }

        foreach (var route in _routes.Match(labels))
        {
            if (_receivers.GetValueOrDefault(route.Receiver) is not { Kind: not null })
            {
                continue;
            }

            var groupLabels = GroupLabels(route, labels);
            string key = $"{route.Id}:{{{string.Join(",", groupLabels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}";
            if (!_groups.TryGetValue(key, out var group))
            {
                if (!firing)
                {
                    continue;
                }

                group = new NotificationGroup
                {
                    Key = key,
                    RouteId = route.Id,
                    Receiver = route.Receiver,
                    Labels = groupLabels,
                    CreatedAt = now,
                    NextFlushAt = now + route.GroupWait,
                };
                _groups[key] = group;
                Schedule(group);
            }

            bool known = group.Alerts.TryGetValue(alert.Alert.Id, out var before);
            if (!known && !firing)
            {
                continue;
            }

            bool changed = !known || before!.Alert.Alert.State != alert.Alert.State;
            group.Alerts[alert.Alert.Id] = new GroupAlert(alert, (before?.News ?? 0) + (changed ? 1 : 0));
            if (changed)
            {
                Counts.For(group.Receiver).Transitions++;
            }
        }
    }

    /// <summary>Flushes every group due at <paramref name="now"/>, oldest due first, and returns what they send.</summary>
    public IReadOnlyList<Notification> Flush(DateTimeOffset now)
    {
        _dueKeys.Clear();
        while (_schedule.TryPeek(out _, out var next) && next.At <= now)
        {
            _dueKeys.Add(_schedule.Dequeue());
        }

        List<Notification>? notifications = null;
        foreach (string key in _dueKeys)
        {
            var group = _groups[key];
            var route = RouteOf(group);
            group.NextFlushAt = now + route.GroupInterval;
            if (Decide(group, route, now) is { } notification)
            {
                (notifications ??= []).Add(notification);
            }

            foreach (string resolved in _resolvedIds)
            {
                group.Alerts.Remove(resolved);
            }

            if (group.Alerts.Count == 0)
            {
                _groups.Remove(group.Key);
            }
            else
            {
                Schedule(group);
            }
        }

        return notifications ?? [];
    }

    /// <summary>
    /// A group's flush: which alerts can be sent, and whether that makes a notification (Alertmanager's dedup, plus
    /// acknowledgements). Leaves the ids of the group's resolved alerts in <see cref="_resolvedIds"/>.
    /// </summary>
    private Notification? Decide(NotificationGroup group, ResolvedRoute route, DateTimeOffset now)
    {
        var receiver = _receivers[group.Receiver];
        var counts = Counts.For(group.Receiver);
        bool muted = route.IsMutedAt(now);
        var firing = _sendableFiring;
        var resolved = _sendableResolved;
        firing.Clear();
        resolved.Clear();
        _resolvedIds.Clear();
        bool anyFiring = false;
        for (int i = 0; i < group.Alerts.Count; i++)
        {
            string id = group.Alerts.GetKeyAtIndex(i);
            var entry = group.Alerts.GetValueAtIndex(i);
            var alert = entry.Alert;
            bool isFiring = alert.Alert.State == AlertState.Firing;
            anyFiring |= isFiring;
            if (alert.Alert.State == AlertState.Resolved)
            {
                _resolvedIds.Add(id);
            }

            bool silenced = alert.Silenced || IsSilenced(alert.Alert, now);
            bool inhibited = isFiring && !silenced && _inhibitions.IsInhibited(alert.Alert);
            if (entry.News > 0)
            {
                group.Alerts.SetValueAtIndex(i, entry with { News = 0 });
                if (silenced)
                {
                    counts.RemovedBySilences += entry.News;
                }
                else if (inhibited)
                {
                    counts.RemovedByInhibition += entry.News;
                }
                else if (muted)
                {
                    counts.RemovedByMuteTimings += entry.News;
                }
                else if (!isFiring && !receiver.SendResolved)
                {
                    // The resolution is what this receiver does not want; a firing before it in the same flush was folded away.
                    counts.RemovedBySendResolved++;
                }
            }

            if (!silenced && !inhibited)
            {
                (isFiring ? firing : resolved).Add(alert);
            }
        }

        var reason = Reason(group.LastSent, firing, resolved, anyFiring, receiver.SendResolved, route.RepeatInterval, now);
        if (reason is null || muted)
        {
            return null;
        }

        group.LastSent = new SentNotification(now, IdsOf(firing), IdsOf(resolved));
        if (reason == NotificationReason.Resolved && !receiver.SendResolved)
        {
            return null;
        }

        group.Sequence++;
        switch (reason)
        {
            case NotificationReason.First: counts.First++; break;
            case NotificationReason.Update: counts.Updates++; break;
            case NotificationReason.Repeat: counts.Repeats++; break;
            default: counts.Resolved++; break;
        }

        var alerts = new List<StoredAlert>(firing.Count + (receiver.SendResolved ? resolved.Count : 0));
        AddOldestFirst(alerts, firing);
        if (receiver.SendResolved)
        {
            AddOldestFirst(alerts, resolved);
        }

        foreach (string ruleId in alerts.Select(a => a.Alert.RuleId).Distinct(StringComparer.Ordinal))
        {
            Counts.NotificationsByRule[ruleId] = Counts.NotificationsByRule.GetValueOrDefault(ruleId) + 1;
        }

        return new Notification(
            NotificationId(group, reason.Value, group.LastSent), group.Receiver, group.Key, group.Labels,
            firing.Count > 0 ? NotificationStatus.Firing : NotificationStatus.Resolved, reason.Value, alerts, now);
    }

    /// <summary>
    /// Alertmanager's <c>needsUpdate</c>: nothing sent yet and something fires; an alert fires that was not in the last
    /// notification; everything resolved after something had fired; (for receivers wanting them) new resolved alerts;
    /// or <paramref name="repeatInterval"/> has passed since the last one, and not every firing alert is acknowledged
    /// or shelved.
    /// </summary>
    private static NotificationReason? Reason(
        SentNotification? last, List<StoredAlert> firing, List<StoredAlert> resolved, bool anyFiring, bool sendResolved, TimeSpan repeatInterval, DateTimeOffset now)
    {
        if (last is null)
        {
            return firing.Count > 0 ? NotificationReason.First : null;
        }

        if (AnyNotIn(firing, last.Firing))
        {
            return NotificationReason.Update;
        }

        if (firing.Count == 0)
        {
            // Everything resolved: said once. Alerts that still fire but are silenced or inhibited are not a resolution.
            return !anyFiring && last.Firing.Count > 0 ? NotificationReason.Resolved : null;
        }

        if (sendResolved && AnyNotIn(resolved, last.Resolved))
        {
            return NotificationReason.Update;
        }

        return now - last.At >= repeatInterval && AnyUnhandled(firing, now) ? NotificationReason.Repeat : null;
    }

    private static string[] IdsOf(List<StoredAlert> alerts)
    {
        var ids = new string[alerts.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = alerts[i].Alert.Id;
        }

        return ids;
    }

    /// <summary>Appends <paramref name="alerts"/> by start time, then id (distinct in a group: the order is total).</summary>
    private static void AddOldestFirst(List<StoredAlert> into, List<StoredAlert> alerts)
    {
        int from = into.Count;
        into.AddRange(alerts);
        into.Sort(from, alerts.Count, OldestFirst);
    }

    private static bool AnyNotIn(List<StoredAlert> alerts, IReadOnlyList<string> ids)
    {
        foreach (var alert in alerts)
        {
            if (!ids.Contains(alert.Alert.Id))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether some alert is neither acknowledged nor shelved at <paramref name="now"/>.</summary>
    private static bool AnyUnhandled(List<StoredAlert> alerts, DateTimeOffset now)
    {
        foreach (var alert in alerts)
        {
            if (alert.Acknowledgement is null && !alert.IsShelvedAt(now))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSilenced(Alert alert, DateTimeOffset now)
    {
        for (int i = 0; i < Silences.Count; i++)
        {
            if (Silences[i].Matches(alert, now))
            {
                return true;
            }
        }

        return false;
    }

    private void Schedule(NotificationGroup group) => _schedule.Enqueue(group.Key, (group.NextFlushAt, group.Key));

    private ResolvedRoute RouteOf(NotificationGroup group) => _routes.Find(group.RouteId)
        ?? throw new InvalidOperationException($"group {group.Key} names route {group.RouteId}, which the policy does not have");

    private static Dictionary<string, string> GroupLabels(ResolvedRoute route, AlertLabels labels)
    {
        var names = route.GroupBy is { } groupBy && !groupBy.Contains(RouteDefaults.AllLabels) ? groupBy : labels.Names;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in names.Order(StringComparer.Ordinal))
        {
            string value = labels.ValueOf(name);
            if (value.Length > 0)
            {
                result[name] = value;
            }
        }

        return result;
    }

    /// <summary>
    /// <c>ntf_</c> and 32 hex digits of SHA-256 over receiver, group key, the group's start, its notification number,
    /// the reason and the alerts sent: the same decision made again (after a crash, by the runner that takes over)
    /// gets the same id, and the outbox keeps one.
    /// </summary>
    private static string NotificationId(NotificationGroup group, NotificationReason reason, SentNotification sent)
    {
        Span<byte> hash = stackalloc byte[32];
        string key = $"{group.Receiver}|{group.Key}|{group.CreatedAt.UtcTicks}|{group.Sequence}|{reason}|{string.Join(",", sent.Firing)}|{string.Join(",", sent.Resolved)}";
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return "ntf_" + Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>Earliest flush first, then by group key, as flushes happen.</summary>
    private sealed class FlushOrder : IComparer<(DateTimeOffset At, string Key)>
    {
        public static readonly FlushOrder Instance = new();

        public int Compare((DateTimeOffset At, string Key) x, (DateTimeOffset At, string Key) y)
        {
            int byTime = x.At.CompareTo(y.At);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Key, y.Key);
        }
    }
}
