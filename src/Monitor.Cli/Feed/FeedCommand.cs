using System.Buffers;
using System.Collections.Concurrent;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using System.Xml;
using Monitor.Core.Market;
using Monitor.Core.Simulation;

namespace Monitor.Cli;

/// <summary>
/// <c>monitor feed</c>: runs the market simulator in real time and posts its ticks and inventory values to a
/// running server (CONTRACT.md section 9), for demos and as a load generator.
/// </summary>
internal static class FeedCommand
{
    /// <summary>The server's per-request limit (CONTRACT.md section 3).</summary>
    public const int MaxBatch = 10_000;

    public static Command Create()
    {
        var url = new Option<Uri>("--url")
        {
            Description = "base address of a running Monitor server, such as http://127.0.0.1:5080",
            Required = true,
            CustomParser = ParseUrl,
        };
        var apiKey = new Option<string>("--api-key") { Description = "API key with the ingest role (sent as X-Api-Key)", Required = true };
        var rate = new Option<double>("--rate")
        {
            Description = "ticks per second across all instruments; 0 sends as fast as the server takes them",
            DefaultValueFactory = _ => 200,
        };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "how long to run (30s, 5m, 1h30m, PT1M, 00:01:00); until Ctrl-C when absent",
            CustomParser = ParseDuration,
        };
        var instruments = new Option<string[]>("--instruments")
        {
            Description = "instruments to simulate, space or comma separated (default: all built-in ones)",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = ParseInstruments,
        };
        var batch = new Option<int>("--batch") { Description = $"ticks per request, at most (1-{MaxBatch})", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "concurrent requests (1-256); an instrument always goes through the same one, so its ticks arrive in order",
            DefaultValueFactory = _ => 4,
        };
        var seed = new Option<int?>("--seed") { Description = "seed of the simulated market (random and printed when absent)" };

        rate.Validators.Add(result => Require(result, double.IsFinite(result.GetValueOrDefault<double>()) && result.GetValueOrDefault<double>() >= 0, "--rate must be a number from 0"));
        batch.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 1 and <= MaxBatch, $"--batch must be from 1 to {MaxBatch}"));
        concurrency.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 1 and <= 256, "--concurrency must be from 1 to 256"));

        var command = new Command("feed", "Sends simulated ticks and inventory values to a running server, in real time or as fast as it takes them")
        {
            url, apiKey, rate, duration, instruments, batch, concurrency, seed,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var settings = new FeedSettings(
                result.GetValue(url)!,
                result.GetValue(apiKey)!,
                result.GetValue(rate),
                result.GetValue(duration),
                result.GetValue(instruments) ?? [],
                result.GetValue(batch),
                result.GetValue(concurrency),
                result.GetValue(seed) ?? Random.Shared.Next());
            var configuration = result.InvocationConfiguration;
            return FeedRunner.RunAsync(settings, configuration.Output, configuration.Error, TimeProvider.System, cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// A duration as <c>30s</c>, <c>500ms</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c> (units may be combined), ISO-8601
    /// (<c>PT1M</c>) or a .NET time span (<c>00:01:00</c>). Must be above zero.
    /// </summary>
    internal static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text?.Trim() ?? "";
        if (text.Length == 0)
        {
            return false;
        }

        if (text[0] is 'P' or 'p')
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
            }
            catch (FormatException)
            {
                return false;
            }
        }
        else if (text.Contains(':', StringComparison.Ordinal))
        {
            if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration))
            {
                return false;
            }
        }
        else if (!TryParseUnits(text, out duration))
        {
            return false;
        }

        return duration > TimeSpan.Zero;
    }

    private static bool TryParseUnits(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            if (!double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            {
                return false;
            }

            double? seconds = text[unitStart..i].ToUpperInvariant() switch
            {
                "MS" => amount / 1000,
                "S" => amount,
                "M" => amount * 60,
                "H" => amount * 3600,
                "D" => amount * 86_400,
                _ => null,
            };
            if (seconds is null || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                return false;
            }

            duration += TimeSpan.FromSeconds(seconds.Value);
        }

        return true;
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TryParseDuration(text, out var duration))
        {
            return duration;
        }

        result.AddError($"--duration '{text}' is not a duration above zero; write 30s, 5m, 1h30m, PT1M or 00:01:00");
        return null;
    }

    private static Uri ParseUrl(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            // A base address must end with '/' for relative paths to stay under it (http://host/monitor/api/v1/ticks).
            return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
        }

        result.AddError($"--url '{text}' is not an http(s) address such as http://127.0.0.1:5080");
        return null!;
    }

    private static string[] ParseInstruments(ArgumentResult result)
    {
        var ids = new List<string>();
        foreach (var token in result.Tokens)
        {
            foreach (string part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!InstrumentId.TryParse(part, out var id, out string error))
                {
                    result.AddError($"--instruments: {error}");
                }
                else if (!MarketCalibration.TryGetProfile(id, out _))
                {
                    result.AddError($"--instruments: {id} is not simulated; the simulator knows {string.Join(", ", MarketCalibration.Instruments.Select(p => p.Instrument))}");
                }
                else
                {
                    ids.Add(id.Value);
                }
            }
        }

        return [.. ids.Distinct()];
    }

    private static void Require(OptionResult result, bool condition, string error)
    {
        if (!condition)
        {
            result.AddError(error);
        }
    }
}

