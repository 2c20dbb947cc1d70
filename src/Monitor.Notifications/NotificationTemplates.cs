using System.Collections.Concurrent;
using Fluid;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Notifications;

/// <summary>
/// The policy's Liquid templates (<c>templates</c>, one per receiver), through Fluid. <see cref="Check"/> parses a
/// template and renders it strictly over sample notifications (one firing, one resolved) in which every field is set:
/// a template that does not parse, reads a field a notification does not have, or uses a filter Liquid does not know
/// is refused. A branch the samples never take is not rendered, so a misspelt field inside it surfaces only when sent
/// (as an empty text, never as a failed notification). <see cref="Render"/> renders leniently with limits on steps
/// and size, so a template cannot stall a sender.
/// </summary>
public static class NotificationTemplates
{
    /// <summary>The most text a template may produce; longer output is cut by the kind's own limits anyway.</summary>
    public const int MaxOutput = 64 * 1024;

    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new(StringComparer.Ordinal);

    private static readonly TemplateOptions Strict = new TemplateOptionsBuilder()
        .WithStrictVariables(true).WithStrictFilters(true).WithMaxSteps(100_000).WithMaxOutputSize(MaxOutput).Build();

    private static readonly TemplateOptions Lenient = new TemplateOptionsBuilder()
        .WithMaxSteps(100_000).WithMaxOutputSize(MaxOutput).Build();

    /// <summary>Why the template cannot be used, or null if it can.</summary>
    public static string? Check(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!Parser.TryParse(template, out var parsed, out string error))
        {
            return $"does not parse: {error.ReplaceLineEndings(" ").Trim()}";
        }

        foreach (var sample in Samples())
        {
            var context = new TemplateContext(Strict);
            TemplateModel.FillForCheck(context, sample);
            try
            {
                parsed.Render(context);
            }
            catch (Exception e) when (e is FluidException or InvalidOperationException)
            {
                return $"cannot render a {sample.Status.ToText()} notification: {e.Message} (a notification has notification, alerts and alert; docs/api.md lists their fields)";
            }
        }

        return null;
    }

    /// <summary>The template rendered for <paramref name="notification"/>; a field the notification lacks renders empty.</summary>
    public static string Render(string template, Notification notification)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(notification);
        var parsed = Parsed.GetOrAdd(template, text => Parser.TryParse(text, out var t, out string error)
            ? t
            : throw new InvalidOperationException($"the template does not parse: {error}"));
        var context = new TemplateContext(Lenient);
        TemplateModel.Fill(context, notification);
        return parsed.Render(context);
    }

    /// <summary>A firing and a resolved notification of two alerts, every optional field set.</summary>
    private static IEnumerable<Notification> Samples()
    {
        var at = new DateTimeOffset(2026, 1, 14, 15, 30, 0, TimeSpan.Zero);
        var values = new Dictionary<string, double>(StringComparer.Ordinal) { ["priceChangePct"] = 21.4 };
        var firing = new Alert(
            "sample-1", "silver-etf-divergence", "Silver up while SLV drains", RuleType.PriceFlowDivergence, AlertSeverity.Warning,
            ["COMEX:SI", "ETF:SLV"], AlertState.Firing, "bearish", at.AddDays(-1), at, at.AddHours(1), "COMEX:SI +21.4% over 15d", values);
        var acknowledgement = new AlertAcknowledgement("desk", "looking", at, "desk-key");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["ruleId"] = firing.RuleId };
        foreach (var status in new[] { NotificationStatus.Firing, NotificationStatus.Resolved })
        {
            var state = status == NotificationStatus.Firing ? AlertState.Firing : AlertState.Resolved;
            StoredAlert[] alerts =
            [
                new(firing with { State = state }, acknowledgement, false, []),
                new(firing with { Id = "sample-2", State = AlertState.Resolved }, acknowledgement, false, []),
            ];
            yield return new Notification(
                "ntf_sample", "sample", "{}:{ruleId=\"silver-etf-divergence\"}", labels, status,
                status == NotificationStatus.Firing ? NotificationReason.First : NotificationReason.Resolved, alerts, at);
        }
    }
}
