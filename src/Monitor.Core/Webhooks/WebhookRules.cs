namespace Monitor.Core.Webhooks;

/// <summary>What a webhook becomes when it is created, changed or given a new secret, whatever stores it.</summary>
public static class WebhookRules
{
    /// <summary>A new, enabled webhook with a new GUID id (version 7, so ids sort by creation).</summary>
    public static Webhook NewWebhook(WebhookRequest request, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Url, nameof(request));
        ArgumentException.ThrowIfNullOrEmpty(request.Secret, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Filter, nameof(request));
        return new Webhook(
            Guid.CreateVersion7(at).ToString(), request.Url, request.Description, request.Filter, request.Secret, null, null, true, null, null, at, at);
    }

    /// <summary>The webhook with <paramref name="change"/> applied; enabling clears why it was disabled, disabling by hand says so.</summary>
    public static Webhook Apply(Webhook webhook, WebhookChange change, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(change);
        var changed = webhook with
        {
            Url = change.Url ?? webhook.Url,
            Description = change.Description ?? webhook.Description,
            Filter = change.Filter ?? webhook.Filter,
            UpdatedAt = at,
        };
        return change.Enabled switch
        {
            true when !webhook.Enabled => changed with { Enabled = true, DisabledReason = null, DisabledAt = null },
            false when webhook.Enabled => changed with { Enabled = false, DisabledReason = "disabled through the API", DisabledAt = at },
            _ => changed,
        };
    }

    /// <summary>The webhook signing with <paramref name="secret"/>, and with its current secret until <paramref name="previousExpiresAt"/>.</summary>
    public static Webhook Rotate(Webhook webhook, string secret, DateTimeOffset previousExpiresAt, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return webhook with { Secret = secret, PreviousSecret = webhook.Secret, PreviousSecretExpiresAt = previousExpiresAt, UpdatedAt = at };
    }
}