/// <summary>What <c>monitor feed</c> was asked to do. <see cref="Seed"/> is always set (a random one when not given).</summary>
internal sealed record FeedSettings(
    Uri Url, string ApiKey, double Rate, TimeSpan? Duration, IReadOnlyList<string> Instruments, int Batch, int Concurrency, int Seed)
{
    /// <summary>How often progress is printed.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A batch that has not filled up is sent once its first tick is this old.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the simulator is advanced when a rate is set.</summary>
    public TimeSpan StepInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>After Ctrl-C, how long requests in flight and queued batches get before they are abandoned.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Per request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Runs the simulator against the clock and posts its output. One generator advances the simulator and writes
/// ticks into per-poster batches (pre-serialized with <see cref="Utf8JsonWriter"/> into reused buffers); each of
/// <see cref="FeedSettings.Concurrency"/> posters sends its batches one after another over a shared
/// <see cref="HttpClient"/>. Every instrument belongs to one poster, so its ticks (and their seq) arrive in order.
/// Bounded queues hold the generator back when the server is slower than the rate (and set the pace at rate 0).
/// </summary>
internal sealed class FeedRunner : IDisposable
{
    private const string TicksPath = "api/v1/ticks";
    private const string InventoryPath = "api/v1/inventory";
    private const int QueuedBatchesPerPoster = 2;

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");
    private static readonly string[] ProblemFields = ["detail", "title"];

    private readonly FeedSettings _settings;
    private readonly TextWriter _output;
    private readonly TimeProvider _clock;
    private readonly HttpClient _client;
    private readonly FeedStatistics _statistics = new();
    private readonly ConcurrentDictionary<string, bool> _warned = new(StringComparer.Ordinal);
    private readonly Channel<TickBatch>[] _queues;
    private readonly ConcurrentQueue<TickBatch>[] _spareBatches;
    private readonly Channel<byte[]> _inventoryQueue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private volatile bool _inventoryEnabled = true;

    private FeedRunner(FeedSettings settings, TextWriter output, TimeProvider clock)
    {
        _settings = settings;
        _output = TextWriter.Synchronized(output);
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxConnectionsPerServer = settings.Concurrency + 1,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        _client = new HttpClient(handler) { BaseAddress = settings.Url, Timeout = settings.RequestTimeout };
        _client.DefaultRequestHeaders.Add("X-Api-Key", settings.ApiKey);
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("monitor-feed", "1.0"));
        _queues = new Channel<TickBatch>[settings.Concurrency];
        _spareBatches = new ConcurrentQueue<TickBatch>[settings.Concurrency];
        for (int p = 0; p < settings.Concurrency; p++)
        {
            _queues[p] = Channel.CreateBounded<TickBatch>(new BoundedChannelOptions(QueuedBatchesPerPoster) { SingleReader = true, SingleWriter = true });
            _spareBatches[p] = new ConcurrentQueue<TickBatch>();
        }
    }

    /// <summary>Returns 0 when every request succeeded, 1 when some failed (each distinct failure is printed once).</summary>
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

        using var runner = new FeedRunner(settings, output, clock);
        return await runner.RunCoreAsync(simulator, cancellationToken);
    }

    public void Dispose()
    {
        _client.Dispose();
        foreach (var spares in _spareBatches)
        {
            while (spares.TryDequeue(out var batch))
            {
                batch.Dispose();
            }
        }
    }

    private async Task<int> RunCoreAsync(MarketSimulator simulator, CancellationToken cancellationToken)
    {
        var routes = new Dictionary<InstrumentId, TickRoute>();
        for (int i = 0; i < simulator.Instruments.Count; i++)
        {
            var id = simulator.Instruments[i];
            routes[id] = new TickRoute(i % _settings.Concurrency, JsonEncodedText.Encode(id.Value));
        }

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"feed: {_settings.Url} {(_settings.Rate > 0 ? $"{_settings.Rate:#,0.##} ticks/s" : "as fast as the server takes")}, " +
            $"{(_settings.Duration is { } d ? $"for {d}" : "until Ctrl-C")}, {routes.Count} instruments, " +
            $"batches of up to {_settings.Batch}, {_settings.Concurrency} concurrent requests, seed {_settings.Seed}"));

        // Ctrl-C stops the generator at once and gives what is queued or in flight a short grace; a --duration run
        // drains everything.
        using var abort = new CancellationTokenSource();
        using var abortOnCancel = cancellationToken.Register(() => abort.CancelAfter(_settings.ShutdownGrace));
        using var reporterStop = new CancellationTokenSource();

        long started = _clock.GetTimestamp();
        var posters = Enumerable.Range(0, _settings.Concurrency).Select(p => PostTicksAsync(p, abort.Token)).ToArray();
        var inventoryPoster = PostInventoryAsync(abort.Token);
        var reporter = ReportAsync(started, reporterStop.Token);

        await GenerateAsync(simulator, routes, cancellationToken);

        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        _inventoryQueue.Writer.TryComplete();
        await Task.WhenAll(posters);
        await inventoryPoster;
        await reporterStop.CancelAsync();
        await reporter;

        PrintSummary(_clock.GetElapsedTime(started));
        return _statistics.FailedRequests > 0 ? 1 : 0;
    }

    private async Task GenerateAsync(MarketSimulator simulator, Dictionary<InstrumentId, TickRoute> routes, CancellationToken stop)
    {
        var current = new TickBatch?[_settings.Concurrency];
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
        List<Tick> ticks, List<InventoryValue> inventory, Dictionary<InstrumentId, TickRoute> routes, TickBatch?[] current, CancellationToken stop)
    {
        long now = _clock.GetTimestamp();
        foreach (var tick in ticks)
        {
            var route = routes[tick.Instrument];
            var batch = current[route.Poster] ??= RentBatch(route.Poster, now);
            batch.Add(tick, route.Name);
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

        if (inventory.Count > 0 && _inventoryEnabled)
        {
            _inventoryQueue.Writer.TryWrite(InventoryJson.Serialize(inventory));
        }

        ticks.Clear();
        inventory.Clear();
    }

    private TickBatch RentBatch(int poster, long now)
    {
        if (!_spareBatches[poster].TryDequeue(out var batch))
        {
            batch = new TickBatch();
        }

        batch.Begin(now);
        return batch;
    }

    private async Task PostTicksAsync(int poster, CancellationToken abort)
    {
        await foreach (var batch in _queues[poster].Reader.ReadAllAsync(CancellationToken.None))
        {
            if (!abort.IsCancellationRequested)
            {
                await SendTicksAsync(batch, abort);
            }

            _spareBatches[poster].Enqueue(batch);
        }
    }

    private async Task SendTicksAsync(TickBatch batch, CancellationToken abort)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            using var content = new ReadOnlyMemoryContent(batch.Json);
            content.Headers.ContentType = JsonMediaType;
            using var response = await _client.PostAsync(TicksPath, content, abort);
            byte[] body = await response.Content.ReadAsByteArrayAsync(abort);
            _statistics.RecordLatency(Stopwatch.GetElapsedTime(started));
            Interlocked.Add(ref _statistics.TicksSent, batch.Count);
            Interlocked.Increment(ref _statistics.Requests);
            if (response.IsSuccessStatusCode)
            {
                RecordIngestResponse(body, batch.Count);
            }
            else
            {
                RecordFailure(TicksPath, batch.Count, $"HTTP {(int)response.StatusCode}", $"{(int)response.StatusCode} {response.ReasonPhrase}: {ProblemDetail(body)}");
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutting down: the batch is abandoned, not counted as sent.
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Add(ref _statistics.TicksSent, batch.Count);
            Interlocked.Increment(ref _statistics.Requests);
            string kind = e is TaskCanceledException ? "timeout" : $"{(e as HttpRequestException)?.HttpRequestError}";
            RecordFailure(TicksPath, batch.Count, kind, e is TaskCanceledException ? $"no answer within {_settings.RequestTimeout}" : e.Message);
            await PauseAfterErrorAsync(abort);
        }
    }

    private async Task PostInventoryAsync(CancellationToken abort)
    {
        await foreach (var json in _inventoryQueue.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (!_inventoryEnabled || abort.IsCancellationRequested)
            {
                continue;
            }

            int count = InventoryJson.Count(json);
            try
            {
                using var content = new ByteArrayContent(json);
                content.Headers.ContentType = JsonMediaType;
                using var response = await _client.PostAsync(InventoryPath, content, abort);
                byte[] body = await response.Content.ReadAsByteArrayAsync(abort);
                Interlocked.Add(ref _statistics.InventorySent, count);
                if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    _inventoryEnabled = false;
                    Warn("inventory 404", $"warning: {_client.BaseAddress}{InventoryPath} answered 404: this server does not take inventory yet; sending ticks only");
                }
                else if (response.IsSuccessStatusCode)
                {
                    var counts = IngestCounts.Parse(body);
                    Interlocked.Add(ref _statistics.InventoryAccepted, counts.Accepted);
                    Interlocked.Add(ref _statistics.InventoryRejected, counts.Rejected);
                    if (counts.FirstError is { } error)
                    {
                        Warn("inventory rejected", $"warning: the server rejected an inventory value: {error} (shown once)");
                    }
                }
                else
                {
                    RecordFailure(InventoryPath, 0, $"inventory HTTP {(int)response.StatusCode}", $"{(int)response.StatusCode} {response.ReasonPhrase}: {ProblemDetail(body)}");
                }
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                // Shutting down.
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                RecordFailure(InventoryPath, 0, $"inventory {(e as HttpRequestException)?.HttpRequestError.ToString() ?? "timeout"}", e.Message);
            }
        }
    }

    private void RecordIngestResponse(byte[] body, int sent)
    {
        var counts = IngestCounts.Parse(body);
        Interlocked.Add(ref _statistics.TicksAccepted, counts.Accepted);
        Interlocked.Add(ref _statistics.Duplicates, counts.Duplicates);
        Interlocked.Add(ref _statistics.Late, counts.Late);
        Interlocked.Add(ref _statistics.Rejected, counts.Rejected);
        if (counts.FirstError is { } error)
        {
            Warn("ticks rejected", $"warning: the server rejected a tick: {error} (shown once)");
        }

        if (counts.Accepted + counts.Duplicates + counts.Late + counts.Rejected != sent)
        {
            Warn("count mismatch", $"warning: sent {sent} ticks, the server accounted for {counts.Accepted + counts.Duplicates + counts.Late + counts.Rejected} (shown once)");
        }
    }

    private void RecordFailure(string path, int ticks, string kind, string detail)
    {
        Interlocked.Increment(ref _statistics.FailedRequests);
        Interlocked.Add(ref _statistics.TicksFailed, ticks);
        _statistics.Failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Warn(kind, $"warning: POST {path}: {detail} (each distinct failure is shown once and counted)");
    }

    private void Warn(string key, string message)
    {
        if (_warned.TryAdd(key, true))
        {
            _output.WriteLine(message);
        }
    }

    private async Task PauseAfterErrorAsync(CancellationToken abort)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), _clock, abort);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task ReportAsync(long started, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_settings.ReportInterval, _clock);
        long previousSent = 0;
        long previous = started;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                long now = _clock.GetTimestamp();
                long sent = Interlocked.Read(ref _statistics.TicksSent);
                var interval = _statistics.TakeIntervalLatency();
                double recentRate = (sent - previousSent) / _clock.GetElapsedTime(previous, now).TotalSeconds;
                _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{_clock.GetElapsedTime(started, now).TotalSeconds,6:0.0}s] {Counts()} | {recentRate:#,0} ticks/s | latency {Latency(interval)} | {InventoryCounts()}"));
                previousSent = sent;
                previous = now;
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    private void PrintSummary(TimeSpan elapsed)
    {
        long sent = Interlocked.Read(ref _statistics.TicksSent);
        long accepted = Interlocked.Read(ref _statistics.TicksAccepted);
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done after {elapsed.TotalSeconds:0.0} s: {Counts()} | {sent / elapsed.TotalSeconds:#,0} ticks/s sent, {accepted / elapsed.TotalSeconds:#,0} accepted | " +
            $"{Interlocked.Read(ref _statistics.Requests):#,0} requests, latency {Latency(_statistics.TotalLatency)} | {InventoryCounts()}"));
        foreach (var (kind, count) in _statistics.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failed: {kind}: {count:#,0} request(s)"));
        }
    }

    private string Counts() => string.Create(CultureInfo.InvariantCulture,
        $"sent {Interlocked.Read(ref _statistics.TicksSent):#,0} accepted {Interlocked.Read(ref _statistics.TicksAccepted):#,0} " +
        $"rejected {Interlocked.Read(ref _statistics.Rejected):#,0} duplicates {Interlocked.Read(ref _statistics.Duplicates):#,0} " +
        $"late {Interlocked.Read(ref _statistics.Late):#,0} failed {Interlocked.Read(ref _statistics.TicksFailed):#,0}");

    private string InventoryCounts() => !_inventoryEnabled
        ? "inventory off (404)"
        : string.Create(CultureInfo.InvariantCulture,
            $"inventory sent {Interlocked.Read(ref _statistics.InventorySent):#,0} accepted {Interlocked.Read(ref _statistics.InventoryAccepted):#,0}");

    private static string Latency(LatencyHistogram histogram) => histogram.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture,
            $"p50 {histogram.Percentile(0.50).TotalMilliseconds:0.00} ms p99 {histogram.Percentile(0.99).TotalMilliseconds:0.00} ms");

    /// <summary>The <c>detail</c> (or <c>title</c>) of an RFC 7807 body, else the start of the body.</summary>
    private static string ProblemDetail(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (string name in ProblemFields)
                {
                    if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: show the text.
        }

        string text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)).Trim();
        return text.Length == 0 ? "(no body)" : text;
    }

    private readonly record struct TickRoute(int Poster, JsonEncodedText Name);
}

