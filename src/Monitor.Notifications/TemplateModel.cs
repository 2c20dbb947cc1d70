using System.Globalization;
using Fluid;
using Fluid.Values;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Notifications;

/// <summary>
/// What a template reads (docs/api.md, Notification templates): <c>notification</c> (<c>id</c>, <c>receiver</c>,
/// <c>status</c>, <c>reason</c>, <c>groupKey</c>, <c>groupLabels</c>, <c>at</c>, <c>firing</c>, <c>resolved</c>),
/// <c>alerts</c> (the group's alerts, firing first) and <c>alert</c> (the first of them). Each alert has the API's
/// fields: <c>id</c>, <c>ruleId</c>, <c>ruleName</c>, <c>type</c>, <c>severity</c>, <c>instruments</c>, <c>state</c>,
/// <c>direction</c>, <c>startedAt</c>, <c>firedAt</c>, <c>resolvedAt</c>, <c>message</c>, <c>values</c>,
/// <c>acknowledgedBy</c>, <c>acknowledgedAt</c>, <c>silenced</c>. Times are date-times (Liquid's <c>date</c> filter
/// formats them); <c>values</c> and <c>groupLabels</c> are maps whose keys depend on the rule and the route.
/// </summary>
internal static class TemplateModel
{
    public static void Fill(TemplateContext context, Notification notification) =>
        Fill(context, notification, labels => labels.ToDictionary(l => l.Key, l => (object?)l.Value, StringComparer.Ordinal), values => ToValues(values));

    /// <summary>
    /// Fills the model for checking a template: every field has a value (an unset one reads as undefined, which the
    /// check reports), and the maps answer any key, since which keys a rule's values or a route's labels have is not
    /// known when a policy is applied.
    /// </summary>
    public static void FillForCheck(TemplateContext context, Notification notification) =>
        Fill(context, notification, _ => AnyKey.Instance, _ => AnyKey.Instance);

    private static void Fill(
        TemplateContext context, Notification notification, Func<IReadOnlyDictionary<string, string>, object> labels, Func<IReadOnlyDictionary<string, double>, object> values)
    {
        var alerts = notification.Alerts.Select(a => Alert(a, values)).ToList();
        context.SetValue("notification", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = notification.Id,
            ["receiver"] = notification.Receiver,
            ["status"] = notification.Status.ToText(),
            ["reason"] = notification.Reason.ToText(),
            ["groupKey"] = notification.GroupKey,
            ["groupLabels"] = labels(notification.GroupLabels),
            ["at"] = notification.At,
            ["firing"] = notification.Alerts.Count(a => a.Alert.State != AlertState.Resolved),
            ["resolved"] = notification.Alerts.Count(a => a.Alert.State == AlertState.Resolved),
        });
        context.SetValue("alerts", alerts);
        if (alerts.Count > 0)
        {
            context.SetValue("alert", alerts[0]);
        }
    }

    private static Dictionary<string, object?> Alert(StoredAlert stored, Func<IReadOnlyDictionary<string, double>, object> values)
    {
        var alert = stored.Alert;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = alert.Id,
            ["ruleId"] = alert.RuleId,
            ["ruleName"] = alert.RuleName,
            ["type"] = alert.Type.ToText(),
            ["severity"] = alert.Severity.ToText(),
            ["instruments"] = alert.Instruments.ToList(),
            ["state"] = alert.State.ToText(),
            ["direction"] = alert.Direction,
            ["startedAt"] = alert.StartedAt,
            ["firedAt"] = alert.FiredAt,
            ["resolvedAt"] = alert.ResolvedAt,
            ["message"] = alert.Message,
            ["values"] = values(alert.Values),
            ["acknowledgedBy"] = stored.Acknowledgement?.By,
            ["acknowledgedAt"] = stored.Acknowledgement?.At,
            ["silenced"] = stored.Silenced,
        };
    }

    private static Dictionary<string, object?> ToValues(IReadOnlyDictionary<string, double> values) =>
        values.Where(v => double.IsFinite(v.Value)).ToDictionary(v => v.Key, v => (object?)v.Value, StringComparer.Ordinal);

    /// <summary>A map that has every key (each a number, which also prints and compares as text): for checking templates.</summary>
    private sealed class AnyKey : FluidValue
    {
        public static readonly AnyKey Instance = new();

        public override FluidValues Type => FluidValues.Dictionary;

        public override bool Equals(FluidValue other) => ReferenceEquals(this, other);

        public override bool ToBooleanValue(TemplateContext context) => true;

        public override decimal ToNumberValue(TemplateContext context) => 0;

        public override string ToStringValue(TemplateContext context) => "";

        public override object ToObjectValue(TemplateContext context) => this;

        public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(NumberValue.Create(1.5m));

        public override int GetHashCode() => 0;
    }
}

/// <summary>The contract's spellings of the notification enums.</summary>
public static class NotificationText
{
    public static string ToText(this NotificationStatus status) => status == NotificationStatus.Firing ? "firing" : "resolved";

    public static string ToText(this NotificationReason reason) => reason.ToString().ToLowerInvariant();

    /// <summary>A number as the default messages print it: up to four decimals, invariant.</summary>
    public static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
