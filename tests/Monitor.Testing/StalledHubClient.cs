using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Monitor.Testing;

/// <summary>
/// A client of <c>/hubs/market</c> that subscribes to instruments and then stops reading, as a hung or hostile
/// client does: a raw WebSocket over a socket with a small receive buffer (so the server's writes back up soon),
/// speaking SignalR's JSON protocol by hand. It keeps sending pings, so the server cannot tell it from a live client
/// by its silence. <see cref="PingAsync"/> answers false once the server has closed the connection.
/// </summary>
public sealed class StalledHubClient : IDisposable
{
    private const byte RecordSeparator = 0x1e;
    private readonly Socket _socket;

    private StalledHubClient(Socket socket) => _socket = socket;

    /// <summary>Connects (no negotiation: WebSockets straight away), subscribes to <paramref name="instruments"/>, waits for the subscription's answer, and from then on reads nothing.</summary>
    /// <param name="batchedQuotes">Whether it asks for quote batches (<c>?quotes=batched</c>), as the board does.</param>
    public static async Task<StalledHubClient> ConnectAsync(
        Uri server, IReadOnlyList<string> instruments, bool batchedQuotes = false, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 2048, NoDelay = true };
        var client = new StalledHubClient(socket);
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, cancellationToken);
            string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                $"GET /hubs/market{(batchedQuotes ? "?quotes=batched" : "")} HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"), cancellationToken);
            var reader = new FrameReader(socket);
            string upgrade = await reader.ReadHttpHeadAsync(cancellationToken);
            if (!upgrade.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the hub refused the WebSocket: {upgrade}");
            }

            await client.SendTextAsync("""{"protocol":"json","version":1}""", cancellationToken);
            string subscribe = JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "SubscribeInstruments", arguments = new object[] { instruments } });
            await client.SendTextAsync(subscribe, cancellationToken);
            await reader.ReadUntilCompletionAsync("1", cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends a SignalR ping; false when the connection is gone (the server closed it).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await SendTextAsync("""{"type":6}""", cancellationToken);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>One masked text frame (clients must mask) holding one SignalR message.</summary>
    private async Task SendTextAsync(string message, CancellationToken cancellationToken)
    {
        byte[] payload = [.. Encoding.UTF8.GetBytes(message), RecordSeparator];
        var frame = new List<byte> { 0x81 };
        if (payload.Length < 126)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        byte[] mask = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(mask);
        frame.AddRange(payload.Select((b, i) => (byte)(b ^ mask[i % 4])));
        await _socket.SendAsync(frame.ToArray(), cancellationToken);
    }

    /// <summary>Reads what the server sends while the client is being set up (the only reading it does).</summary>
    private sealed class FrameReader(Socket socket)
    {
        private readonly List<byte> _buffer = [];

        public async Task<string> ReadHttpHeadAsync(CancellationToken cancellationToken)
        {
            int end;
            while ((end = IndexOf("\r\n\r\n"u8)) < 0)
            {
                await FillAsync(cancellationToken);
            }

            string head = Encoding.ASCII.GetString([.. _buffer.Take(end)]);
            _buffer.RemoveRange(0, end + 4);
            return head;
        }

        /// <summary>Reads frames until the completion of invocation <paramref name="id"/>; throws if it carries an error.</summary>
        public async Task ReadUntilCompletionAsync(string id, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            while (true)
            {
                text.Append(Encoding.UTF8.GetString(await ReadFramePayloadAsync(cancellationToken)));
                foreach (string message in text.ToString().Split((char)RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    using var json = JsonDocument.Parse(message);
                    var root = json.RootElement;
                    if (root.TryGetProperty("type", out var type) && type.GetInt32() == 3 && root.GetProperty("invocationId").GetString() == id)
                    {
                        if (root.TryGetProperty("error", out var error))
                        {
                            throw new InvalidOperationException($"the hub refused the subscription: {error.GetString()}");
                        }

                        return;
                    }
                }

                // Keep only an incomplete last message for the next frame.
                string all = text.ToString();
                text.Clear().Append(all[(all.LastIndexOf((char)RecordSeparator) + 1)..]);
            }
        }

        private async Task<byte[]> ReadFramePayloadAsync(CancellationToken cancellationToken)
        {
            await FillToAsync(2, cancellationToken);
            int length = _buffer[1] & 0x7f;
            int header = 2;
            if (length == 126)
            {
                await FillToAsync(4, cancellationToken);
                length = BinaryPrimitives.ReadUInt16BigEndian([.. _buffer.GetRange(2, 2)]);
                header = 4;
            }
            else if (length == 127)
            {
                await FillToAsync(10, cancellationToken);
                length = checked((int)BinaryPrimitives.ReadUInt64BigEndian([.. _buffer.GetRange(2, 8)]));
                header = 10;
            }

            await FillToAsync(header + length, cancellationToken);
            byte[] payload = [.. _buffer.GetRange(header, length)];
            _buffer.RemoveRange(0, header + length);
            return payload;
        }

        private async Task FillToAsync(int count, CancellationToken cancellationToken)
        {
            while (_buffer.Count < count)
            {
                await FillAsync(cancellationToken);
            }
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            byte[] chunk = new byte[4096];
            int read = await socket.ReceiveAsync(chunk, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the hub closed the connection during setup");
            }

            _buffer.AddRange(chunk.AsSpan(0, read));
        }

        private int IndexOf(ReadOnlySpan<byte> value) => _buffer.ToArray().AsSpan().IndexOf(value);
    }
}
