using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Monitor.Core.Ports;

namespace Monitor.Server.Webhooks;

/// <summary>What one attempt came to: the HTTP status if an answer came, an error otherwise (or for a status that is not 2xx),
/// and how long the endpoint asked to wait (<c>Retry-After</c>).</summary>
public sealed record AttemptResult(DateTimeOffset At, int? Status, TimeSpan Duration, string? Error, TimeSpan? RetryAfter)
{
    public bool Succeeded => Status is >= 200 and < 300;
}

/// <summary>
/// Sends one attempt of a delivery the Standard Webhooks way: <c>POST</c> of the stored body with <c>webhook-id</c>,
/// <c>webhook-timestamp</c> and <c>webhook-signature</c> (every secret that signs at that moment). It follows no
/// redirects, uses no proxy, connects only through <see cref="WebhookAddressGuard"/>, and gives up after the timeout.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _clock;

    public WebhookSender(WebhookAddressGuard guard, TimeSpan timeout, TimeProvider clock)
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
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Monitor-Webhooks", "1"));
    }

    public async Task<AttemptResult> SendAsync(Webhook webhook, ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(delivery);
        var at = _clock.GetUtcNow();
        long timestamp = at.ToUnixTimeSeconds();
        byte[] body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", delivery.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", string.Join(' ', webhook.SigningSecretsAt(at).Select(secret => WebhookSecret.Sign(WebhookSecret.Key(secret), delivery.Id, timestamp, body))));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _client.SendAsync(request, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            return new AttemptResult(at, status, watch.Elapsed, Describe(response, status), RetryAfter(response, _clock.GetUtcNow()));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(at, null, watch.Elapsed, $"no answer within the timeout ({_timeout.TotalSeconds:0.###} s)", null);
        }
        catch (HttpRequestException failure)
        {
            return new AttemptResult(at, null, watch.Elapsed, Innermost(failure), null);
        }
    }

    public void Dispose() => _client.Dispose();

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
