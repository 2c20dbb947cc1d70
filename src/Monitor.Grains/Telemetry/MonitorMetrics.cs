using Monitor.Core.Webhooks;
using System.Diagnostics.Metrics;

namespace Monitor.Grains.Telemetry;

/// <summary>The service's own metrics (meter <c>Monitor</c>), exported with Orleans' meter through OpenTelemetry.</summary>
public static class MonitorMetrics
{
    public const string MeterName = "Monitor";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Ticks stored and applied.</summary>
    public static readonly Counter<long> TicksAccepted = Meter.CreateCounter<long>("monitor.ticks.accepted", "{tick}");

    /// <summary>Ticks dropped because their seq was already seen.</summary>
    public static readonly Counter<long> TicksDuplicate = Meter.CreateCounter<long>("monitor.ticks.duplicate", "{tick}");

    /// <summary>Ticks stored but not applied: their bar had closed.</summary>
    public static readonly Counter<long> TicksLate = Meter.CreateCounter<long>("monitor.ticks.late", "{tick}");

    /// <summary>Items refused by validation, tagged with the route.</summary>
    public static readonly Counter<long> ItemsRejected = Meter.CreateCounter<long>("monitor.items.rejected", "{item}");

    /// <summary>Alert transitions stored for the first time, tagged with the state entered.</summary>
    public static readonly Counter<long> AlertTransitions = Meter.CreateCounter<long>("monitor.alerts.transitions", "{transition}");

    /// <summary>Time a rule grain spends on one feed, recovery included.</summary>
    public static readonly Histogram<double> RuleFeedDuration = Meter.CreateHistogram<double>("monitor.rules.feed.duration", "ms");

    /// <summary>
    /// Time a grain's rules took over one batch of ticks and bar closes (one ingest call, replay or rule grain release),
    /// tagged <c>grain</c> = <c>instrument</c> or <c>rule</c>; with <see cref="RuleEvaluations"/> it gives the time per evaluation.
    /// </summary>
    public static readonly Histogram<double> RuleEvaluationDuration = Meter.CreateHistogram(
        "monitor.rules.evaluation.duration",
        "ms",
        "Time the rules of a grain took over one batch of ticks and bar closes",
        tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100] });

    /// <summary>Ticks and bar closes fed to rules, tagged like <see cref="RuleEvaluationDuration"/>.</summary>
    public static readonly Counter<long> RuleEvaluations = Meter.CreateCounter<long>("monitor.rules.evaluations", "{evaluation}");

    /// <summary>SignalR connections open on this silo's hub.</summary>
    public static readonly UpDownCounter<long> HubClients = Meter.CreateUpDownCounter<long>("monitor.hub.clients", "{connection}");

    /// <summary>Hub connections disconnected because they stopped reading (their queue of messages was full).</summary>
    public static readonly Counter<long> HubSlowClients = Meter.CreateCounter<long>("monitor.hub.slow_clients", "{connection}");

    public static readonly Counter<long> InventoryAccepted = Meter.CreateCounter<long>("monitor.inventory.accepted", "{value}");

    /// <summary>Time of one grain call as its caller sees it, tagged with the method.</summary>
    public static readonly Histogram<double> GrainCallDuration = Meter.CreateHistogram<double>("monitor.grain.call.duration", "ms");

    /// <summary>From the first tick a quote reflects reaching its grain to the quote's hand-off to every silo's hub.</summary>
    public static readonly Histogram<double> HubPushLag = Meter.CreateHistogram<double>("monitor.hub.push.lag", "ms");

    /// <summary>Webhook delivery attempts, tagged with what the delivery became: <c>delivered</c>, <c>pending</c> (a retry follows) or <c>failed</c>.</summary>
    public static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>("monitor.webhooks.attempts", "{attempt}");

    /// <summary>Webhook delivery attempts that did not succeed (a status other than 2xx, a timeout, a refused connection).</summary>
    public static readonly Counter<long> WebhookFailures = Meter.CreateCounter<long>("monitor.webhooks.failures", "{attempt}");

    public static readonly Histogram<double> WebhookAttemptDuration = Meter.CreateHistogram<double>("monitor.webhooks.attempt.duration", "ms");

    private static long s_webhookBacklog;

    /// <summary>Pending deliveries of enabled webhooks in the outbox (the whole cluster's), as the dispatcher last read them.</summary>
    public static readonly ObservableGauge<long> WebhookBacklog =
        Meter.CreateObservableGauge("monitor.webhooks.backlog", () => Interlocked.Read(ref s_webhookBacklog), "{delivery}");

    /// <summary>What became of an ingested batch of ticks.</summary>
    public static void Ingested(IngestCounts counts)
    {
        TicksAccepted.Add(counts.Accepted);
        TicksDuplicate.Add(counts.Duplicates);
        TicksLate.Add(counts.Late);
    }

    public static void SetWebhookBacklog(long pending) => Interlocked.Exchange(ref s_webhookBacklog, pending);

    public static void RecordWebhookAttempt(DeliveryState outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant());
        WebhookAttempts.Add(1, tag);
        if (outcome != DeliveryState.Delivered)
        {
            WebhookFailures.Add(1);
        }

        WebhookAttemptDuration.Record(duration.TotalMilliseconds);
    }
}
