using Monitor.Core.Rules;

namespace Monitor.Core.Webhooks;

/// <summary>The event types a webhook can subscribe to (docs/api.md, Webhook events).</summary>
public static class WebhookEvents
{
    public const string Firing = "alert.firing";
    public const string Resolved = "alert.resolved";
    public const string Pending = "alert.pending";

    /// <summary>A new version of an inventory value already stored (<see cref="Alerts.InventoryRestatement"/>); only
    /// webhooks whose filter names it receive it.</summary>
    public const string InventoryRestated = "inventory.restated";

    /// <summary>What a webhook created without an event filter receives.</summary>
    public static readonly IReadOnlyList<string> Default = [Firing, Resolved];

    public static readonly IReadOnlyList<string> All = [Firing, Resolved, Pending, InventoryRestated];

    /// <summary>The event a transition raises, or null: resolving is an event only for an alert that had fired.</summary>
    public static string? For(AlertTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return transition.To switch
        {
            AlertState.Firing => Firing,
            AlertState.Resolved when transition.Alert.FiredAt is not null => Resolved,
            AlertState.Pending => Pending,
            _ => null,
        };
    }
}

/// <summary>
/// Which alerts a webhook receives: each list that is not empty must contain the alert's rule id, one of its
/// instruments, its severity (contract spelling) and the event. Names compare ordinally. Inventory events go only to
/// webhooks whose events name them, and the instruments list (when not empty) applies to them; rule ids and
/// severities describe alerts and do not.
/// </summary>
public sealed record WebhookFilter(IReadOnlyList<string> RuleIds, IReadOnlyList<string> Instruments, IReadOnlyList<string> Severities, IReadOnlyList<string> Events)
{
    public bool Matches(string eventType, Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return (Events.Count == 0 || Events.Contains(eventType, StringComparer.Ordinal))
            && (RuleIds.Count == 0 || RuleIds.Contains(alert.RuleId, StringComparer.Ordinal))
            && (Severities.Count == 0 || Severities.Contains(alert.Severity.ToText(), StringComparer.Ordinal))
            && (Instruments.Count == 0 || alert.Instruments.Any(i => Instruments.Contains(i, StringComparer.Ordinal)));
    }

    /// <summary>Whether an inventory event (<see cref="WebhookEvents.InventoryRestated"/>) about <paramref name="instrument"/> is sent here.</summary>
    public bool Matches(string eventType, Market.InstrumentId instrument) =>
        Events.Contains(eventType, StringComparer.Ordinal)
        && (Instruments.Count == 0 || Instruments.Contains(instrument.Value, StringComparer.Ordinal));
}

/// <summary>What <c>POST /api/v1/webhooks</c> asks for, with the secret generated for it.</summary>
public sealed record WebhookRequest(string Url, string? Description, WebhookFilter Filter, string Secret);

/// <summary>What <c>PATCH /api/v1/webhooks/{id}</c> changes; null leaves a field as it is. Enabling clears why it was disabled.</summary>
public sealed record WebhookChange(string? Url = null, string? Description = null, WebhookFilter? Filter = null, bool? Enabled = null);

/// <summary>
/// A subscription. <see cref="Secret"/> signs every delivery; after a rotation <see cref="PreviousSecret"/> signs
/// too until <see cref="PreviousSecretExpiresAt"/>. A disabled webhook (410 Gone, a delivery that exhausted the retry
/// schedule, or by hand) is sent nothing, and says why in <see cref="DisabledReason"/>.
/// </summary>
public sealed record Webhook(
    string Id,
    string Url,
    string? Description,
    WebhookFilter Filter,
    string Secret,
    string? PreviousSecret,
    DateTimeOffset? PreviousSecretExpiresAt,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset? DisabledAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The secrets that sign a delivery sent at <paramref name="at"/>: the current one, then the previous one while it lasts.</summary>
    public IReadOnlyList<string> SigningSecretsAt(DateTimeOffset at) =>
        PreviousSecret is not null && PreviousSecretExpiresAt > at ? [Secret, PreviousSecret] : [Secret];
}

public enum DeliveryState
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>One try at sending a delivery: HTTP <paramref name="Status"/> when an answer came, <paramref name="Error"/> when it failed.</summary>
public sealed record DeliveryAttempt(DateTimeOffset At, int? Status, double DurationMs, string? Error);

/// <summary>
/// One event for one webhook, in the outbox. <paramref name="Id"/> is its <c>webhook-id</c>; <paramref name="Payload"/>
/// the body, fixed when the alert was stored, so every attempt sends the same bytes. <paramref name="CreatedAt"/> is
/// when it was stored; <paramref name="AttemptCount"/> counts the attempts of the current run through the retry
/// schedule (a redelivery starts a new run); <paramref name="Attempts"/> lists every attempt ever made, oldest first.
/// </summary>
public sealed record StoredDelivery(
    string Id,
    string WebhookId,
    string Event,
    string AlertId,
    string Payload,
    DeliveryState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    int AttemptCount,
    IReadOnlyList<DeliveryAttempt> Attempts);

/// <summary>A delivery a dispatcher holds the lease of, with what it needs to send it.</summary>
public sealed record ClaimedDelivery(string Id, string WebhookId, string Event, string AlertId, string Payload, int AttemptCount);

/// <summary>
/// What an attempt came to: the attempt, the delivery's new state (<see cref="DeliveryState.Pending"/> with
/// <paramref name="NextAttemptAt"/> for a retry) and, when the webhook must stop, why (<paramref name="DisableWebhook"/>).
/// </summary>
public sealed record DeliveryOutcome(ClaimedDelivery Delivery, DeliveryAttempt Attempt, DeliveryState State, DateTimeOffset? NextAttemptAt, string? DisableWebhook);

/// <summary>An enabled webhook with pending deliveries: how many, and when the earliest is due (already, or later).</summary>
public sealed record WebhookBacklog(string WebhookId, int Pending, DateTimeOffset NextDueAt);
