using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Monitor.Server.Webhooks;

/// <summary>
/// Outgoing HTTP for the outboxes (webhook deliveries, Slack, Teams, Telegram): follows no redirects, uses no proxy,
/// connects only through <see cref="WebhookAddressGuard"/> (so no request reaches an address it refuses, whatever DNS
/// says a moment later), and gives up after the timeout. An attempt never throws for the endpoint's sake: what came of
/// it is an <see cref="AttemptResult"/>, with the start of the answer's body for the error message.
/// <para>
/// Connections are kept alive and reused, except to a server whose last answer was HTTP/1.0 without keep-alive: such
/// a server closes the connection after each response (RFC 9112, section 9.3), but SocketsHttpHandler pools it as if it
/// stayed open, and a request sent on it before the server's close arrives gets no answer ("the response ended
/// prematurely"). Requests to such a server get a connection of their own. A request that got no answer on a pooled
/// connection (that race, or an idle connection a keep-alive server closed just then) is sent once more on a new
/// connection: no answer came, and receivers tell a repeated delivery by its id anyway.
/// </para>
/// </summary>
public sealed class GuardedHttp : IDisposable
{
    /// <summary>How much of an answer's body is read for error messages.</summary>
    private const int BodyExcerpt = 512;

    private readonly HttpClient _pooled;
    private readonly HttpClient _unpooled;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _clock;

    // Servers (scheme, host and port) whose last answer said they close the connection after each response.
    private readonly ConcurrentDictionary<string, bool> _closingServers = new(StringComparer.OrdinalIgnoreCase);

    public GuardedHttp(WebhookAddressGuard guard, TimeSpan timeout, TimeProvider clock, string product)
    {
        ArgumentNullException.ThrowIfNull(guard);
        _timeout = timeout;
        _clock = clock;
        // A pooled connection is checked once; re-resolving now and then follows an endpoint that moves.
        _pooled = Client(guard, timeout, product, TimeSpan.FromMinutes(2));
        // A lifetime of zero: every request opens a connection and closes it after the response.
        _unpooled = Client(guard, timeout, product, TimeSpan.Zero);
    }

    public TimeProvider Clock => _clock;

    /// <summary>
    /// Sends the request <paramref name="newRequest"/> makes (it may be asked twice, for a request sent again); the
    /// result's <c>At</c> is <paramref name="at"/>, and the body excerpt is empty unless an answer came.
    /// </summary>
    public async Task<(AttemptResult Result, string Body)> SendAsync(Func<HttpRequestMessage> newRequest, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newRequest);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await SendOnceAnsweredAsync(newRequest, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            string body = status is >= 200 and < 300 ? "" : await ExcerptAsync(response, timeout.Token).ConfigureAwait(false);
            return (new AttemptResult(at, status, watch.Elapsed, Describe(response, status), RetryAfter(response, _clock.GetUtcNow())), body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (new AttemptResult(at, null, watch.Elapsed, $"no answer within the timeout ({_timeout.TotalSeconds:0.###} s)", null), "");
        }
        catch (HttpRequestException failure)
        {
            return (new AttemptResult(at, null, watch.Elapsed, Innermost(failure), null), "");
        }
    }

    public void Dispose()
    {
        _pooled.Dispose();
        _unpooled.Dispose();
    }

    private static HttpClient Client(WebhookAddressGuard guard, TimeSpan timeout, string product, TimeSpan connectionLifetime)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = guard.ConnectAsync,
            ConnectTimeout = timeout,
            PooledConnectionLifetime = connectionLifetime,
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = 1 << 20 };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(product, "1"));
        return client;
    }

    /// <summary>The response, on a pooled connection unless the server closes after each response; a request that got no answer on a pooled connection is sent once more on a new one.</summary>
    private async Task<HttpResponseMessage> SendOnceAnsweredAsync(Func<HttpRequestMessage> newRequest, CancellationToken cancellationToken)
    {
        using var request = newRequest();
        string server = request.RequestUri!.GetLeftPart(UriPartial.Authority);
        bool closing = _closingServers.ContainsKey(server);
        HttpResponseMessage response;
        try
        {
            response = await (closing ? _unpooled : _pooled).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException unanswered) when (!closing && unanswered.HttpRequestError == HttpRequestError.ResponseEnded)
        {
            using var again = newRequest();
            response = await _unpooled.SendAsync(again, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }

        if (response.Version == HttpVersion.Version10 && !response.Headers.Connection.Contains("keep-alive", StringComparer.OrdinalIgnoreCase))
        {
            _closingServers[server] = true;
        }
        else
        {
            _closingServers.TryRemove(server, out _);
        }

        return response;
    }

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new char[BodyExcerpt];
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        int read = await reader.ReadBlockAsync(buffer, cancellationToken).ConfigureAwait(false);
        return new string(buffer, 0, read).ReplaceLineEndings(" ").Trim();
    }

    private static string? Describe(HttpResponseMessage response, int status) => status switch
    {
        >= 200 and < 300 => null,
        >= 300 and < 400 => $"HTTP {status}: redirect{(response.Headers.Location is { } location ? $" to {location}" : "")} not followed (point the webhook at the final URL)",
        _ => $"HTTP {status} {response.ReasonPhrase}".TrimEnd(),
    };

    /// <summary><c>Retry-After</c> as seconds or as an HTTP date, from <paramref name="now"/>.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The message that says what went wrong (a refused address, a refused connection), not the wrappers'.</summary>
    private static string Innermost(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(": ", messages.Distinct());
    }
}
