using System.Text.Json;
using Monitor.Cli.Feed;
using Monitor.Core.Simulation;

namespace Monitor.Cli.Tests;

/// <summary><c>monitor feed --measure-latency</c> and <c>--json</c> against an in-process receiver with a real SignalR hub.</summary>
public sealed class FeedMeasureLatencyTests
{
    private static readonly int Instruments = MarketCalibration.Instruments.Count;

    [Fact]
    public async Task MeasureLatencyWithJson_HubEchoesEveryBatch_OneSamplePerTickUnknownAndGapsCounted()
    {
        await using var receiver = await FeedReceiver.StartAsync(echo: new QuoteEcho(ForeignQuotes: true, SkipSeqOnce: true));

        var run = await FeedInvocation.InvokeAsync(receiver, CancellationToken.None,
            "--rate", "1000", "--duration", "1.5s", "--batch", "100", "--concurrency", "2", "--seed", "5", "--measure-latency", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Instruments, receiver.Subscribed.Count);
        using var summary = JsonDocument.Parse(run.Output);
        var hub = summary.RootElement.GetProperty("hub");
        var latency = hub.GetProperty("latencyMs");
        var ticks = summary.RootElement.GetProperty("ticks");
        Assert.Equal(ticks.GetProperty("sent").GetInt64(), latency.GetProperty("count").GetInt64());
        Assert.Equal(receiver.ForeignQuotes, hub.GetProperty("unknown").GetInt64());
        Assert.Equal(Instruments, receiver.ForeignQuotes);
        Assert.Equal(receiver.EchoedQuotes + receiver.ForeignQuotes, hub.GetProperty("quotes").GetInt64());
        Assert.Equal(receiver.SkippedSeqs, hub.GetProperty("gaps").GetInt64());
        Assert.True(receiver.SkippedSeqs > 0);
        Assert.False(hub.GetProperty("connectionLost").GetBoolean());
        double p50 = latency.GetProperty("p50").GetDouble(), p90 = latency.GetProperty("p90").GetDouble();
        double p99 = latency.GetProperty("p99").GetDouble(), max = latency.GetProperty("max").GetDouble();
        Assert.True(0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= max && max < FeedInvocation.Deadline.TotalMilliseconds, $"p50 {p50} p90 {p90} p99 {p99} max {max}");
        var perInstrument = hub.GetProperty("instruments").EnumerateObject().ToList();
        Assert.Equal(Instruments, perInstrument.Count);
        Assert.Equal(receiver.EchoedQuotes + receiver.ForeignQuotes, perInstrument.Sum(i => i.Value.GetProperty("quotes").GetInt64()));
        Assert.Equal(receiver.SkippedSeqs, perInstrument.Sum(i => i.Value.GetProperty("gaps").GetInt64()));

        Assert.Equal(25 + 1500, ticks.GetProperty("sent").GetInt64());
        Assert.Equal(ticks.GetProperty("sent").GetInt64(), ticks.GetProperty("accepted").GetInt64());
        Assert.Equal(receiver.Requests.Count(r => r.Path == "/api/v1/ticks"), summary.RootElement.GetProperty("requests").GetProperty("count").GetInt64());
        Assert.Contains(run.ErrorLines, line => line.StartsWith("done after", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, line => line.StartsWith("hub: quotes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MeasureLatencyWithHubClients_EveryConnectionSubscribesAndIsMeasuredOnItsOwn()
    {
        // The first connection is SignalR's client, the others lean WebSocket ones: each must read the same quotes, the
        // same foreign ones and the same seq gaps.
        await using var receiver = await FeedReceiver.StartAsync(echo: new QuoteEcho(ForeignQuotes: true, SkipSeqOnce: true));

        var run = await FeedInvocation.InvokeAsync(receiver, CancellationToken.None,
            "--rate", "1000", "--duration", "1.5s", "--batch", "100", "--seed", "5", "--measure-latency", "--hub-clients", "3", "--json");

        Assert.Equal(0, run.ExitCode);
        using var summary = JsonDocument.Parse(run.Output);
        var hub = summary.RootElement.GetProperty("hub");
        Assert.Equal(3, hub.GetProperty("clients").GetInt32());
        Assert.Equal(0, hub.GetProperty("starvedClients").GetInt32());
        Assert.Equal(0, hub.GetProperty("connectionsLost").GetInt32());
        Assert.Equal(3 * receiver.ForeignQuotes, hub.GetProperty("unknown").GetInt64());
        Assert.Equal(Instruments, receiver.ForeignQuotes);
        Assert.Equal(3 * receiver.SkippedSeqs, hub.GetProperty("gaps").GetInt64());
        Assert.True(receiver.SkippedSeqs > 0);
        Assert.Equal(3 * (receiver.EchoedQuotes + receiver.ForeignQuotes), hub.GetProperty("quotes").GetInt64());

        // Every connection is in the echo's group, so each receives each echoed quote and measures every tick on its own.
        long sent = summary.RootElement.GetProperty("ticks").GetProperty("sent").GetInt64();
        Assert.Equal(3 * sent, hub.GetProperty("latencyMs").GetProperty("count").GetInt64());
        var worst = hub.GetProperty("worstClient");
        Assert.Equal(sent, worst.GetProperty("count").GetInt64());
        Assert.True(worst.GetProperty("p99").GetDouble() >= hub.GetProperty("latencyMs").GetProperty("p50").GetDouble());
        Assert.Contains(run.ErrorLines, line => line.StartsWith("hub clients: 3, 0 without a quote after the warm-up | the worst client's ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MeasureLatencyWithHubInstruments_SubscribesToTheFirstOnesAndMeasuresOnlyTheirTicks()
    {
        await using var receiver = await FeedReceiver.StartAsync(echo: new QuoteEcho());

        var run = await FeedInvocation.InvokeAsync(receiver, CancellationToken.None,
            "--rate", "1000", "--duration", "1.5s", "--batch", "100", "--seed", "5", "--measure-latency", "--hub-instruments", "2", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, receiver.Subscribed.Count);
        using var summary = JsonDocument.Parse(run.Output);
        var hub = summary.RootElement.GetProperty("hub");
        Assert.Equal(2, hub.GetProperty("instruments").EnumerateObject().Count());
        long measured = hub.GetProperty("latencyMs").GetProperty("count").GetInt64();
        Assert.InRange(measured, 1, summary.RootElement.GetProperty("ticks").GetProperty("sent").GetInt64() - 1);
        Assert.Equal(0, hub.GetProperty("unknown").GetInt64());
    }

    [Fact]
    public async Task MeasureLatency_RunningLongerThanTheReportInterval_PrintsHubLatencyInProgressAndSummary()
    {
        await using var receiver = await FeedReceiver.StartAsync(echo: new QuoteEcho());
        using var output = new StringWriter();
        var settings = new FeedSettings(receiver.Url, FeedInvocation.ApiKey, Rate: 1000, Duration: TimeSpan.FromSeconds(1.2), Instruments: ["COMEX:SI", "ETF:SLV"], Batch: 50, Concurrency: 2, Seed: 3)
        {
            ReportInterval = TimeSpan.FromMilliseconds(250),
            MeasureLatency = true,
        };

        int exitCode = await FeedRunner.RunAsync(settings, output, TextWriter.Null, TimeProvider.System, CancellationToken.None).WaitAsync(FeedInvocation.Deadline);

        Assert.Equal(0, exitCode);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        const string Latency = @"[\d,]+ samples p50 [\d.]+ ms p90 [\d.]+ ms p99 [\d.]+ ms max [\d.]+ ms";
        var progress = lines.Where(line => line.StartsWith('[')).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, line => Assert.Matches($@"\| hub quotes [\d,]+ unknown 0 gaps 0, latency (n/a|{Latency})$", line));
        Assert.Single(lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, $"^hub: quotes {receiver.EchoedQuotes:#,0} unknown 0 gaps 0 \\| tick-to-client latency {Latency}$"));
        Assert.Single(lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^hub per instrument \(quotes/gaps\): COMEX:SI [\d,]+/0, ETF:SLV [\d,]+/0$"));
    }

    [Fact]
    public async Task MeasureLatency_NoHubAtTheUrl_ExitsWithOneBeforeSendingAndSaysWhy()
    {
        await using var receiver = await FeedReceiver.StartAsync();

        var run = await FeedInvocation.InvokeAsync(receiver, CancellationToken.None, "--rate", "100", "--duration", "1s", "--measure-latency");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(receiver.Requests);
        Assert.Contains($"error: --measure-latency: could not subscribe at {receiver.Url}hubs/market: ", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_WithoutMeasureLatency_PrintsOnlyOneObjectWithTheCountsAndNoHub()
    {
        await using var receiver = await FeedReceiver.StartAsync();

        var run = await FeedInvocation.InvokeAsync(receiver, CancellationToken.None, "--rate", "500", "--duration", "1s", "--batch", "50", "--seed", "11", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.OutputLines);
        using var summary = JsonDocument.Parse(run.Output);
        var root = summary.RootElement;
        Assert.Equal(11, root.GetProperty("seed").GetInt32());
        Assert.Equal(25 + 500, root.GetProperty("ticks").GetProperty("sent").GetInt64());
        Assert.Equal(0, root.GetProperty("ticks").GetProperty("failed").GetInt64());
        var latency = root.GetProperty("requests").GetProperty("latencyMs");
        Assert.Equal(root.GetProperty("requests").GetProperty("count").GetInt64(), latency.GetProperty("count").GetInt64());
        Assert.True(latency.GetProperty("p99").GetDouble() <= latency.GetProperty("max").GetDouble());
        Assert.True(root.GetProperty("inventory").GetProperty("enabled").GetBoolean());
        Assert.Empty(root.GetProperty("failures").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("hub").ValueKind);
        Assert.Contains(run.ErrorLines, line => line.StartsWith("feed: ", StringComparison.Ordinal));
    }
}
