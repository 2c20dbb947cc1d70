using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Monitor.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class MetricsTests(MonitorServerFactory server) : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _totals = new();

    [Fact]
    public async Task Ingest_CountsAcceptedRejectedAndTimesGrainCalls()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Monitor")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        _listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => _totals.AddOrUpdate(instrument.Name + ".count", 1, (_, sum) => sum + 1));
        _listener.Start();

        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        await ingest.PostJsonAsync("/api/v1/ticks", """
            [{"instrument":"ETF:COPX","ts":"2026-01-14T15:30:00Z","price":40},
             {"instrument":"ETF:COPX","ts":"2026-01-14T15:30:01Z","price":40.1},
             {"instrument":"ETF:COPX","ts":"2026-01-14T15:30:02Z","price":-1}]
            """);

        await Eventually.GetAsync(
            () => Task.FromResult(_totals.GetValueOrDefault("monitor.ticks.accepted")),
            total => total >= 2,
            because: "accepted ticks counted");
        Assert.True(_totals.GetValueOrDefault("monitor.items.rejected") >= 1);
        Assert.True(_totals.GetValueOrDefault("monitor.grain.call.duration.count") >= 1);
    }

    public void Dispose() => _listener.Dispose();
}
