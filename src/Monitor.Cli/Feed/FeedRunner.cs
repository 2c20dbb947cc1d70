using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Monitor.Core.Market;
using Monitor.Core.Simulation;

namespace Monitor.Cli.Feed;

/// <summary>
/// Runs the simulator against the clock and posts its output. One generator advances the simulator and writes
/// ticks into per-poster batches (pre-serialized with <see cref="TickBatchWriter"/> into reused buffers); each of
/// <see cref="FeedSettings.Concurrency"/> posters sends its batches one after another through the shared
/// <see cref="IngestClient"/>. Every instrument belongs to one poster, so its ticks (and their seq) arrive in order.
/// Bounded queues hold the generator back when the server is slower than the rate (and set the pace at rate 0).
/// </summary>
internal sealed class FeedRunner : IDisposable
{
    private const int QueuedBatchesPerPoster = 2;

    private readonly FeedSettings _settings;
    private readonly TextWriter _output;
    private readonly TimeProvider _clock;
    private readonly FeedStatistics _statistics = new();
    private readonly IngestClient _ingest;
    private readonly FeedReporter _reporter;
    private readonly MarketHubListener? _hub;
    private readonly int _instruments;
    private readonly Channel<TickBatchWriter>[] _queues;
    private readonly ConcurrentQueue<TickBatchWriter>[] _spareBatches;
    private readonly TickStreamClient?[] _streams;
    private readonly Channel<byte[]> _inventoryQueue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

    /// <param name="settings">What to do.</param>
    /// <param name="output">Progress and warnings; must be safe to write from several threads.</param>
    /// <param name="summaryOutput">The final summary, when it is JSON (<see cref="FeedSettings.Json"/>).</param>
    /// <param name="clock">The clock.</param>
    /// <param name="instruments">How many instruments are simulated.</param>
    /// <param name="hub">The hub connection, when measuring latency.</param>
    private FeedRunner(FeedSettings settings, TextWriter output, TextWriter summaryOutput, TimeProvider clock, int instruments, MarketHubListener? hub)
    {
        _settings = settings;
        _output = output;
        _clock = clock;
        _instruments = instruments;
        _hub = hub;
        _ingest = new IngestClient(settings, _output, clock, _statistics, hub?.Tracker);
        _reporter = new FeedReporter(settings, _output, summaryOutput, clock, _statistics, hub);
        _queues = new Channel<TickBatchWriter>[settings.Concurrency];
        _spareBatches = new ConcurrentQueue<TickBatchWriter>[settings.Concurrency];
        _streams = new TickStreamClient?[settings.Concurrency];
        for (int p = 0; p < settings.Concurrency; p++)
        {
            _queues[p] = Channel.CreateBounded<TickBatchWriter>(new BoundedChannelOptions(QueuedBatchesPerPoster) { SingleReader = true, SingleWriter = true });
            _spareBatches[p] = new ConcurrentQueue<TickBatchWriter>();
        }
    }

    /// <summary>
    /// Returns 0 when every request succeeded, 1 when some failed (each distinct failure is printed once) or, with
    /// <see cref="FeedSettings.MeasureLatency"/>, the hub could not be subscribed to or closed the connection.
    /// </summary>
    public static async Task<int> RunAsync(FeedSettings settings, TextWriter output, TextWriter errors, TimeProvider clock, CancellationToken cancellationToken)
    {
        MarketSimulator simulator;
        try
        {
            simulator = new MarketSimulator(
                new SimulatorOptions { TicksPerSecond = settings.Rate > 0 ? settings.Rate : 1, Instruments = settings.Instruments },
                settings.Seed);
        }
        catch (ArgumentException e)
        {
            await errors.WriteLineAsync($"error: {e.Message}");
            return 2;
        }

        var lines = TextWriter.Synchronized(settings.Json ? errors : output);
        MarketHubListener? hub = null;
        if (settings.MeasureLatency)
        {
            // The first instruments fed: their indexes are the same in the batches and the tracker.
            string[] watched = [.. FedInstruments(settings, simulator).Take(settings.HubInstruments ?? int.MaxValue)];
            hub = await ConnectHubAsync(settings, watched, lines, errors, cancellationToken);
            if (hub is null)
            {
                return 1;
            }
        }

        await using (hub)
        {
            using var runner = new FeedRunner(settings, lines, output, clock, FedInstruments(settings, simulator).Count, hub);
            return await runner.RunCoreAsync(simulator, cancellationToken);
        }
    }

