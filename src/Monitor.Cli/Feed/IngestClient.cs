using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Monitor.Cli.Feed;

/// <summary>
/// The server's ingest routes as <c>monitor feed</c> uses them: posts tick batches and inventory values over one
/// <see cref="HttpClient"/>, and records every answer (counts, latency, failures) in <see cref="FeedStatistics"/>.
/// Each distinct warning or failure is printed once.
/// </summary>
internal sealed class IngestClient : IDisposable
{
    private const string TicksPath = "api/v1/ticks";
    private const string InventoryPath = "api/v1/inventory";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");
    private static readonly string[] ProblemFields = ["detail", "title"];

    private readonly FeedSettings _settings;
    private readonly TextWriter _output;
    private readonly TimeProvider _clock;
    private readonly FeedStatistics _statistics;
    private readonly HttpClient _client;
    private readonly HubLatencyTracker? _hubLatency;
    private readonly ConcurrentDictionary<string, bool> _warned = new(StringComparer.Ordinal);

    /// <param name="settings">Where to, with which key, and the request timeout.</param>
    /// <param name="output">Must be safe to write from several threads.</param>
    /// <param name="clock">For the pause after a failure.</param>
    /// <param name="statistics">Where answers are counted.</param>
    /// <param name="hubLatency">When measuring hub latency: told of every batch just before it is sent.</param>
    public IngestClient(FeedSettings settings, TextWriter output, TimeProvider clock, FeedStatistics statistics, HubLatencyTracker? hubLatency)
    {
        _settings = settings;
        _output = output;
        _clock = clock;
        _statistics = statistics;
        _hubLatency = hubLatency;
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
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Posts one batch. Failures are recorded, not thrown; after a transport failure it pauses briefly.</summary>
    public async Task SendTicksAsync(TickBatchWriter batch, CancellationToken abort)
    {
        long started = Stopwatch.GetTimestamp();
        _hubLatency?.RecordSent(batch, started);
        try
        {
            using var content = new ReadOnlyMemoryContent(batch.Json);
            content.Headers.ContentType = JsonMediaType;
            using var response = await _client.PostAsync(TicksPath, content, abort);
            byte[] body = await response.Content.ReadAsByteArrayAsync(abort);
            _statistics.RequestLatency.Record(Stopwatch.GetElapsedTime(started));
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

    /// <summary>
    /// Posts inventory values (a JSON array). A 404 means the server does not take inventory: it is warned about once
    /// and <see cref="FeedStatistics.InventoryEnabled"/> turns false.
    /// </summary>
    public async Task SendInventoryAsync(byte[] json, CancellationToken abort)
    {
        int count = InventoryJson.Count(json);
        try
        {
            using var content = new ByteArrayContent(json);
            content.Headers.ContentType = JsonMediaType;
            using var response = await _client.PostAsync(InventoryPath, content, abort);
            byte[] body = await response.Content.ReadAsByteArrayAsync(abort);
            Interlocked.Add(ref _statistics.InventorySent, count);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                _statistics.DisableInventory();
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

    /// <summary>A tick stream's acknowledgement (the same counts as a response) of a batch sent at <paramref name="sentAt"/>.</summary>
    public void RecordAcknowledged(byte[] ack, int sent, long sentAt)
    {
        _statistics.RequestLatency.Record(Stopwatch.GetElapsedTime(sentAt));
        Interlocked.Add(ref _statistics.TicksSent, sent);
        Interlocked.Increment(ref _statistics.Requests);
        RecordIngestResponse(ack, sent);
    }

    /// <summary>A batch the tick stream refused whole (never sent again).</summary>
    public void RecordRefused(int sent, int status, string detail)
    {
        Interlocked.Add(ref _statistics.TicksSent, sent);
        Interlocked.Increment(ref _statistics.Requests);
        RecordFailure(TickStreamClient.StreamPath, sent, $"stream {status}", $"{status}: {detail}");
    }

    /// <summary>A tick stream connected again after its connection dropped.</summary>
    public void RecordReconnect() => Interlocked.Increment(ref _statistics.StreamReconnects);

    /// <summary>Prints <paramref name="message"/> once for <paramref name="key"/>.</summary>
    public void Warn(string key, string message)
    {
        if (_warned.TryAdd(key, true))
        {
            _output.WriteLine(message);
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
        Warn(kind, $"warning: {(path == TickStreamClient.StreamPath ? "" : "POST ")}{path}: {detail} (each distinct failure is shown once and counted)");
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

    /// <summary>The <c>detail</c> (or <c>title</c>) of an RFC 7807 body, else the start of the body.</summary>
    internal static string ProblemDetail(byte[] body)
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
}
