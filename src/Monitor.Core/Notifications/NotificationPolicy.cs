using Monitor.Core.Webhooks;
using System.Text.Json;
using Monitor.Core.Calendars;

namespace Monitor.Core.Notifications;

/// <summary>
/// The notification policy (docs/api.md, Notification policy): where alerts go, how they are grouped, repeated,
/// inhibited and muted. <see cref="Document"/> is the policy as it was sent (YAML arrives converted to JSON), kept so
/// it is returned as written; the other members are what <see cref="NotificationPolicyReader"/> read from it.
/// </summary>
public sealed record NotificationPolicy(
    IReadOnlyList<ReceiverDefinition> Receivers,
    PolicyRoute Route,
    IReadOnlyList<InhibitRule> InhibitRules,
    IReadOnlyList<TimeIntervalDefinition> TimeIntervals,
    IReadOnlyDictionary<string, string> Templates,
    JsonElement Document)
{
    public ReceiverDefinition? FindReceiver(string name) =>
        Receivers.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
}

/// <summary>
/// A named destination. <see cref="Kind"/> is the one key among <see cref="ReceiverKinds.All"/> in the receiver's
/// object and <see cref="Settings"/> that key's value, read and checked by the sender of its kind. A receiver with no
/// kind (<see cref="Kind"/> null) drops what reaches it, as Alertmanager's empty receivers do.
/// </summary>
public sealed record ReceiverDefinition(string Name, string? Kind, JsonElement Settings, bool SendResolved);

/// <summary>The receiver kinds a policy may name.</summary>
public static class ReceiverKinds
{
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string Email = "email";
    public const string Telegram = "telegram";

    public static readonly IReadOnlyList<string> All = [Webhook, Slack, Teams, Email, Telegram];
}

/// <summary>
/// A node of the routing tree. Null members inherit the parent's value (the root's defaults are in
/// <see cref="RouteDefaults"/>); <see cref="GroupBy"/> holding <c>...</c> groups by every label (each alert alone).
/// An alert goes to the deepest matching child routes; <see cref="Continue"/> lets matching go on to the next sibling.
/// </summary>
public sealed record PolicyRoute(
    string? Receiver,
    IReadOnlyList<LabelMatcher> Matchers,
    IReadOnlyList<string>? GroupBy,
    TimeSpan? GroupWait,
    TimeSpan? GroupInterval,
    TimeSpan? RepeatInterval,
    bool Continue,
    IReadOnlyList<string> MuteTimeIntervals,
    IReadOnlyList<string> ActiveTimeIntervals,
    IReadOnlyList<PolicyRoute> Routes);

/// <summary>Alertmanager's defaults for the root route's timings.</summary>
public static class RouteDefaults
{
    public static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan GroupInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan RepeatInterval = TimeSpan.FromHours(4);

    /// <summary>The <c>groupBy</c> entry that means every label.</summary>
    public const string AllLabels = "...";
}

/// <summary>
/// Mutes alerts matching <see cref="TargetMatchers"/> while an alert matching <see cref="SourceMatchers"/> fires
/// with the same values of the <see cref="Equal"/> labels (a label both lack counts as equal).
/// </summary>
public sealed record InhibitRule(IReadOnlyList<LabelMatcher> SourceMatchers, IReadOnlyList<LabelMatcher> TargetMatchers, IReadOnlyList<string> Equal);

/// <summary>How serious a problem in a policy is: an error refuses the policy, a warning is only reported.</summary>
public enum PolicyProblemSeverity
{
    Error,
    Warning,
}

/// <summary>One thing wrong in a policy document, at <see cref="Path"/> (<c>route.routes[1].receiver</c>).</summary>
public sealed record PolicyProblem(string Path, string Message, PolicyProblemSeverity Severity = PolicyProblemSeverity.Error)
{
    public override string ToString() => $"{(Severity == PolicyProblemSeverity.Warning ? "warning" : "error")}: {Path}: {Message}";
}

/// <summary>
/// A check of a policy beyond its structure (a receiver kind's settings, templates), run after
/// <see cref="NotificationPolicyReader"/> wherever a policy is checked or applied.
/// </summary>
public interface IPolicyCheck
{
    IEnumerable<PolicyProblem> Check(NotificationPolicy policy);
}
