using System.Security.Cryptography;
using System.Text;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Grains.Alerts;

namespace Monitor.Server.Notifications;

/// <summary>
/// One aggregation group of the notification policy as the API shows it: the group the policy runner keeps (its key,
/// receiver, route, <c>groupBy</c> labels, alert ids, timing, how many notifications it sent) and, in
/// <see cref="Members"/>, its alerts as stored now (acknowledgements, assignments and shelves included), newest first.
/// <see cref="Id"/> names the group while it lasts; a group formed again later gets another.
/// </summary>
public sealed record AlertGroupView(
    string Id, string Key, string Receiver, string RouteId, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Alerts,
    DateTimeOffset CreatedAt, DateTimeOffset? LastNotifiedAt, DateTimeOffset NextFlushAt, int Notifications, IReadOnlyList<AlertView> Members);

/// <summary>
/// Reads the alert groups the way the notification policy formed them: the groups are the policy runner's committed
/// state (<see cref="NotificationRunnerState"/>), not a grouping of their own, so the board shows what the receivers hear.
/// </summary>
public sealed class AlertGroups(INotificationPolicyStore policies, IAlertStore alerts)
{
    /// <summary>The groups, oldest first; none without a policy, or until the runner has grouped under a new one.</summary>
    public async Task<IReadOnlyList<AlertGroupView>> ListAsync(CancellationToken cancellationToken)
    {
        // State of an older policy names routes that may be gone: its groups start afresh at the runner's next step.
        if (await policies.GetAsync(cancellationToken).ConfigureAwait(false) is not { } policy
            || await policies.ReadStateAsync(cancellationToken).ConfigureAwait(false) is not { } json
            || NotificationRunnerState.Parse(json) is not { } state
            || state.PolicyVersion != policy.UpdatedAt)
        {
            return [];
        }

        var ids = state.Engine.Groups.SelectMany(g => g.Alerts.Keys).Distinct(StringComparer.Ordinal).ToList();
        var current = ids.Count == 0
            ? []
            : (await alerts.ListAsync(new AlertQuery { Ids = ids, Limit = ids.Count }, cancellationToken).ConfigureAwait(false))
                .ToDictionary(a => a.Alert.Id, StringComparer.Ordinal);
        return [.. state.Engine.Groups
            .Select(g => new AlertGroupView(
                IdOf(g), g.Key, g.Receiver, g.RouteId, g.Labels, [.. g.Alerts.Keys], g.CreatedAt, g.LastSent?.At, g.NextFlushAt, g.Sequence,
                [.. g.Alerts.Values
                    .Select(a => current.GetValueOrDefault(a.Alert.Alert.Id) ?? a.Alert)
                    .OrderByDescending(a => a.Alert.StartedAt)
                    .ThenBy(a => a.Alert.Id, StringComparer.Ordinal)
                    .Select(a => AlertView.From(a, withTransitions: false))]))
            .OrderBy(g => g.CreatedAt)
            .ThenBy(g => g.Key, StringComparer.Ordinal)];
    }

    public async Task<AlertGroupView?> FindAsync(string id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(g => g.Id == id);

    /// <summary><c>grp_</c> and 16 hex digits of SHA-256 over the group's key and start.</summary>
    private static string IdOf(NotificationGroup group)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{group.Key}|{group.CreatedAt.UtcTicks}"), hash);
        return "grp_" + Convert.ToHexStringLower(hash[..8]);
    }
}
