using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Monitor.Cli.Feed;

/// <summary>
/// Prints <c>monitor feed</c>'s progress every <see cref="FeedSettings.ReportInterval"/> and its final summary: as
/// lines, and with <see cref="FeedSettings.Json"/> also as one JSON object on its own output.
/// </summary>
/// <param name="settings">What the run does.</param>
/// <param name="output">Progress and the summary lines.</param>
/// <param name="jsonOutput">The JSON summary.</param>
/// <param name="clock">The clock.</param>
/// <param name="statistics">What the posters counted.</param>
/// <param name="hub">The hub connection, when measuring latency.</param>
internal sealed class FeedReporter(
    FeedSettings settings, TextWriter output, TextWriter jsonOutput, TimeProvider clock, FeedStatistics statistics, MarketHubListener? hub)
{
    private static readonly double[] Percentiles = [0.50, 0.90, 0.99];

    /// <summary>One progress line per interval until <paramref name="stop"/>; the rates and latencies are the interval's.</summary>
    public async Task RunAsync(long started, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(settings.ReportInterval, clock);
        long previousSent = 0;
        long previous = started;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                long now = clock.GetTimestamp();
                long sent = Interlocked.Read(ref statistics.TicksSent);
                var interval = statistics.RequestLatency.TakeInterval();
                double recentRate = (sent - previousSent) / clock.GetElapsedTime(previous, now).TotalSeconds;
                string hubPart = hub is null ? "" : $" | hub {HubCounts(hub.Tracker)}, latency {HubLatency(hub.Tracker.Latency.TakeInterval())}";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{clock.GetElapsedTime(started, now).TotalSeconds,6:0.0}s] {Counts()} | {recentRate:#,0} ticks/s | latency {Latency(interval)} | {InventoryCounts()}{hubPart}"));
                previousSent = sent;
                previous = now;
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    /// <param name="elapsed">From the start to the last post.</param>
    public void PrintSummary(TimeSpan elapsed)
    {
        long sent = Interlocked.Read(ref statistics.TicksSent);
        long accepted = Interlocked.Read(ref statistics.TicksAccepted);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done after {elapsed.TotalSeconds:0.0} s: {Counts()} | {sent / elapsed.TotalSeconds:#,0} ticks/s sent, {accepted / elapsed.TotalSeconds:#,0} accepted | " +
            $"{Interlocked.Read(ref statistics.Requests):#,0} requests, latency {Latency(statistics.RequestLatency.Total)} | {InventoryCounts()}"));
        foreach (var (kind, count) in statistics.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failed: {kind}: {count:#,0} request(s)"));
        }

        if (hub is not null)
        {
            var tracker = hub.Tracker;
            output.WriteLine($"hub: {HubCounts(tracker)}{(hub.ConnectionLost ? $" ({hub.ConnectionsLost} connection(s) lost)" : "")} | tick-to-client latency {HubLatency(tracker.Latency.Total)}");
            if (tracker.Clients > 1)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"hub clients: {tracker.Clients}, {Starved(tracker)} without a quote after the warm-up | the worst client's {HubLatency(WorstClient(tracker))}"));
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"hub per instrument (quotes/gaps): {string.Join(", ", tracker.Instruments.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Instrument} {i.Counts.Quotes:#,0}/{i.Counts.Gaps:#,0}")))}"));
        }

        if (settings.Json)
        {
            jsonOutput.WriteLine(JsonSummary(elapsed));
        }
    }

    private string Counts() => string.Create(CultureInfo.InvariantCulture,
        $"sent {Interlocked.Read(ref statistics.TicksSent):#,0} accepted {Interlocked.Read(ref statistics.TicksAccepted):#,0} " +
        $"rejected {Interlocked.Read(ref statistics.Rejected):#,0} duplicates {Interlocked.Read(ref statistics.Duplicates):#,0} " +
        $"late {Interlocked.Read(ref statistics.Late):#,0} failed {Interlocked.Read(ref statistics.TicksFailed):#,0}");

    private string InventoryCounts() => !statistics.InventoryEnabled
        ? "inventory off (404)"
        : string.Create(CultureInfo.InvariantCulture,
            $"inventory sent {Interlocked.Read(ref statistics.InventorySent):#,0} accepted {Interlocked.Read(ref statistics.InventoryAccepted):#,0}");

    private static string HubCounts(HubLatencyTracker tracker) => string.Create(CultureInfo.InvariantCulture,
        $"quotes {tracker.Quotes:#,0} unknown {tracker.Unknown:#,0} gaps {tracker.Gaps:#,0}");

    /// <summary>Clients that received no quote of this feed after the warm-up.</summary>
    private static int Starved(HubLatencyTracker tracker) => tracker.ClientLatencies.Count(l => l.Count == 0);

    /// <summary>The client whose p99 is the highest.</summary>
    private static LatencyHistogram WorstClient(HubLatencyTracker tracker) =>
        tracker.ClientLatencies.MaxBy(l => l.Count == 0 ? TimeSpan.Zero : l.Percentile(0.99))!;

    private static string Latency(LatencyHistogram histogram) => histogram.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture,
            $"p50 {histogram.Percentile(0.50).TotalMilliseconds:0.00} ms p99 {histogram.Percentile(0.99).TotalMilliseconds:0.00} ms");

    private static string HubLatency(LatencyHistogram histogram) => histogram.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture,
            $"{histogram.Count:#,0} samples p50 {histogram.Percentile(0.50).TotalMilliseconds:0.00} ms p90 {histogram.Percentile(0.90).TotalMilliseconds:0.00} ms " +
            $"p99 {histogram.Percentile(0.99).TotalMilliseconds:0.00} ms max {histogram.Max.TotalMilliseconds:0.00} ms");

    /// <summary>
    /// <c>{"url","seed","rate","batch","concurrency","elapsedSeconds","ticks":{...},"requests":{...,"latencyMs"},
    /// "inventory":{...},"failures":{kind:count},"hub":{...,"clients","connectionsLost","starvedClients","latencyMs",
    /// "worstClient","instruments":{id:{"quotes","gaps"}}}|null}</c>; <c>worstClient</c> is the latency of the client
    /// with the highest p99; a latency (<c>latencyMs</c>, <c>worstClient</c>) is <c>{"count","p50","p90","p99","max"}</c>, the values null when there is no sample.
    /// </summary>
    private string JsonSummary(TimeSpan elapsed)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            long sent = Interlocked.Read(ref statistics.TicksSent);
            long accepted = Interlocked.Read(ref statistics.TicksAccepted);
            json.WriteStartObject();
            json.WriteString("url", settings.Url.ToString());
            json.WriteNumber("seed", settings.Seed);
            json.WriteNumber("rate", settings.Rate);
            json.WriteNumber("batch", settings.Batch);
            json.WriteNumber("concurrency", settings.Concurrency);
            json.WriteNumber("elapsedSeconds", Math.Round(elapsed.TotalSeconds, 3));

            json.WriteStartObject("ticks");
            json.WriteNumber("sent", sent);
            json.WriteNumber("accepted", accepted);
            json.WriteNumber("rejected", Interlocked.Read(ref statistics.Rejected));
            json.WriteNumber("duplicates", Interlocked.Read(ref statistics.Duplicates));
            json.WriteNumber("late", Interlocked.Read(ref statistics.Late));
            json.WriteNumber("failed", Interlocked.Read(ref statistics.TicksFailed));
            json.WriteNumber("sentPerSecond", Math.Round(sent / elapsed.TotalSeconds, 1));
            json.WriteNumber("acceptedPerSecond", Math.Round(accepted / elapsed.TotalSeconds, 1));
            json.WriteEndObject();

            json.WriteStartObject("requests");
            json.WriteNumber("count", Interlocked.Read(ref statistics.Requests));
            json.WriteNumber("failed", Interlocked.Read(ref statistics.FailedRequests));
            json.WriteNumber("streamReconnects", Interlocked.Read(ref statistics.StreamReconnects));
            WriteLatency(json, statistics.RequestLatency.Total);
            json.WriteEndObject();

            json.WriteStartObject("inventory");
            json.WriteBoolean("enabled", statistics.InventoryEnabled);
            json.WriteNumber("sent", Interlocked.Read(ref statistics.InventorySent));
            json.WriteNumber("accepted", Interlocked.Read(ref statistics.InventoryAccepted));
            json.WriteNumber("rejected", Interlocked.Read(ref statistics.InventoryRejected));
            json.WriteEndObject();

            json.WriteStartObject("failures");
            foreach (var (kind, count) in statistics.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                json.WriteNumber(kind, count);
            }

            json.WriteEndObject();

            if (hub is null)
            {
                json.WriteNull("hub");
            }
            else
            {
                var tracker = hub.Tracker;
                json.WriteStartObject("hub");
                json.WriteNumber("quotes", tracker.Quotes);
                json.WriteNumber("unknown", tracker.Unknown);
                json.WriteNumber("gaps", tracker.Gaps);
                json.WriteBoolean("connectionLost", hub.ConnectionLost);
                json.WriteNumber("clients", tracker.Clients);
                json.WriteNumber("connectionsLost", hub.ConnectionsLost);
                json.WriteNumber("starvedClients", Starved(tracker));
                WriteLatency(json, tracker.Latency.Total);
                json.WritePropertyName("worstClient");
                WriteLatencyValue(json, WorstClient(tracker));
                json.WriteStartObject("instruments");
                foreach (var (instrument, counts) in tracker.Instruments)
                {
                    json.WriteStartObject(instrument);
                    json.WriteNumber("quotes", counts.Quotes);
                    json.WriteNumber("gaps", counts.Gaps);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteLatency(Utf8JsonWriter json, LatencyHistogram histogram)
    {
        json.WritePropertyName("latencyMs");
        WriteLatencyValue(json, histogram);
    }

    private static void WriteLatencyValue(Utf8JsonWriter json, LatencyHistogram histogram)
    {
        json.WriteStartObject();
        json.WriteNumber("count", histogram.Count);
        foreach (double fraction in Percentiles)
        {
            WriteMilliseconds(json, string.Create(CultureInfo.InvariantCulture, $"p{fraction * 100:0}"), histogram.Count == 0 ? null : histogram.Percentile(fraction));
        }

        WriteMilliseconds(json, "max", histogram.Count == 0 ? null : histogram.Max);
        json.WriteEndObject();
    }

    private static void WriteMilliseconds(Utf8JsonWriter json, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v.TotalMilliseconds, 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
