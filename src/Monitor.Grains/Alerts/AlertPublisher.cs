using Monitor.Core.Alerts;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Telemetry;

namespace Monitor.Grains.Alerts;

/// <summary>
/// The one way an alert change reaches the outside: it is stored (with its consequences: silences, webhook
/// deliveries), then pushed to every silo's hub relay as stored, so no silo reads it back. Rule and instrument grains
/// publish their transitions here, the API its acknowledgements, and any other part that raises an alert does the
/// same. Storing is idempotent (alert ids are deterministic), so a replay after a restart stores and pushes nothing twice.
/// One per process; safe to call from many grains at once.
/// </summary>
public sealed class AlertPublisher(IAlertStore alerts, IGrainFactory grains, TimeProvider clock) : IDisposable
{
    private readonly RelayFanOut _relays = new(grains, clock);

    // The fan-out keeps a grain's single-threaded cache of the relays; callers here are many.
    private readonly SemaphoreSlim _fanOut = new(1, 1);

    /// <summary>Stores <paramref name="transitions"/>, clears the list once they are stored, then pushes the new ones.</summary>
    public async Task PublishAsync(List<AlertTransition> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        if (transitions.Count == 0)
        {
            return;
        }

        var recorded = await alerts.AppendTransitionsAsync([.. transitions]);
        transitions.Clear();
        foreach (var entry in recorded)
        {
            MonitorMetrics.AlertTransitions.Add(1, new KeyValuePair<string, object?>("state", entry.Transition.To.ToText()));
            await PushAsync(new AlertMessage(entry.Transition.To.ToText(), AlertView.From(entry.Alert, withTransitions: false)));
        }
    }

    /// <summary>
    /// Stores inventory changes with the <c>inventory.restated</c> deliveries of the restatements among them, in one
    /// transaction (<see cref="IAlertStore.AppendInventoryAsync"/>): a restatement is never stored without them. Hub
    /// clients hear of the changes as <c>Inventory</c> messages.
    /// </summary>
    public Task StoreInventoryAsync(IReadOnlyList<InventoryRevision> changes, DateTimeOffset receivedAt) =>
        alerts.AppendInventoryAsync(changes, receivedAt);

    /// <summary>Acknowledges the alert (<see cref="IAlertStore.AcknowledgeAsync"/>) and pushes it as an <c>acknowledged</c>
    /// transition; null if there is no such alert.</summary>
    public async Task<StoredAlert?> AcknowledgeAsync(string id, string by, string? keyName, string? comment, CancellationToken cancellationToken)
    {
        if (await alerts.AcknowledgeAsync(id, by, comment, clock.GetUtcNow(), keyName, cancellationToken) is not { } alert)
        {
            return null;
        }

        await PushAsync(new AlertMessage(AlertMessage.Acknowledged, AlertView.From(alert, withTransitions: false)));
        return alert;
    }

    /// <summary>Records what someone did with the alert (<see cref="IAlertStore.RecordActivityAsync"/>) and pushes the
    /// alert with the activity's kind as its transition (<c>assigned</c>, <c>shelved</c>, <c>comment</c>...); null if
    /// there is no such alert.</summary>
    public async Task<StoredAlert?> RecordActivityAsync(string id, AlertActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (await alerts.RecordActivityAsync(id, activity, cancellationToken) is not { } alert)
        {
            return null;
        }

        await PushAsync(new AlertMessage(activity.Kind.ToText(), AlertView.From(alert, withTransitions: false)));
        return alert;
    }

    public void Dispose() => _fanOut.Dispose();

    private async Task PushAsync(AlertMessage message)
    {
        await _fanOut.WaitAsync();
        try
        {
            await _relays.SendAsync(relay => relay.OnAlertAsync(message));
        }
        finally
        {
            _fanOut.Release();
        }
    }
}