/// <summary>A JSON array of ticks being written into a reusable buffer.</summary>
internal sealed class TickBatch : IDisposable
{
    private static readonly JsonEncodedText InstrumentName = JsonEncodedText.Encode("instrument");
    private static readonly JsonEncodedText TsName = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText PriceName = JsonEncodedText.Encode("price");
    private static readonly JsonEncodedText VolumeName = JsonEncodedText.Encode("volume");
    private static readonly JsonEncodedText SeqName = JsonEncodedText.Encode("seq");

    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;

    public TickBatch() => _writer = new Utf8JsonWriter(_buffer);

    public int Count { get; private set; }

    /// <summary>The <see cref="TimeProvider"/> timestamp of the first tick.</summary>
    public long StartedAt { get; private set; }

    public ReadOnlyMemory<byte> Json => _buffer.WrittenMemory;

    public void Begin(long startedAt)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartArray();
        Count = 0;
        StartedAt = startedAt;
    }

    public void Add(in Tick tick, JsonEncodedText instrument)
    {
        _writer.WriteStartObject();
        _writer.WriteString(InstrumentName, instrument);
        _writer.WriteString(TsName, tick.Time);
        _writer.WriteNumber(PriceName, tick.Price);
        _writer.WriteNumber(VolumeName, tick.Volume);
        _writer.WriteNumber(SeqName, tick.Seq);
        _writer.WriteEndObject();
        Count++;
    }

    public TickBatch Complete()
    {
        _writer.WriteEndArray();
        _writer.Flush();
        return this;
    }

    public void Dispose() => _writer.Dispose();
}

