using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Core.Tests.Notifications;

/// <summary>Alerts and policies for the notification tests.</summary>
internal static class PolicyAlerts
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);

    public static StoredAlert Firing(string id, string ruleId = "r1", AlertSeverity severity = AlertSeverity.Warning, string instrument = "COMEX:SI", DateTimeOffset? at = null) =>
        Stored(new Alert(id, ruleId, ruleId, RuleType.Threshold, severity, [instrument], AlertState.Firing, null, at ?? Start, at ?? Start, null, $"{id} fires", new Dictionary<string, double>()));

    public static StoredAlert Resolved(StoredAlert alert, DateTimeOffset at) =>
        alert with { Alert = alert.Alert with { State = AlertState.Resolved, ResolvedAt = at } };

    public static StoredAlert Acknowledged(StoredAlert alert, DateTimeOffset at) =>
        alert with { Acknowledgement = new AlertAcknowledgement("ann", null, at) };

    public static NotificationPolicy Policy(string json)
    {
        var result = NotificationPolicyReader.Read(json);
        Assert.True(result.Policy is not null, string.Join("\n", result.Problems));
        return result.Policy;
    }

    private static StoredAlert Stored(Alert alert) => new(alert, null, false, []);
}