    /// <summary>Subscribes to the instruments on the server's hub, or prints why it could not and returns null.</summary>
    private static async Task<MarketHubListener?> ConnectHubAsync(
        FeedSettings settings, IReadOnlyList<string> instruments, TextWriter lines, TextWriter errors, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.RequestTimeout);
        try
        {
            return await MarketHubListener.ConnectAsync(settings.Url, settings.ApiKey, instruments, new HubLatencyTracker(instruments, settings.HubClients), lines, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or HubException or WebSocketException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            string reason = e is OperationCanceledException && !cancellationToken.IsCancellationRequested ? $"no answer within {settings.RequestTimeout}" : e.Message;
            await errors.WriteLineAsync($"error: --measure-latency: could not subscribe at {new Uri(settings.Url, MarketHubListener.HubPath)}: {reason}");
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var stream in _streams)
        {
            stream?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _ingest.Dispose();
        foreach (var spares in _spareBatches)
        {
            while (spares.TryDequeue(out var batch))
            {
                batch.Dispose();
            }
        }
    }

    /// <summary>The instruments the ticks go to, in the order of their indexes: the simulated ones, or those <c>--spread</c> generates.</summary>
    private static IReadOnlyList<string> FedInstruments(FeedSettings settings, MarketSimulator simulator) => settings.Spread > 0
        ? [.. Enumerable.Range(0, settings.Spread).Select(k => FeedSettings.SpreadPrefix + k.ToString(CultureInfo.InvariantCulture))]
        : [.. simulator.Instruments.Select(id => id.Value)];

    private async Task<int> RunCoreAsync(MarketSimulator simulator, CancellationToken cancellationToken)
    {
        // Fed instrument k follows simulated instrument k % (simulated count) and takes its ticks in turn with the others that do.
        var fed = FedInstruments(_settings, simulator);
        var routes = simulator.Instruments.ToDictionary(id => id, _ => new TickRoutes());
        for (int k = 0; k < fed.Count; k++)
        {
            routes[simulator.Instruments[k % simulator.Instruments.Count]].Targets.Add(new TickRoute(k % _settings.Concurrency, k, JsonEncodedText.Encode(fed[k])));
        }

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"feed: {_settings.Url} {(_settings.Rate > 0 ? $"{_settings.Rate:#,0.##} ticks/s" : "as fast as the server takes")}, " +
            $"{(_settings.Duration is { } d ? $"for {d}" : "until Ctrl-C")}, {fed.Count} instruments, " +
            $"batches of up to {_settings.Batch}, {_settings.Concurrency} concurrent requests, seed {_settings.Seed}"));
        if (_hub is not null)
        {
            _output.WriteLine($"hub: {_settings.HubClients} connection(s) subscribed to {Math.Min(fed.Count, _settings.HubInstruments ?? int.MaxValue)} of the {fed.Count} instruments at {new Uri(_settings.Url, MarketHubListener.HubPath)}, measuring tick-to-client latency");
        }

        if (_settings.Stream && !await ConnectStreamsAsync(cancellationToken))
        {
            return 1;
        }

        // Ctrl-C stops the generator at once and gives what is queued or in flight a short grace; a --duration run
        // drains everything.
        using var abort = new CancellationTokenSource();
        using var abortOnCancel = cancellationToken.Register(() => abort.CancelAfter(_settings.ShutdownGrace));
        using var reporterStop = new CancellationTokenSource();

        long started = _clock.GetTimestamp();
        long countFrom = Stopwatch.GetTimestamp() + (long)(_settings.Warmup.TotalSeconds * Stopwatch.Frequency);
        _statistics.RequestLatency.CountFrom(countFrom);
        _hub?.Tracker.CountFrom(countFrom);
        var posters = Enumerable.Range(0, _settings.Concurrency).Select(p => PostTicksAsync(p, abort.Token)).ToArray();
        var inventoryPoster = PostInventoryAsync(abort.Token);
        var reporter = _reporter.RunAsync(started, reporterStop.Token);

        await GenerateAsync(simulator, routes, cancellationToken);

        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        _inventoryQueue.Writer.TryComplete();
        await Task.WhenAll(posters);
        await inventoryPoster;
        long fedUntil = _clock.GetTimestamp();
        if (_hub is not null && !cancellationToken.IsCancellationRequested)
        {
            await WaitForLastQuotesAsync(_hub.Tracker, cancellationToken);
        }

        await reporterStop.CancelAsync();
        await reporter;

        _reporter.PrintSummary(_clock.GetElapsedTime(started, fedUntil));
        return _statistics.FailedRequests > 0 || _hub?.ConnectionLost == true ? 1 : 0;
    }

