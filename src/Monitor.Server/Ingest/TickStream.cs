using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Grains.Telemetry;
using Monitor.Server.Api;
using Monitor.Server.Hosting;

namespace Monitor.Server.Ingest;

/// <summary>
/// <c>GET /api/v1/ticks/stream</c> (docs/api.md, Tick stream): one WebSocket connection of a feed handler. Each message
/// is a batch, <c>{"batch":n,"ticks":[...]}</c>, read and checked item by item exactly as <c>POST /api/v1/ticks</c>
/// reads its body (<see cref="BatchBody"/>, <see cref="TickIngest"/>); its acknowledgement, with the same counts and
/// per-item errors, is sent once every accepted tick is stored.
/// </summary>
/// <remarks>
/// <para>Flow control: at most <see cref="IngestOptions.StreamWindow"/> batches are held at once, from reading a message
/// until its answer is sent. With the window full the server reads nothing more, so a fast feed waits in TCP's own
/// backpressure instead of in the server's memory.</para>
/// <para>Batches are stored concurrently, but one instrument's ticks reach its grain in the order the batches came:
/// each instrument's store waits for that instrument's previous one. When a store fails, the instrument's later
/// batches are not stored either, the failed batches get an error, and the connection closes: a client that resends
/// every unacknowledged batch, in order, after reconnecting loses nothing, and ticks with a <c>seq</c> that were stored
/// already count as duplicates.</para>
/// </remarks>
internal sealed class TickStream : IDisposable
{
    public const string Path = "/ticks/stream";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebSocket _socket;
    private readonly TickIngest _ingest;
    private readonly int _window;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly Channel<object> _replies = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<InstrumentId, Task<IngestCounts>> _tails = [];
    private readonly CancellationTokenSource _failed = new();
    private readonly List<Task> _acknowledging = [];
    private long _messages;

    private TickStream(WebSocket socket, TickIngest ingest, int window, ILogger logger)
    {
        _socket = socket;
        _ingest = ingest;
        _window = window;
        _logger = logger;
        _slots = new SemaphoreSlim(window, window);
    }

    /// <summary>Accepts the WebSocket and serves it until the client closes it, or answers why it cannot.</summary>
    public static async Task<IResult> AcceptAsync(HttpContext context, TickIngest ingest, IOptions<IngestOptions> options, ILogger<TickStream> logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem(
                "This is a WebSocket endpoint: open it with a WebSocket client (Upgrade: websocket) and send batches of ticks as messages; docs/api.md describes the protocol.",
                statusCode: StatusCodes.Status400BadRequest, title: "WebSocket expected");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var stream = new TickStream(socket, ingest, options.Value.StreamWindow, logger);
        await stream.RunAsync(context.RequestAborted);
        return TypedResults.Empty;
    }

    public void Dispose()
    {
        _slots.Dispose();
        _failed.Dispose();
    }

    private async Task RunAsync(CancellationToken aborted)
    {
        try
        {
            await ServeAsync(aborted);
        }
        finally
        {
            // Stores already started finish (what they store stays stored); their answers have nowhere to go.
            await Task.WhenAll(_acknowledging);
        }
    }

    private async Task ServeAsync(CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, _failed.Token);
        _replies.Writer.TryWrite(new StreamReady("ready", _window, BatchBody.MaxItems, BatchBody.MaxBytes));
        var writing = WriteRepliesAsync(aborted);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                await _slots.WaitAsync(stop.Token);
                var (closed, tooLarge) = await ReceiveAsync(buffer, stop.Token);
                if (closed)
                {
                    _slots.Release();
                    break;
                }

                long message = ++_messages;
                if (tooLarge)
                {
                    Reply(new StreamError("error", null, message, BatchBody.TooLarge.Status, BatchBody.TooLarge.Title, BatchBody.TooLarge.Detail));
                    continue;
                }

