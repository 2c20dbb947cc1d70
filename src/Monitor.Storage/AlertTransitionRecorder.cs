using Monitor.Core.Alerts;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Core.Webhooks;

namespace Monitor.Storage;

/// <summary>
/// One provider's write transaction over the alert, silence and webhook tables: SQL and nothing else. Disposing it
/// without <see cref="CommitAsync"/> rolls back.
/// </summary>
internal interface IAlertTransitionWriter : IAsyncDisposable
{
    /// <summary>Silences active at some time in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    Task<IReadOnlyList<Silence>> ReadSilencesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<IReadOnlyList<Webhook>> ReadEnabledWebhooksAsync(CancellationToken cancellationToken);

    /// <summary>Appends the transition's row (key: alert id, <c>To</c>, <c>At</c>); false if it was stored already.</summary>
    Task<bool> InsertTransitionAsync(AlertTransition transition, bool silenced, CancellationToken cancellationToken);

    /// <summary>Makes the transition's alert the stored view, unless a later transition's is stored (later by time,
    /// then pending &lt; firing &lt; resolved); keeps the acknowledgement.</summary>
    Task UpsertAlertAsync(AlertTransition transition, bool silenced, CancellationToken cancellationToken);

    /// <summary>The alert as stored now, without its transitions.</summary>
    Task<StoredAlert> ReadAlertAsync(string id, CancellationToken cancellationToken);

    /// <summary>Whether a notification policy is in force: then transitions go to its inbox, not to webhooks directly.</summary>
    Task<bool> ReadPolicyInForceAsync(CancellationToken cancellationToken);

    /// <summary>Adds an entry for the transition's alert to the notification policy's inbox.</summary>
    Task AddToNotificationInboxAsync(AlertTransition transition, CancellationToken cancellationToken);

    /// <summary>Appends inventory values as <see cref="IInventoryStore.AppendAsync"/> does; their instruments have ids already
    /// (the provider adds them before the transaction, as its inventory store does).</summary>
    Task AppendInventoryAsync(IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>Adds deliveries to the outbox, due at <paramref name="now"/>; returns how many were new.</summary>
    Task<int> AddDeliveriesAsync(IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The writes of <see cref="IAlertStore"/>, once for every provider. <see cref="AppendTransitionsAsync"/>: one
/// transaction in which the <see cref="AlertConsequences"/> of each new transition are written (its row, its alert's
/// view, its webhook deliveries or, while a notification policy is in force, its entry in the policy's inbox), so a
/// stored alert always has its deliveries. A provider's alert store derives from this and supplies the transaction
/// (<see cref="BeginWriteAsync"/>), which runs its SQL, and the reads.
/// </summary>
internal abstract class AlertTransitionRecorder(WebhookOutbox outbox)
{
    public async Task<IReadOnlyList<RecordedAlertTransition>> AppendTransitionsAsync(
        IReadOnlyList<AlertTransition> transitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        if (transitions.Count == 0)
        {
            return [];
        }

        var recorded = new RecordedAlertTransition?[transitions.Count];
        int deliveries = 0;
        await using (var writer = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            var silences = await writer.ReadSilencesAsync(transitions.Min(t => t.At), transitions.Max(t => t.At), cancellationToken).ConfigureAwait(false);
            IReadOnlyList<Webhook>? webhooks = null;
            bool? policyInForce = null;
            foreach (int index in AlertConsequences.WriteOrder(transitions))
            {
                var transition = transitions[index];
                bool silenced = AlertConsequences.IsSilenced(transition, silences);
                // A transition stored already (by an earlier call, or by another silo that got there first) stores
                // nothing and leaves its alert alone.
                if (!await writer.InsertTransitionAsync(transition, silenced, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                await writer.UpsertAlertAsync(transition, silenced, cancellationToken).ConfigureAwait(false);
                var stored = await writer.ReadAlertAsync(transition.Alert.Id, cancellationToken).ConfigureAwait(false);
                recorded[index] = new RecordedAlertTransition(transition, silenced, stored);
                policyInForce ??= await writer.ReadPolicyInForceAsync(cancellationToken).ConfigureAwait(false);
                if (policyInForce.Value)
                {
                    if (AlertConsequences.IsNotified(transition))
                    {
                        await writer.AddToNotificationInboxAsync(transition, cancellationToken).ConfigureAwait(false);
                    }
                }
                else if (AlertConsequences.IsSent(transition, silenced))
                {
                    webhooks ??= await writer.ReadEnabledWebhooksAsync(cancellationToken).ConfigureAwait(false);
                    var newDeliveries = AlertConsequences.Deliveries(transition, silenced, webhooks, stored.Acknowledgement);
                    if (newDeliveries.Count > 0)
                    {
                        deliveries += await writer.AddDeliveriesAsync(newDeliveries, outbox.Now, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (deliveries > 0)
        {
            outbox.Notify();
        }

        return [.. recorded.OfType<RecordedAlertTransition>()];
    }

    /// <summary><see cref="IAlertStore.AppendInventoryAsync"/>: the values and the deliveries <see cref="AlertConsequences"/> decides for the restatements, in one transaction.</summary>
    public async Task<int> AppendInventoryAsync(IReadOnlyList<InventoryRevision> changes, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return 0;
        }

        await AddInstrumentsAsync([.. changes.Select(c => c.Value)], cancellationToken).ConfigureAwait(false);

        var restatements = InventoryRestatement.Of(changes);
        int deliveries = 0;
        await using (var writer = await BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await writer.AppendInventoryAsync([.. changes.Select(c => c.Value)], receivedAt, cancellationToken).ConfigureAwait(false);
            if (restatements.Count > 0)
            {
                var webhooks = await writer.ReadEnabledWebhooksAsync(cancellationToken).ConfigureAwait(false);
                var newDeliveries = restatements.SelectMany(r => AlertConsequences.Deliveries(r, webhooks)).ToList();
                if (newDeliveries.Count > 0)
                {
                    deliveries = await writer.AddDeliveriesAsync(newDeliveries, outbox.Now, cancellationToken).ConfigureAwait(false);
                }
            }

            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (deliveries > 0)
        {
            outbox.Notify();
        }

        return deliveries;
    }

    /// <summary>Opens one write transaction of the provider.</summary>
    protected abstract Task<IAlertTransitionWriter> BeginWriteAsync(CancellationToken cancellationToken);

    /// <summary>Gives the values' instruments their ids before the transaction, as the provider's inventory store does.</summary>
    protected abstract Task AddInstrumentsAsync(IReadOnlyList<InventoryValue> values, CancellationToken cancellationToken);
}
