using Monitor.Core.Notifications;
using Monitor.Core.Ports;

namespace Monitor.Server.Notifications;

/// <summary>The notification policy in force, read: what the outbox renders with and the dispatcher sends to.</summary>
public interface IPolicyInForce
{
    /// <summary>The policy, or null when none is set (or the stored one no longer reads).</summary>
    Task<NotificationPolicy?> GetAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// <see cref="IPolicyInForce"/> over the policy store: the stored document, read once per version (by its update
/// time), so sending a notification costs no parse.
/// </summary>
public sealed class PolicyInForce(INotificationPolicyStore store) : IPolicyInForce
{
    private (DateTimeOffset UpdatedAt, NotificationPolicy? Policy)? _read;

    public async Task<NotificationPolicy?> GetAsync(CancellationToken cancellationToken = default)
    {
        var stored = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        var read = _read;
        if (read is { } cached && cached.UpdatedAt == stored.UpdatedAt)
        {
            return cached.Policy;
        }

        var policy = NotificationPolicyReader.Read(stored.Document).Policy;
        _read = (stored.UpdatedAt, policy);
        return policy;
    }
}
