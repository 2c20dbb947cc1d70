using System.Diagnostics;
using System.Net.Http.Headers;

namespace Monitor.Server.Webhooks;

/// <summary>
/// Outgoing HTTP for the outboxes (webhook deliveries, Slack, Teams, Telegram): follows no redirects, uses no proxy,
/// connects only through <see cref="WebhookAddressGuard"/> (so no request reaches an address it refuses, whatever DNS
/// says a moment later), and gives up after the timeout. An attempt never throws for the endpoint's sake: what came of
/// it is an <see cref="AttemptResult"/>, with the start of the answer's body for the error message.
/// </summary>
public sealed class GuardedHttp : IDisposable
{
    /// <summary>How much of an answer's body is read for error messages.</summary>
    private const int BodyExcerpt = 512;

    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _clock;

    public GuardedHttp(WebhookAddressGuard guard, TimeSpan timeout, TimeProvider clock, string product)
    {
        ArgumentNullException.ThrowIfNull(guard);
        _timeout = timeout;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = guard.ConnectAsync,
            ConnectTimeout = timeout,
            // A pooled connection is checked once; re-resolving now and then follows an endpoint that moves.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = 1 << 20 };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(product, "1"));
    }

    public TimeProvider Clock => _clock;

    /// <summary>Sends <paramref name="request"/>; the result's <c>At</c> is <paramref name="at"/>, and the body excerpt is empty unless an answer came.</summary>
    public async Task<(AttemptResult Result, string Body)> SendAsync(HttpRequestMessage request, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
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

    public void Dispose() => _client.Dispose();

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
