using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage;

/// <summary>What both providers do the same way to a webhook before storing it.</summary>
internal static class WebhookRules
{
    /// <summary>A new, enabled webhook with a new GUID id (version 7, so ids sort by creation); times truncated to microseconds.</summary>
    public static Webhook NewWebhook(WebhookRequest request, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Url, nameof(request));
        ArgumentException.ThrowIfNullOrEmpty(request.Secret, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Filter, nameof(request));
        var now = Truncate(at);
        return new Webhook(
            Guid.CreateVersion7(at).ToString(), request.Url, request.Description, request.Filter, request.Secret, null, null, true, null, null, now, now);
    }

    /// <summary>The webhook with <paramref name="change"/> applied; enabling clears why it was disabled, disabling by hand says so.</summary>
    public static Webhook Apply(Webhook webhook, WebhookChange change, DateTimeOffset at)
    {
        var now = Truncate(at);
        var changed = webhook with
        {
            Url = change.Url ?? webhook.Url,
            Description = change.Description ?? webhook.Description,
            Filter = change.Filter ?? webhook.Filter,
            UpdatedAt = now,
        };
        return change.Enabled switch
        {
            true when !webhook.Enabled => changed with { Enabled = true, DisabledReason = null, DisabledAt = null },
            false when webhook.Enabled => changed with { Enabled = false, DisabledReason = "disabled through the API", DisabledAt = now },
            _ => changed,
        };
    }

    /// <summary>The webhook signing with <paramref name="secret"/>, and with its current secret until <paramref name="previousExpiresAt"/>.</summary>
    public static Webhook Rotate(Webhook webhook, string secret, DateTimeOffset previousExpiresAt, DateTimeOffset at) =>
        webhook with { Secret = secret, PreviousSecret = webhook.Secret, PreviousSecretExpiresAt = Truncate(previousExpiresAt), UpdatedAt = Truncate(at) };

    public static DeliveryState ParseState(string text) =>
        RuleText.TryParse(text, out DeliveryState state) ? state : throw new InvalidDataException($"stored delivery state '{text}' is unknown");

    private static DateTimeOffset Truncate(DateTimeOffset time) => UnixMicros.ToTime(UnixMicros.From(time));
}
