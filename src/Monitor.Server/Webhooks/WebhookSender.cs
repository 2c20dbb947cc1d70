using Monitor.Core.Webhooks;
using System.Net.Http.Headers;
using System.Text;

namespace Monitor.Server.Webhooks;

/// <summary>What one attempt came to: the HTTP status if an answer came, an error otherwise (or for a status that is not 2xx),
/// and how long the endpoint asked to wait (<c>Retry-After</c>). <paramref name="Permanent"/>: a failure that trying again
/// cannot mend (a receiver's address or credentials refused), so the message fails at once.</summary>
public sealed record AttemptResult(DateTimeOffset At, int? Status, TimeSpan Duration, string? Error, TimeSpan? RetryAfter, bool Permanent = false)
{
    public bool Succeeded => Status is >= 200 and < 300;
}

/// <summary>
/// Sends one attempt of a delivery the Standard Webhooks way: <c>POST</c> of the stored body with <c>webhook-id</c>,
/// <c>webhook-timestamp</c> and <c>webhook-signature</c> (every secret that signs at that moment), through
/// <see cref="GuardedHttp"/> (no redirects, no proxy, only addresses the guard allows, a timeout).
/// </summary>
public sealed class WebhookSender(WebhookAddressGuard guard, TimeSpan timeout, TimeProvider clock) : IDisposable
{
    private readonly GuardedHttp _http = new(guard, timeout, clock, "Monitor-Webhooks");

    public async Task<AttemptResult> SendAsync(Webhook webhook, ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(delivery);
        var at = _http.Clock.GetUtcNow();
        long timestamp = at.ToUnixTimeSeconds();
        byte[] body = Encoding.UTF8.GetBytes(delivery.Payload);
        string signature = string.Join(' ', webhook.SigningSecretsAt(at).Select(secret => WebhookSecret.Sign(WebhookSecret.Key(secret), delivery.Id, timestamp, body)));
        HttpRequestMessage NewRequest()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("webhook-id", delivery.Id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", signature);
            return request;
        }

        return (await _http.SendAsync(NewRequest, at, cancellationToken).ConfigureAwait(false)).Result;
    }

    public void Dispose() => _http.Dispose();
}
