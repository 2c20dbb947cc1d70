using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Telemetry;

namespace Monitor.Grains.Rules;

/// <summary>
/// Stores a grain's alert transitions, then announces the new ones to every silo's hub relay. Storing is idempotent
/// (alert ids are deterministic), so a replay after a restart stores and pushes nothing twice.
/// </summary>
internal sealed class AlertPublisher(IAlertStore alerts, RelayFanOut relays)
{
    /// <summary>Publishes and clears <paramref name="transitions"/>.</summary>
    public async Task PublishAsync(List<AlertTransition> transitions)
    {
        if (transitions.Count == 0)
        {
            return;
        }

        var recorded = await alerts.AppendTransitionsAsync([.. transitions]);
        transitions.Clear();
        foreach (var entry in recorded)
        {
            MonitorMetrics.AlertTransitions.Add(1, new KeyValuePair<string, object?>("state", entry.Transition.To.ToText()));
            var notice = new AlertNotice(entry.Transition.To.ToText(), entry.Transition.Alert.Id);
            await relays.SendAsync(relay => relay.OnAlertAsync(notice));
        }
    }
}
