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
    private readonly NotificationPolicy _policy;
    private readonly RouteTree _routes;
    private readonly Func<string, IReadOnlyDictionary<string, string>?> _ruleLabels;
    private readonly SortedDictionary<string, NotificationGroup> _groups = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (StoredAlert Alert, AlertLabels Labels)> _firing = new(StringComparer.Ordinal);

    /// <param name="ruleLabels">A rule's labels by rule id (null for none).</param>
    /// <param name="state">State to resume from (<see cref="State"/> of an earlier engine over the same policy).</param>
    public NotificationEngine(NotificationPolicy policy, Func<string, IReadOnlyDictionary<string, string>?>? ruleLabels = null, NotificationEngineState? state = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        _routes = new RouteTree(policy);
        _ruleLabels = ruleLabels ?? (_ => null);
        if (state is not null)
        {
            foreach (var group in state.Groups)
            {
                _groups[group.Key] = group;
            }

            foreach (var alert in state.Firing)
            {
                _firing[alert.Alert.Id] = (alert, LabelsOf(alert.Alert));
            }
        }
    }

    /// <summary>Silences to apply at flush time, beside each alert's own silenced flag (the store's, at its transition).</summary>
    public IReadOnlyList<Silence> Silences { get; set; } = [];

    /// <summary>What was routed, sent and removed so far by this engine (not part of <see cref="State"/>).</summary>
    public NotificationCounts Counts { get; } = new();

    /// <summary>When the earliest group flushes, or null when there is no group.</summary>
    public DateTimeOffset? NextDueAt => _groups.Count == 0 ? null : _groups.Values.Min(g => g.NextFlushAt);

    public NotificationEngineState State => new([.. _groups.Values], [.. _firing.Values.Select(f => f.Alert)]);

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
        var labels = LabelsOf(alert.Alert);
        bool firing = alert.Alert.State == AlertState.Firing;
        if (firing)
        {
            _firing[alert.Alert.Id] = (alert, labels);
        }
        else
        {
            _firing.Remove(alert.Alert.Id);
        }

        if (alert.Alert.State == AlertState.Pending)
        {
            return;
        }

        foreach (var route in _routes.Match(labels))
        {
            if (_policy.FindReceiver(route.Receiver) is not { Kind: not null })
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
        var notifications = new List<Notification>();
        var due = _groups.Values.Where(g => g.NextFlushAt <= now).OrderBy(g => g.NextFlushAt).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var group in due)
        {
            var route = RouteOf(group);
            group.NextFlushAt = now + route.GroupInterval;
            if (Decide(group, route, now) is { } notification)
            {
                notifications.Add(notification);
            }

            foreach (var resolved in group.Alerts.Values.Where(a => a.Alert.Alert.State == AlertState.Resolved).ToList())
            {
                group.Alerts.Remove(resolved.Alert.Alert.Id);
            }

            if (group.Alerts.Count == 0)
            {
                _groups.Remove(group.Key);
            }
        }

        return notifications;
    }

    /// <summary>A group's flush: which alerts can be sent, and whether that makes a notification (Alertmanager's dedup, plus acknowledgements).</summary>
    private Notification? Decide(NotificationGroup group, ResolvedRoute route, DateTimeOffset now)
    {
        var receiver = _policy.FindReceiver(group.Receiver)!;
        var counts = Counts.For(group.Receiver);
        bool muted = route.IsMutedAt(now);
        var firing = new List<StoredAlert>();
        var resolved = new List<StoredAlert>();
        bool anyFiring = false;
        foreach (var (id, entry) in group.Alerts.ToList())
        {
            var alert = entry.Alert;
            bool isFiring = alert.Alert.State == AlertState.Firing;
            anyFiring |= isFiring;
            bool silenced = alert.Silenced || Silence.AnyMatches(Silences, alert.Alert, now);
            bool inhibited = isFiring && !silenced && IsInhibited(alert.Alert.Id, LabelsOf(alert.Alert));
            if (entry.News > 0)
            {
                group.Alerts[id] = entry with { News = 0 };
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

        group.LastSent = new SentNotification(now, [.. firing.Select(a => a.Alert.Id)], [.. resolved.Select(a => a.Alert.Id)]);
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

        var alerts = firing.OrderBy(a => a.Alert.StartedAt).ThenBy(a => a.Alert.Id, StringComparer.Ordinal).ToList();
        if (receiver.SendResolved)
        {
            alerts.AddRange(resolved.OrderBy(a => a.Alert.StartedAt).ThenBy(a => a.Alert.Id, StringComparer.Ordinal));
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

        if (firing.Any(a => !last.Firing.Contains(a.Alert.Id)))
        {
            return NotificationReason.Update;
        }

        if (firing.Count == 0)
        {
            // Everything resolved: said once. Alerts that still fire but are silenced or inhibited are not a resolution.
            return !anyFiring && last.Firing.Count > 0 ? NotificationReason.Resolved : null;
        }

        if (sendResolved && resolved.Any(a => !last.Resolved.Contains(a.Alert.Id)))
        {
            return NotificationReason.Update;
        }

        return now - last.At >= repeatInterval && firing.Any(a => a.Acknowledgement is null && !a.IsShelvedAt(now)) ? NotificationReason.Repeat : null;
    }

    /// <summary>
    /// Whether a firing alert is muted by an inhibition rule: it matches the rule's targets and another firing alert
    /// matches its sources with equal values of the <c>equal</c> labels. As in Alertmanager, an alert matching both
    /// sides of a rule cannot be inhibited by another that also matches both.
    /// </summary>
    private bool IsInhibited(string alertId, AlertLabels labels)
    {
        foreach (var rule in _policy.InhibitRules)
        {
            if (!LabelMatcher.All(rule.TargetMatchers, labels))
            {
                continue;
            }

            bool targetIsSource = LabelMatcher.All(rule.SourceMatchers, labels);
            foreach (var (id, source) in _firing)
            {
                if (id != alertId
                    && LabelMatcher.All(rule.SourceMatchers, source.Labels)
                    && !(targetIsSource && LabelMatcher.All(rule.TargetMatchers, source.Labels))
                    && rule.Equal.All(name => string.Equals(source.Labels.ValueOf(name), labels.ValueOf(name), StringComparison.Ordinal)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private ResolvedRoute RouteOf(NotificationGroup group) => _routes.Find(group.RouteId)
        ?? throw new InvalidOperationException($"group {group.Key} names route {group.RouteId}, which the policy does not have");

    private AlertLabels LabelsOf(Alert alert) => AlertLabels.Of(alert, _ruleLabels(alert.RuleId));

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
}
