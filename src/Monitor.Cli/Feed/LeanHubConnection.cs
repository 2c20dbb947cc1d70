using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Monitor.Cli.Feed;

/// <summary>
/// A hub client cheap enough to run a thousand of beside the server: a raw WebSocket to <c>/hubs/market?quotes=batched</c>
/// speaking SignalR's JSON protocol (docs/api.md, Hub) by hand. Of each <c>Quotes</c> message it reads only what the
/// latency needs (each quote's <c>instrument</c>, <c>ts</c> and <c>seq</c>, the rest skipped unparsed), and of each
/// <c>Inventory</c> message its seq, and hands them to the <see cref="HubLatencyTracker"/> as the SignalR client does.
/// A message's arrival is the moment the WebSocket frame that completes it was received, before any parsing.
/// </summary>
/// <remarks>
/// SignalR's JSON protocol ends each message with the record separator 0x1E; a WebSocket message may hold several, and
/// one may span frames. The server writes a message's <c>target</c> before its <c>arguments</c>, which lets one pass of
/// <see cref="Utf8JsonReader"/> read it. The client pings every 15 s, as SignalR clients do, so the server keeps it.
/// </remarks>
internal sealed class LeanHubConnection : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly ClientWebSocket _socket;
    private readonly HubLatencyTracker _tracker;
    private readonly int _client;
    private readonly CancellationTokenSource _stop = new();
    private byte[] _buffer = new byte[64 * 1024];
    private int _filled;
    private Task _receiving = Task.CompletedTask;
    private Task _pinging = Task.CompletedTask;

    private LeanHubConnection(ClientWebSocket socket, HubLatencyTracker tracker, int client)
    {
        _socket = socket;
        _tracker = tracker;
        _client = client;
    }

    /// <summary>Set when the connection ended before <see cref="DisposeAsync"/>: the server closed it, or it failed (the reason).</summary>
    public event Action<string?>? Closed;

    /// <summary>Connects, completes the protocol handshake and subscribes; throws with the hub's message when it refuses.</summary>
    public static async Task<LeanHubConnection> ConnectAsync(
        Uri baseUrl, string apiKey, IReadOnlyList<string> instruments, HubLatencyTracker tracker, int client, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Api-Key", apiKey);
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var connection = new LeanHubConnection(socket, tracker, client);
        try
        {
            var url = new UriBuilder(new Uri(baseUrl, MarketHubListener.HubPath + MarketHubListener.BatchedQuotes))
            {
                Scheme = baseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            };
            await socket.ConnectAsync(url.Uri, cancellationToken);
            await connection.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), cancellationToken);
            string handshake = await connection.ReadTextRecordAsync(cancellationToken);
            if (handshake != "{}")
            {
                throw new InvalidOperationException($"the hub refused the handshake: {handshake}");
            }

            string subscribe = JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "SubscribeInstruments", arguments = new object[] { instruments } });
            await connection.SendAsync(Encoding.UTF8.GetBytes(subscribe + '\u001e'), cancellationToken);
            string completion = await connection.ReadTextRecordAsync(cancellationToken);
            using (var answer = JsonDocument.Parse(completion))
            {
                if (answer.RootElement.TryGetProperty("error", out var error))
                {
                    throw new InvalidOperationException(error.GetString());
                }
            }

            connection._receiving = connection.ReceiveAllAsync();
            connection._pinging = connection.PingAllAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Closed = null;
        await _stop.CancelAsync();
        await Task.WhenAll(_receiving, _pinging);
        _socket.Abort();
        _socket.Dispose();
        _stop.Dispose();
    }

    private Task SendAsync(byte[] message, CancellationToken cancellationToken) =>
        _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>The next whole record, as text (the handshake and the subscription's answer; nothing else comes before them).</summary>
    private async Task<string> ReadTextRecordAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int end = Array.IndexOf(_buffer, RecordSeparator, 0, _filled);
            if (end >= 0)
            {
                string text = Encoding.UTF8.GetString(_buffer, 0, end);
                Consume(end + 1);
                return text;
            }

            if (await ReceiveAsync(cancellationToken) == 0)
            {
                throw new InvalidOperationException("the hub closed the connection while subscribing");
            }
        }
    }

    private async Task ReceiveAllAsync()
    {
        string? reason = null;
        try
        {
            while (await ReceiveAsync(_stop.Token) > 0)
            {
                long arrivedAt = Stopwatch.GetTimestamp();
                int start = 0;
                int end;
                while ((end = Array.IndexOf(_buffer, RecordSeparator, start, _filled - start)) >= 0)
                {
                    reason ??= Read(_buffer.AsSpan(start, end - start), arrivedAt);
                    start = end + 1;
                }

                Consume(start);
                if (reason is not null)
                {
                    break;
                }
            }

            reason ??= "the server closed it";
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is WebSocketException or JsonException or InvalidOperationException)
        {
            reason = e.Message;
        }

        Closed?.Invoke(reason);
    }

    private async Task PingAllAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(PingInterval);
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await SendAsync(Ping, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Stopping, or the connection is gone (the receive loop reports that).
        }
    }

    /// <summary>Receives into the buffer's free space (growing it when full); answers the bytes received, 0 when closed.</summary>
    private async Task<int> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_filled == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var result = await _socket.ReceiveAsync(_buffer.AsMemory(_filled), cancellationToken);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            return 0;
        }

        _filled += result.Count;
        return result.Count;
    }

    private void Consume(int count)
    {
        Buffer.BlockCopy(_buffer, count, _buffer, 0, _filled - count);
        _filled -= count;
    }

    /// <summary>Takes what the tracker needs from one message; answers why the connection ends (a <c>Close</c> message), else null.</summary>
    private string? Read(ReadOnlySpan<byte> message, long arrivedAt)
    {
        var reader = new Utf8JsonReader(message);
        reader.Read();
        int type = 0;
        var target = Target.Other;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                target = reader.ValueTextEquals("Quotes"u8) ? Target.Quotes : reader.ValueTextEquals("Inventory"u8) ? Target.Inventory : Target.Other;
            }
            else if (reader.ValueTextEquals("arguments"u8) && target != Target.Other)
            {
                reader.Read();
                reader.Read();
                if (target == Target.Quotes)
                {
                    ReadQuotes(ref reader, arrivedAt);
                }
                else
                {
                    ReadQuote(ref reader, arrivedAt, isQuote: false);
                }

                reader.Read();
            }
            else if (reader.ValueTextEquals("error"u8) && type == 7)
            {
                reader.Read();
                return "the server closed it: " + reader.GetString();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return type == 7 ? "the server closed it" : null;
    }

    /// <summary>The reader on the array of quotes: each is read, and the reader is left on the array's end.</summary>
    private void ReadQuotes(ref Utf8JsonReader reader, long arrivedAt)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            ReadQuote(ref reader, arrivedAt, isQuote: true);
        }
    }

    /// <summary>The reader on a message's start: its instrument, ts and seq go to the tracker; the reader is left on its end.</summary>
    private void ReadQuote(ref Utf8JsonReader reader, long arrivedAt, bool isQuote)
    {
        Span<char> instrument = stackalloc char[128];
        int length = 0;
        DateTimeOffset ts = default;
        long? seq = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("instrument"u8))
            {
                reader.Read();
                length = reader.CopyString(instrument);
            }
            else if (reader.ValueTextEquals("ts"u8) && isQuote)
            {
                reader.Read();
                ts = reader.GetDateTimeOffset();
            }
            else if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                seq = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (isQuote)
        {
            _tracker.RecordQuote(instrument[..length], ts, seq ?? 0, arrivedAt, _client);
        }
        else if (seq is { } sequenced)
        {
            _tracker.RecordSeq(instrument[..length], sequenced, _client);
        }
    }

    private enum Target
    {
        Other,
        Quotes,
        Inventory,
    }
}
