using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Monitor.Cli.Feed;

/// <summary>
/// One connection to the server's tick stream, <c>/api/v1/ticks/stream</c> (docs/api.md, Tick stream), carrying one
/// poster's batches (<c>monitor feed --stream</c>). A batch is kept until the server acknowledges it as stored; at most
/// the server's window of batches is unacknowledged, so <see cref="SendAsync"/> waits when the server is slower than
/// the feed. When the connection drops, it connects again and sends every unacknowledged batch again, in order, with
/// its ticks' <c>seq</c>: what the server had stored already counts as duplicates, and nothing is lost.
/// </summary>
internal sealed class TickStreamClient : IAsyncDisposable
{
    public const string StreamPath = "api/v1/ticks/stream";

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(2);

    private readonly Uri _uri;
    private readonly FeedSettings _settings;
    private readonly IngestClient _ingest;
    private readonly HubLatencyTracker? _hubLatency;
    private readonly Action<TickBatchWriter> _acknowledged;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Unacknowledged batches by number, in the order sent.</summary>
    private readonly SortedDictionary<long, Pending> _unacknowledged = [];
    private SemaphoreSlim _credits = null!;
    private int _window;
    private ClientWebSocket _socket = null!;
    private long _sentOnConnection;
    private long _nextBatch;
    private Task _receiving = Task.CompletedTask;

    /// <param name="acknowledged">Called with each batch once the server has answered it for good (stored, or refused).</param>
    private TickStreamClient(FeedSettings settings, IngestClient ingest, HubLatencyTracker? hubLatency, Action<TickBatchWriter> acknowledged)
    {
        var builder = new UriBuilder(new Uri(settings.Url, StreamPath));
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        _uri = builder.Uri;
        _settings = settings;
        _ingest = ingest;
        _hubLatency = hubLatency;
        _acknowledged = acknowledged;
    }

    /// <summary>Connects and waits for the server's <c>ready</c>; throws when it cannot.</summary>
    public static async Task<TickStreamClient> ConnectAsync(
        FeedSettings settings, IngestClient ingest, HubLatencyTracker? hubLatency, Action<TickBatchWriter> acknowledged, CancellationToken cancellationToken)
    {
        var client = new TickStreamClient(settings, ingest, hubLatency, acknowledged);
        await client.ConnectAsync(cancellationToken);
        return client;
    }

    /// <summary>Sends a batch once the window has room; it is acknowledged (and handed back) later.</summary>
    public async Task SendAsync(TickBatchWriter batch, CancellationToken abort)
    {
        await _credits.WaitAsync(abort);
        await _sendLock.WaitAsync(abort);
        try
        {
            long started = Stopwatch.GetTimestamp();
            _hubLatency?.RecordSent(batch, started);
            var pending = new Pending(++_nextBatch, batch, started);
            lock (_unacknowledged)
            {
                _unacknowledged.Add(pending.Batch, pending);
            }

            await SendOnConnectionAsync(pending, abort);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Waits until every batch sent is acknowledged, then closes the connection.</summary>
    public async Task CompleteAsync(CancellationToken abort)
    {
        try
        {
            for (int i = 0; i < _window; i++)
            {
                await _credits.WaitAsync(abort);
            }

            await _stop.CancelAsync();
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", abort);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Shutting down, or the connection is gone: what was not acknowledged is not counted as sent.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
        _credits.Dispose();
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Api-Key", _settings.ApiKey);
        await socket.ConnectAsync(_uri, cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(1024);
        await ReceiveAsync(socket, buffer, cancellationToken);
        using (var ready = JsonDocument.Parse(buffer.WrittenMemory))
        {
            if (!ready.RootElement.TryGetProperty("type", out var type) || type.GetString() != "ready")
            {
                throw new WebSocketException($"the server's first message is not 'ready': {Encoding.UTF8.GetString(buffer.WrittenSpan)}");
            }

            _window = ready.RootElement.GetProperty("window").GetInt32();
        }

        _credits ??= new SemaphoreSlim(_window, _window);
        _socket = socket;
        _sentOnConnection = 0;
        _receiving = ReceiveAllAsync(socket);
    }

    private async Task SendOnConnectionAsync(Pending pending, CancellationToken abort)
    {
        pending.Message = ++_sentOnConnection;
        try
        {
            var header = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"batch\":{pending.Batch},\"ticks\":"));
            await _socket.SendAsync(header, WebSocketMessageType.Text, endOfMessage: false, abort);
            await _socket.SendAsync(pending.Writer.Json, WebSocketMessageType.Text, endOfMessage: false, abort);
            await _socket.SendAsync("}"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, abort);
        }
        catch (WebSocketException)
        {
            // The connection dropped; the batch stays unacknowledged and goes again once reconnected.
        }
    }

    /// <summary>Reads acknowledgements until the connection closes, then reconnects and resends, until stopped.</summary>
    private async Task ReceiveAllAsync(ClientWebSocket socket)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                await ReceiveAsync(socket, buffer, _stop.Token);
                Answer(buffer.WrittenMemory.ToArray());
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            if (!_stop.IsCancellationRequested)
            {
                _ = ReconnectAsync(e.Message);
            }
        }
    }