/// <summary>Inventory values as the JSON array <c>POST /api/v1/inventory</c> takes.</summary>
internal static class InventoryJson
{
    public static byte[] Serialize(List<InventoryValue> values)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * values.Count);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStartObject();
                writer.WriteString("instrument", value.Instrument.Value);
                writer.WriteString("series", value.Series);
                writer.WriteString("asOf", value.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                writer.WriteString("publishedAt", value.PublishedAt);
                writer.WriteNumber("quantity", value.Quantity);
                writer.WriteString("unit", value.Unit.Symbol());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static int Count(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetArrayLength();
    }
}

/// <summary>The counts of an ingest response: <c>{"accepted","duplicates","late","rejected":[{"index","error"}]}</c>.</summary>
internal readonly record struct IngestCounts(long Accepted, long Duplicates, long Late, long Rejected, string? FirstError)
{
    public static IngestCounts Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            long Number(string name) => root.TryGetProperty(name, out var value) && value.TryGetInt64(out long n) ? n : 0;
            long rejected = 0;
            string? firstError = null;
            if (root.TryGetProperty("rejected", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                rejected = items.GetArrayLength();
                firstError = items.EnumerateArray()
                    .Select(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("error", out var error) ? error.ToString() : item.ToString())
                    .FirstOrDefault();
            }

            return new IngestCounts(Number("accepted"), Number("duplicates"), Number("late"), rejected, firstError);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new IngestCounts(0, 0, 0, 0, $"unreadable response: {e.Message}");
        }
    }
}

