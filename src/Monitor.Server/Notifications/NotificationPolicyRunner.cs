using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;

namespace Monitor.Server.Notifications;

/// <summary>
/// Applies the notification policy in force, in one silo of the cluster at a time (a lease in the database, taken over
/// when it runs out). Each step reads the alerts changed since the last (the inbox the alert store writes in the same
/// transaction as the change), lets the <see cref="NotificationEngine"/> route and group them and flush the groups that
/// are due, hands the notifications to the outbox, and only then commits the engine's state with the inbox entries it
/// took, fenced by the lease. A crash between the two makes the next step decide the same notifications again, with the
/// same ids, which the outbox keeps once: none is lost and none is sent twice.
/// </summary>
public sealed class NotificationPolicyRunner(
    INotificationPolicyStore policies,
    IAlertStore alerts,
    ISilenceStore silences,
    INotificationOutbox outbox,
    NotificationOptions options,
    TimeProvider clock,
    ILogger<NotificationPolicyRunner> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private (DateTimeOffset Version, NotificationPolicy Policy)? _parsed;

    /// <summary>
    /// One step at the clock's time: false when there was nothing to do (no policy, or another silo holds the lease),
    /// else true with the time the next group is due (null: none), or now when the inbox had more than one batch.
    /// </summary>
    public async Task<(bool Ran, DateTimeOffset? NextDueAt)> StepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (await policies.GetAsync(cancellationToken).ConfigureAwait(false) is not { } stored
            || !await policies.TryLeaseAsync(_owner, now, now + options.Lease, cancellationToken).ConfigureAwait(false))
        {
            return (false, null);
        }

        var engine = await RestoreAsync(stored, cancellationToken).ConfigureAwait(false);
        engine.Silences = await silences.ListAsync(now, cancellationToken).ConfigureAwait(false);
        var inbox = await policies.ReadInboxAsync(options.BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (var entry in inbox)
        {
            if (await alerts.GetAsync(entry.AlertId, cancellationToken).ConfigureAwait(false) is { } alert)
            {
                engine.Observe(alert with { Transitions = [], Activity = [] }, entry.At);
            }
        }

        var notifications = engine.Flush(now);
        if (notifications.Count > 0)
        {
            await outbox.EnqueueAsync(notifications, cancellationToken).ConfigureAwait(false);
        }

        var state = new NotificationRunnerState(stored.UpdatedAt, engine.State).Serialize();
        if (!await policies.CommitAsync(_owner, state, [.. inbox.Select(e => e.Sequence)], cancellationToken).ConfigureAwait(false))
        {
            logger.LogWarning("The notification runner lost its lease mid-step; the silo that holds it now decides again (same notification ids)");
            return (false, null);
        }

        return (true, inbox.Count >= options.BatchSize ? now : engine.NextDueAt);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.PollInterval;
            try
            {
                var (_, next) = await StepAsync(stoppingToken).ConfigureAwait(false);
                if (next is { } due && due - clock.GetUtcNow() < wait)
                {
                    wait = due - clock.GetUtcNow();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Applying the notification policy failed; trying again in {Wait}", options.PollInterval);
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // Stopping: the lease runs out, or this silo takes it again after a restart.
                }
            }
        }
    }

    /// <summary>
    /// The engine as the last step left it. After a policy change the groups start afresh (their routes may be gone),
    /// and the alerts still firing join the new policy's groups as of the change.
    /// </summary>
    private async Task<NotificationEngine> RestoreAsync(StoredNotificationPolicy stored, CancellationToken cancellationToken)
    {
        if (_parsed?.Version != stored.UpdatedAt)
        {
            var read = NotificationPolicyReader.Read(stored.Document);
            _parsed = (stored.UpdatedAt, read.Policy ?? throw new InvalidDataException(
                $"the stored notification policy has problems: {string.Join("; ", read.Problems)}"));
        }

        var policy = _parsed.Value.Policy;
        var saved = await policies.ReadStateAsync(cancellationToken).ConfigureAwait(false) is { } json ? NotificationRunnerState.Parse(json) : null;
        if (saved is null || saved.PolicyVersion == stored.UpdatedAt)
        {
            return new NotificationEngine(policy, state: saved?.Engine);
        }

        var engine = new NotificationEngine(policy, state: saved.Engine with { Groups = [] });
        foreach (var alert in saved.Engine.Firing)
        {
            engine.Observe(alert, stored.UpdatedAt);
        }

        return engine;
    }
}
