using System.Net.Http.Headers;
using System.Text;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Notifications;

/// <summary>
/// Posts a JSON body to a chat service (Slack, Teams, Telegram) through <see cref="GuardedHttp"/>, the webhooks'
/// address guard included. A refusal that sending again cannot mend (4xx other than 408 and 429: a wrong or removed
/// URL, a rejected token) fails the notification at once; anything else is retried on the schedule. Error messages
/// name the service, add what it answered and a hint, and have every secret replaced by <c>********</c>.
/// </summary>
public sealed class HttpNotificationPoster(GuardedHttp http) : IDisposable
{
    public TimeProvider Clock => http.Clock;

    /// <param name="hint">What a status means for this service (<c>404</c>: the URL is wrong), or null.</param>
    public async Task<AttemptResult> PostAsync(
        Uri url, string json, string service, Func<int, string?> hint, IEnumerable<string> secrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(hint);
        var at = http.Clock.GetUtcNow();
        HttpRequestMessage NewRequest()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return request;
        }

        var (result, body) = await http.SendAsync(NewRequest, at, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return result;
        }

        string error = $"{service}: {result.Error}"
            + (body.Length > 0 ? $", answering '{body}'" : "")
            + (result.Status is { } status && hint(status) is { } explained ? $" ({explained})" : "");
        bool permanent = result.Status is >= 400 and < 500 and not (408 or 429);
        return result with { Error = Scrub(error, secrets), Permanent = permanent };
    }

    /// <summary><paramref name="text"/> with each secret (and its URL-encoded form) replaced by <c>********</c>.</summary>
    public static string Scrub(string text, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (string secret in secrets.Where(s => s.Length > 0))
        {
            text = text.Replace(secret, Core.Notifications.ReceiverSecretMask.Masked, StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(secret), Core.Notifications.ReceiverSecretMask.Masked, StringComparison.Ordinal);
        }

        return text;
    }

    public void Dispose() => http.Dispose();
}