    /// <summary>
    /// The server quotes an instrument's newest tick within a few tens of milliseconds of taking it; this
    /// waits for those quotes, at most <see cref="FeedSettings.QuoteWait"/>.
    /// </summary>
    private async Task WaitForLastQuotesAsync(HubLatencyTracker tracker, CancellationToken cancellationToken)
    {
        long waitStarted = _clock.GetTimestamp();
        try
        {
            while (!tracker.AllAnswered && _clock.GetElapsedTime(waitStarted) < _settings.QuoteWait)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), _clock, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: summarize what arrived.
        }
    }

    private async Task GenerateAsync(MarketSimulator simulator, Dictionary<InstrumentId, TickRoutes> routes, CancellationToken stop)
    {
        var current = new TickBatchWriter?[_settings.Concurrency];
        var ticks = new List<Tick>(4096);
        var inventory = new List<InventoryValue>();
        var start = _clock.GetUtcNow();
        var end = _settings.Duration is { } duration ? start + duration : DateTimeOffset.MaxValue;
        using var timer = new PeriodicTimer(_settings.StepInterval, _clock);
        DivergenceEpisode? announced = null;
        try
        {
            simulator.Advance(start, ticks, inventory);
            while (true)
            {
                if (simulator.LatestEpisode is { } episode && episode != announced)
                {
                    _output.WriteLine($"episode: {episode.Description}");
                    announced = episode;
                }

                await DispatchAsync(ticks, inventory, routes, current, stop);
                if (simulator.Now >= end || (_settings.Rate > 0 && !await timer.WaitForNextTickAsync(stop)))
                {
                    break;
                }

                var now = _clock.GetUtcNow();
                now = now < end ? now : end;
                if (_settings.Rate > 0)
                {
                    simulator.Advance(now, ticks, inventory);
                }
                else
                {
                    simulator.Advance(now, _settings.Batch * _settings.Concurrency, ticks, inventory);
                }
            }

            // Whatever has not filled a batch goes now.
            for (int p = 0; p < current.Length; p++)
            {
                if (current[p] is { Count: > 0 } batch)
                {
                    await _queues[p].Writer.WriteAsync(batch.Complete(), stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl-C: what is queued is still sent within the grace period.
        }
    }

    private async ValueTask DispatchAsync(
        List<Tick> ticks, List<InventoryValue> inventory, Dictionary<InstrumentId, TickRoutes> routes, TickBatchWriter?[] current, CancellationToken stop)
    {
        long now = _clock.GetTimestamp();
        foreach (var tick in ticks)
        {
            var (route, seq) = routes[tick.Instrument].Next(tick.Seq, _settings.Spread > 0);
            var batch = current[route.Poster] ??= RentBatch(route.Poster, now);
            batch.Add(tick with { Seq = seq }, route.Instrument, route.Name);
            if (batch.Count >= _settings.Batch)
            {
                current[route.Poster] = null;
                await _queues[route.Poster].Writer.WriteAsync(batch.Complete(), stop);
            }
        }

        for (int p = 0; p < current.Length; p++)
        {
            if (current[p] is { Count: > 0 } batch && _clock.GetElapsedTime(batch.StartedAt, now) >= _settings.FlushInterval)
            {
                current[p] = null;
                await _queues[p].Writer.WriteAsync(batch.Complete(), stop);
            }
        }

        if (inventory.Count > 0 && _statistics.InventoryEnabled)
        {
            _inventoryQueue.Writer.TryWrite(InventoryJson.Serialize(inventory));
        }

        ticks.Clear();
        inventory.Clear();
    }

    private TickBatchWriter RentBatch(int poster, long now)
    {
        if (!_spareBatches[poster].TryDequeue(out var batch))
        {
            batch = new TickBatchWriter(_instruments);
        }

        batch.Begin(now);
        return batch;
    }

    /// <summary>Opens a tick stream per poster, or prints why it could not and returns false.</summary>
    private async Task<bool> ConnectStreamsAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.RequestTimeout);
        try
        {
            for (int p = 0; p < _streams.Length; p++)
            {
                var spares = _spareBatches[p];
                _streams[p] = await TickStreamClient.ConnectAsync(_settings, _ingest, _hub?.Tracker, spares.Enqueue, timeout.Token);
            }

            return true;
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or JsonException or OperationCanceledException)
        {
            string reason = e is OperationCanceledException && !cancellationToken.IsCancellationRequested ? $"no answer within {_settings.RequestTimeout}" : e.Message;
            _output.WriteLine($"error: --stream: could not open {new Uri(_settings.Url, TickStreamClient.StreamPath)}: {reason}");
            return false;
        }
    }

    private async Task PostTicksAsync(int poster, CancellationToken abort)
    {
        if (_streams[poster] is { } stream)
        {
            await StreamTicksAsync(poster, stream, abort);
            return;
        }

        await foreach (var batch in _queues[poster].Reader.ReadAllAsync(CancellationToken.None))
        {
            if (!abort.IsCancellationRequested)
            {
                await _ingest.SendTicksAsync(batch, abort);
            }

            _spareBatches[poster].Enqueue(batch);
        }
    }

    /// <summary>Sends the poster's batches over its stream; each goes back to the spares once acknowledged.</summary>
    private async Task StreamTicksAsync(int poster, TickStreamClient stream, CancellationToken abort)
    {
        try
        {
            await foreach (var batch in _queues[poster].Reader.ReadAllAsync(CancellationToken.None))
            {
                if (abort.IsCancellationRequested)
                {
                    _spareBatches[poster].Enqueue(batch);
                    continue;
                }

                await stream.SendAsync(batch, abort);
            }

            await stream.CompleteAsync(abort);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Ctrl-C after the grace period: what is unacknowledged is abandoned.
            while (_queues[poster].Reader.TryRead(out var batch))
            {
                _spareBatches[poster].Enqueue(batch);
            }
        }
    }

    private async Task PostInventoryAsync(CancellationToken abort)
    {
        await foreach (var json in _inventoryQueue.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (_statistics.InventoryEnabled && !abort.IsCancellationRequested)
            {
                await _ingest.SendInventoryAsync(json, abort);
            }
        }
    }

    /// <summary>Where an instrument's ticks go: its poster, its index among the instruments, its id as JSON.</summary>
    private readonly record struct TickRoute(int Poster, int Instrument, JsonEncodedText Name);

    /// <summary>The instruments one simulated instrument's ticks go to, in turn, each with the seq it has sent.</summary>
    private sealed class TickRoutes
    {
        private long[] _seqs = [];
        private int _next;

        public List<TickRoute> Targets { get; } = [];

        /// <summary>The next target and the tick's seq there: the simulator's own, or with <paramref name="generated"/>
        /// the target's next (each generated instrument numbers its ticks 1, 2, 3...).</summary>
        public (TickRoute Route, long Seq) Next(long simulatedSeq, bool generated)
        {
            if (_seqs.Length != Targets.Count)
            {
                _seqs = new long[Targets.Count];
            }

            int i = _next;
            _next = (_next + 1) % Targets.Count;
            return (Targets[i], generated ? ++_seqs[i] : simulatedSeq);
        }
    }
}
