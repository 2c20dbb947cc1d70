using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage;

/// <summary>A delivery to add to the outbox for a transition just stored.</summary>
internal sealed record NewDelivery(string Id, string WebhookId, string Event, string AlertId, string Payload);

/// <summary>
/// What both providers share about the outbox: which deliveries a stored transition adds, their ids and bodies, the
/// clock that stamps them, and the in-process wake-up of the dispatcher when some were added.
/// </summary>
internal sealed class WebhookOutbox(TimeProvider clock)
{
    private readonly Channel<bool> _added = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Wakes a dispatcher waiting in <see cref="WaitAsync"/> (several wake-ups before it looks count as one).</summary>
    public void Notify() => _added.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _added.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: the caller polls.
        }
    }

    /// <summary>
    /// The deliveries <paramref name="transition"/> adds for the enabled webhooks: none when it is silenced or raises
    /// no event, else one per webhook whose filter matches. The webhooks are read only for an event, the alert's
    /// <paramref name="acknowledgement"/> only for a delivery.
    /// </summary>
    public static List<NewDelivery> DeliveriesFor(
        AlertTransition transition, bool silenced, Func<IReadOnlyList<Webhook>> enabledWebhooks, Func<AlertAcknowledgement?> acknowledgement)
    {
        var deliveries = new List<NewDelivery>();
        if (silenced || WebhookEvents.For(transition) is not { } eventType)
        {
            return deliveries;
        }

        string? payload = null;
        foreach (var webhook in enabledWebhooks())
        {
            if (webhook.Filter.Matches(eventType, transition.Alert))
            {
                payload ??= Payload(eventType, transition, acknowledgement());
                deliveries.Add(new NewDelivery(DeliveryId(webhook.Id, transition.Alert.Id, eventType), webhook.Id, eventType, transition.Alert.Id, payload));
            }
        }

        return deliveries;
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
    /// The Standard Webhooks body: <c>{"type","timestamp","data":{"alert":{...}}}</c>, the alert as the alerts API
    /// shows it at the transition (never silenced: silenced transitions are not sent); <c>timestamp</c> is the
    /// transition's event time.
    /// </summary>
    public static string Payload(string eventType, AlertTransition transition, AlertAcknowledgement? acknowledgement)
    {
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

/// <summary>The webhook filter as stored (a JSON object with the contract's field names).</summary>
internal static class WebhookFilterJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(WebhookFilter filter) => JsonSerializer.Serialize(filter, Options);

    public static WebhookFilter Parse(string json) =>
        JsonSerializer.Deserialize<WebhookFilter>(json, Options) ?? throw new InvalidDataException($"stored webhook filter '{json}' is not an object");
}
