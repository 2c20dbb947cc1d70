using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Monitor.Server.Tests.Webhooks;

/// <summary>
/// A raw HTTP receiver on loopback that answers one request per connection and then closes it: with
/// <c>HTTP/1.0</c>, as servers without keep-alive do (Python's <c>http.server</c> by default); with <c>HTTP/1.1</c>,
/// as a keep-alive server whose idle timeout ends a connection just as a request comes. The close is held back
/// until the client sends another request on the connection (read, then left unanswered) or closes it, so the race
/// between a server's close and the client's next request on that connection happens every time, not now and then.
/// </summary>
internal sealed class ClosingReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _version;
    private readonly Task _accepting;
    private int _answered;
    private int _unanswered;

    public ClosingReceiver(string version)
    {
        _version = version;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hook");

    /// <summary>Requests answered, one per connection.</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Requests that came on a connection already answered, and were left without an answer.</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                connections.Add(ServeAsync(await _listener.AcceptTcpClientAsync(_stop.Token)));
            }
        }
        catch (OperationCanceledException)
        {
            await Task.WhenAll(connections);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                if (!await ReadRequestAsync(stream))
                {
                    return;
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/{_version} 204 No Content\r\nServer: closing-receiver\r\n\r\n"), _stop.Token);
                Interlocked.Increment(ref _answered);
                if (await ReadRequestAsync(stream))
                {
                    Interlocked.Increment(ref _unanswered);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The client went away, or the test is over.
            }
        }
    }

    /// <summary>Reads one request, head and <c>Content-Length</c> body; false when the client closed the connection instead.</summary>
    private async Task<bool> ReadRequestAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOfBlankLine(received)) < 0)
        {
            int read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return false;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        string head = Encoding.ASCII.GetString([.. received.Take(headEnd)]);
        int length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        for (int body = received.Count - headEnd - 4; body < length;)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, length - body)), _stop.Token);
            if (read == 0)
            {
                return false;
            }

            body += read;
        }

        return true;
    }

    private static int IndexOfBlankLine(List<byte> bytes)
    {
        for (int i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