/// <summary>Counters shared by the posters and the reporter.</summary>
internal sealed class FeedStatistics
{
#pragma warning disable CA1051 // Fields, so that Interlocked can update them.
    public long TicksSent;
    public long TicksAccepted;
    public long Duplicates;
    public long Late;
    public long Rejected;
    public long TicksFailed;
    public long Requests;
    public long FailedRequests;
    public long InventorySent;
    public long InventoryAccepted;
    public long InventoryRejected;
#pragma warning restore CA1051

    private LatencyHistogram _interval = new();

    public ConcurrentDictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

    public LatencyHistogram TotalLatency { get; } = new();

    public void RecordLatency(TimeSpan elapsed)
    {
        TotalLatency.Record(elapsed);
        Volatile.Read(ref _interval).Record(elapsed);
    }

    /// <summary>The latencies since the previous call.</summary>
    public LatencyHistogram TakeIntervalLatency() => Interlocked.Exchange(ref _interval, new LatencyHistogram());
}

/// <summary>Request latencies in logarithmic buckets (about 2 % wide) from 1 µs to hours; thread-safe, no allocation per record.</summary>
internal sealed class LatencyHistogram
{
    private const int BucketsPerDoubling = 32;
    private readonly long[] _counts = new long[BucketsPerDoubling * 42];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Record(TimeSpan elapsed)
    {
        double micros = Math.Max(1, elapsed.TotalMicroseconds);
        int bucket = Math.Min(_counts.Length - 1, (int)(Math.Log2(micros) * BucketsPerDoubling));
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _count);
    }

    /// <summary>The latency below which <paramref name="fraction"/> of the recorded ones fall (the middle of its bucket).</summary>
    public TimeSpan Percentile(double fraction)
    {
        long total = Count;
        long rank = Math.Max(1, (long)Math.Ceiling(fraction * total));
        long seen = 0;
        for (int bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += Interlocked.Read(ref _counts[bucket]);
            if (seen >= rank)
            {
                return TimeSpan.FromMicroseconds(Math.Pow(2, (bucket + 0.5) / BucketsPerDoubling));
            }
        }

        return TimeSpan.FromMicroseconds(Math.Pow(2, (double)_counts.Length / BucketsPerDoubling));
    }
}
