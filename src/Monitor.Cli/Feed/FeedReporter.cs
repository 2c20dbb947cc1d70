using System.Globalization;

namespace Monitor.Cli.Feed;

/// <summary>Prints <c>monitor feed</c>'s progress every <see cref="FeedSettings.ReportInterval"/> and its final summary.</summary>
internal sealed class FeedReporter(FeedSettings settings, TextWriter output, TimeProvider clock, FeedStatistics statistics)
{
    /// <summary>One progress line per interval until <paramref name="stop"/>; the rate and latency are the interval's.</summary>
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
                var interval = statistics.TakeIntervalLatency();
                double recentRate = (sent - previousSent) / clock.GetElapsedTime(previous, now).TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{clock.GetElapsedTime(started, now).TotalSeconds,6:0.0}s] {Counts()} | {recentRate:#,0} ticks/s | latency {Latency(interval)} | {InventoryCounts()}"));
                previousSent = sent;
                previous = now;
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    public void PrintSummary(TimeSpan elapsed)
    {
        long sent = Interlocked.Read(ref statistics.TicksSent);
        long accepted = Interlocked.Read(ref statistics.TicksAccepted);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done after {elapsed.TotalSeconds:0.0} s: {Counts()} | {sent / elapsed.TotalSeconds:#,0} ticks/s sent, {accepted / elapsed.TotalSeconds:#,0} accepted | " +
            $"{Interlocked.Read(ref statistics.Requests):#,0} requests, latency {Latency(statistics.TotalLatency)} | {InventoryCounts()}"));
        foreach (var (kind, count) in statistics.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failed: {kind}: {count:#,0} request(s)"));
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

    private static string Latency(LatencyHistogram histogram) => histogram.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture,
            $"p50 {histogram.Percentile(0.50).TotalMilliseconds:0.00} ms p99 {histogram.Percentile(0.99).TotalMilliseconds:0.00} ms");
}