                Accept(buffer.WrittenMemory, message);
            }

            // The client closed: every batch read is answered before the server closes too.
            for (int i = 0; i < _window; i++)
            {
                await _slots.WaitAsync(aborted);
            }

            _replies.Writer.TryComplete();
            await writing;
            await CloseAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
        }
        catch (OperationCanceledException) when (_failed.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            // A store failed: the errors already queued go out, then the connection closes.
            _replies.Writer.TryComplete();
            await writing;
            await CloseAsync(WebSocketCloseStatus.InternalServerError, "storing a batch failed; resend the unacknowledged batches", aborted);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client went away; what it sent and got no acknowledgement for, it sends again.
            _replies.Writer.TryComplete();
            await writing;
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string? description, CancellationToken aborted)
    {
        try
        {
            await _socket.CloseOutputAsync(status, description, aborted);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client is gone already.
        }
    }

    /// <summary>Reads and checks one batch, and starts storing its ticks behind each instrument's earlier ones.</summary>
    private void Accept(ReadOnlyMemory<byte> bytes, long message)
    {
        var (body, problem) = BatchBody.Parse(bytes, ndjson: false, itemsProperty: "ticks");
        if (body is null)
        {
            Reply(new StreamError("error", null, message, problem!.Status, problem.Title, problem.Detail));
            return;
        }

        using (body)
        {
            if (!body.Root.TryGetProperty("batch", out var id) || !id.TryGetInt64(out long batch))
            {
                Reply(new StreamError("error", null, message, StatusCodes.Status400BadRequest, "Bad request",
                    "A message must carry its batch number, a whole number, as 'batch': {\"batch\":1,\"ticks\":[...]}."));
                return;
            }

            var (byInstrument, rejected) = body.Split(_ingest.Reader(), t => t.Instrument);
            MonitorMetrics.ItemsRejected.Add(rejected.Count, new KeyValuePair<string, object?>("route", "ticks/stream"));
            var stores = byInstrument.Select(pair => StoreInOrder(pair.Key, pair.Value)).ToArray();
            _acknowledging.RemoveAll(t => t.IsCompleted);
            _acknowledging.Add(AcknowledgeAsync(batch, message, stores, rejected));
        }
    }

    private Task<IngestCounts> StoreInOrder(InstrumentId instrument, List<Tick> ticks)
    {
        var previous = _tails.GetValueOrDefault(instrument);
        var store = StoreAfterAsync(previous, instrument, ticks);
        _tails[instrument] = store;
        return store;
    }

    private async Task<IngestCounts> StoreAfterAsync(Task<IngestCounts>? previous, InstrumentId instrument, List<Tick> ticks)
    {
        if (previous is not null)
        {
            // A failed earlier batch fails this one too: its ticks must not overtake the ones to be sent again.
            await previous;
        }

        return await _ingest.StoreAsync(instrument, ticks, CancellationToken.None);
    }

    private async Task AcknowledgeAsync(long batch, long message, Task<IngestCounts>[] stores, List<RejectedItem> rejected)
    {
        try
        {
            var counts = (await Task.WhenAll(stores)).Aggregate(IngestCounts.None, (sum, c) => sum.Add(c));
            Reply(new StreamAck("ack", batch, message, counts.Accepted, counts.Duplicates, counts.Late, rejected));
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Storing batch {Batch} of a tick stream failed; closing the stream", batch);
            Reply(new StreamError("error", batch, message, StatusCodes.Status503ServiceUnavailable, "Not stored",
                $"Batch {batch} was not stored ({e.Message}). The stream closes: reconnect and send every unacknowledged batch again, in order."));
            await _failed.CancelAsync();
        }
    }

    /// <summary>Queues an answer; its slot in the window is freed once it is sent.</summary>
    private void Reply(object reply) => _replies.Writer.TryWrite(reply);

    private async Task WriteRepliesAsync(CancellationToken aborted)
    {
        bool first = true;
        try
        {
            await foreach (var reply in _replies.Reader.ReadAllAsync(aborted))
            {
                byte[] json = JsonSerializer.SerializeToUtf8Bytes(reply, reply.GetType(), Json);
                await _socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, aborted);
                if (!first)
                {
                    _slots.Release();
                }

                first = false;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client went away.
        }
    }

    /// <summary>One message into <paramref name="buffer"/>; too large ones are read to their end and dropped.</summary>
    private async Task<(bool Closed, bool TooLarge)> ReceiveAsync(ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        bool tooLarge = false;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (true, false);
            }

            if (!tooLarge)
            {
                buffer.Advance(result.Count);
                tooLarge = buffer.WrittenCount > BatchBody.MaxBytes;
            }

            if (tooLarge)
            {
                buffer.ResetWrittenCount();
            }

            if (result.EndOfMessage)
            {
                return (false, tooLarge);
            }
        }
    }

    private sealed record StreamReady(string Type, int Window, int MaxItems, int MaxBytes);

    private sealed record StreamAck(string Type, long Batch, long Message, int Accepted, int Duplicates, int Late, IReadOnlyList<RejectedItem> Rejected);

    private sealed record StreamError(string Type, long? Batch, long Message, int Status, string Title, string Detail);
}
