using Monitor.Core.Webhooks;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Core.Alerts;

/// <summary>A delivery to add to the webhook outbox for a transition just stored.</summary>
public sealed record NewDelivery(string Id, string WebhookId, string Event, string AlertId, string Payload);

/// <summary>
/// What storing an alert transition causes, decided here once for every storage provider (the providers only run
/// the SQL): whether a silence covers it, the order rows are written in, and which webhooks get a delivery with which
/// body. An inventory restatement's webhook deliveries are decided here too. Pure: the store hands in what it holds
/// (silences, enabled webhooks, the alert's acknowledgement).
/// </summary>
public static class AlertConsequences
{
    /// <summary>Whether a silence active at the transition's time matches its alert (<see cref="Silence.Matches"/>).</summary>
    public static bool IsSilenced(AlertTransition transition, IEnumerable<Silence> silences)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return Silence.AnyMatches(silences, transition.Alert, transition.At);
    }

    /// <summary>
    /// The indices of <paramref name="transitions"/> in the order their rows are written: by alert id, time and state
    /// whatever the callers' order, so two processes storing overlapping batches lock rows in one order and wait for
    /// each other instead of deadlocking.
    /// </summary>
    public static int[] WriteOrder(IReadOnlyList<AlertTransition> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        return
        [
            .. Enumerable.Range(0, transitions.Count)
                .OrderBy(i => transitions[i].Alert.Id, StringComparer.Ordinal)
                .ThenBy(i => transitions[i].At)
                .ThenBy(i => transitions[i].To)
                .ThenBy(i => i),
        ];
    }

    /// <summary>Whether a stored transition is sent to webhooks at all: not silenced, and it raises an event.</summary>
    public static bool IsSent(AlertTransition transition, bool silenced) => !silenced && WebhookEvents.For(transition) is not null;

    /// <summary>
    /// Whether a stored transition goes to the notification policy (when one is in force, instead of to webhooks):
    /// firing, or resolved after firing. Silenced ones go too: the policy counts what silences removed.
    /// </summary>
    public static bool IsNotified(AlertTransition transition) =>
        WebhookEvents.For(transition) is WebhookEvents.Firing or WebhookEvents.Resolved;

    /// <summary>
    /// The deliveries a newly stored <paramref name="transition"/> adds: none unless <see cref="IsSent"/>, else one per
    /// enabled webhook whose filter matches, all with the same body (the alert with its <paramref name="acknowledgement"/>).
    /// </summary>
    public static List<NewDelivery> Deliveries(
        AlertTransition transition, bool silenced, IEnumerable<Webhook> webhooks, AlertAcknowledgement? acknowledgement)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(webhooks);
        var deliveries = new List<NewDelivery>();
        if (silenced || WebhookEvents.For(transition) is not { } eventType)
        {
            return deliveries;
        }

        string? payload = null;
        foreach (var webhook in webhooks)
        {
            if (webhook.Enabled && webhook.Filter.Matches(eventType, transition.Alert))
            {
                payload ??= Payload(eventType, transition, acknowledgement);
                deliveries.Add(new NewDelivery(DeliveryId(webhook.Id, transition.Alert.Id, eventType), webhook.Id, eventType, transition.Alert.Id, payload));
            }
        }

        return deliveries;
    }

    /// <summary>
    /// The deliveries a restatement just stored adds: one per enabled webhook whose filter asks for
    /// <c>inventory.restated</c> (<see cref="WebhookFilter.Matches(string, InstrumentId)"/>), all with the same body.
    /// Silences do not apply: they are about alerts.
    /// </summary>
    public static List<NewDelivery> Deliveries(InventoryRestatement restatement, IEnumerable<Webhook> webhooks)
    {
        ArgumentNullException.ThrowIfNull(restatement);
        ArgumentNullException.ThrowIfNull(webhooks);
        const string eventType = WebhookEvents.InventoryRestated;
        var deliveries = new List<NewDelivery>();
        string? payload = null;
        foreach (var webhook in webhooks)
        {
            if (webhook.Enabled && webhook.Filter.Matches(eventType, restatement.Value.Instrument))
            {
                payload ??= Payload(restatement);
                deliveries.Add(new NewDelivery(DeliveryId(webhook.Id, restatement.Subject, eventType), webhook.Id, eventType, restatement.Subject, payload));
            }
        }

        return deliveries;
    }

    /// <summary>
    /// <c>{"type":"inventory.restated","timestamp","data":{"instrument","series","location","asOf","previous","quantity","unit"}}</c>:
    /// quantities in the series' base unit, <c>location</c> null for the total, <c>timestamp</c> the new version's <c>publishedAt</c>.
    /// </summary>
    public static string Payload(InventoryRestatement restatement)
    {
        ArgumentNullException.ThrowIfNull(restatement);
        var value = restatement.Value;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", WebhookEvents.InventoryRestated);
            w.WriteString("timestamp", value.PublishedAt.ToUniversalTime());
            w.WriteStartObject("data");
            w.WriteString("instrument", value.Instrument.Value);
            w.WriteString("series", value.Series);
            w.WriteString("location", value.Location);
            w.WriteString("asOf", value.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteNumber("previous", restatement.Previous);
            w.WriteNumber("quantity", value.Quantity);
            w.WriteString("unit", value.Unit.Symbol());
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// <c>msg_</c> and 32 hex digits of SHA-256 over <c>webhookId|alertId|event</c>: an alert raises each event once, so
    /// storing the same transition again (a replay, another silo) finds the delivery already there.
    /// </summary>
    public static string DeliveryId(string webhookId, string alertId, string eventType)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{webhookId}|{alertId}|{eventType}"), hash);
        return "msg_" + Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>
    /// The Standard Webhooks body: <c>{"type","timestamp","data":{"alert":{...}}}</c>, the alert as the API shows it at
    /// the transition (never silenced: silenced transitions are not sent); <c>timestamp</c> is the transition's event time.
    /// </summary>
    public static string Payload(string eventType, AlertTransition transition, AlertAcknowledgement? acknowledgement)
    {
        ArgumentNullException.ThrowIfNull(transition);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", eventType);
            w.WriteString("timestamp", transition.At.ToUniversalTime());
            w.WriteStartObject("data");
            w.WriteStartObject("alert");
            AlertJson.WriteFields(w, transition.Alert);
            w.WriteString("acknowledgedBy", acknowledgement?.By);
            AlertJson.WriteTime(w, "acknowledgedAt", acknowledgement?.At);
            w.WriteBoolean("silenced", false);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