    private void Answer(byte[] message)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        long ordinal = root.GetProperty("message").GetInt64();
        Pending? pending;
        lock (_unacknowledged)
        {
            pending = _unacknowledged.Values.FirstOrDefault(p => p.Message == ordinal);
        }

        if (pending is null)
        {
            return;
        }

        if (root.GetProperty("type").GetString() == "ack")
        {
            _ingest.RecordAcknowledged(message, pending.Writer.Count, pending.SentAt);
        }
        else
        {
            int status = root.GetProperty("status").GetInt32();
            string detail = root.GetProperty("detail").GetString() ?? "";
            if (status >= 500)
            {
                // Not stored: the server closes the connection, and the batch goes again after reconnecting.
                _ingest.Warn($"stream {status}", $"warning: {StreamPath}: {detail} (shown once)");
                return;
            }

            _ingest.RecordRefused(pending.Writer.Count, status, detail);
        }

        lock (_unacknowledged)
        {
            _unacknowledged.Remove(pending.Batch);
        }

        _acknowledged(pending.Writer);
        _credits.Release();
    }

    private async Task ReconnectAsync(string reason)
    {
        _ingest.Warn("stream reconnect", $"warning: {StreamPath}: the connection dropped ({reason}); reconnecting and sending the unacknowledged batches again (shown once)");
        var delay = ReconnectDelay;
        await _sendLock.WaitAsync();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    _socket.Dispose();
                    await ConnectAsync(_stop.Token);
                    _ingest.RecordReconnect();
                    Pending[] resend;
                    lock (_unacknowledged)
                    {
                        resend = [.. _unacknowledged.Values];
                    }

                    foreach (var pending in resend)
                    {
                        await SendOnConnectionAsync(pending, _stop.Token);
                    }

                    return;
                }
                catch (Exception e) when (e is WebSocketException or HttpRequestException or JsonException)
                {
                    await Task.Delay(delay, _stop.Token);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped while reconnecting.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static async Task ReceiveAsync(WebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"the server closed the stream: {socket.CloseStatus} {socket.CloseStatusDescription}");
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return;
            }
        }
    }

    /// <summary>A batch sent and not yet acknowledged: its number, its ticks, when it was first sent, and its message
    /// number on the current connection (the server's answers name it).</summary>
    private sealed class Pending(long batch, TickBatchWriter writer, long sentAt)
    {
        public long Batch { get; } = batch;

        public TickBatchWriter Writer { get; } = writer;

        public long SentAt { get; } = sentAt;

        public long Message { get; set; }
    }
}
