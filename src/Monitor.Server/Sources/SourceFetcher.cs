using Monitor.Core.Ports;
using System.Net;
using System.Net.Http.Headers;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Sources;

/// <summary>What one fetch brought: a file, "not modified", or why there is none.</summary>
public abstract record FetchOutcome
{
    /// <summary>200: the file's bytes and the validators to send next time.</summary>
    public sealed record Fetched(byte[] Content, int HttpStatus, string? ETag, string? LastModified) : FetchOutcome;

    /// <summary>304: the file has not changed since the validators sent.</summary>
    public sealed record NotModified : FetchOutcome;

    /// <summary>No file: <paramref name="Error"/> says why; <paramref name="HttpStatus"/> when the server answered.</summary>
    public sealed record Failed(string Error, int? HttpStatus) : FetchOutcome;
}

/// <summary>
/// Fetches a source's file: a conditional GET (<c>If-None-Match</c>, <c>If-Modified-Since</c>) with a timeout on the
/// injected clock, a size limit, and every connection (redirects included) through the webhooks' address guard.
/// </summary>
public sealed class SourceFetcher(HttpClient http, SourceOptions options, TimeProvider clock)
{
    /// <summary>The HTTP client sources fetch with: its connections go through <paramref name="guard"/>; the timeout is
    /// <see cref="FetchAsync"/>'s, on the injected clock.</summary>
    public static HttpClient CreateClient(WebhookAddressGuard guard) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = guard.ConnectAsync,
            AutomaticDecompression = DecompressionMethods.All,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestHeaders = { UserAgent = { new ProductInfoHeaderValue("Monitor", "1.0") } },
        };

    public async Task<FetchOutcome> FetchAsync(Uri url, string? etag, string? lastModified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var timeout = options.ParsedTimeout;
        using var timer = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        if (lastModified is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FetchOutcome.NotModified();
            }

            if (!response.IsSuccessStatusCode)
            {
                return new FetchOutcome.Failed($"{url} answered {status} {response.ReasonPhrase}", status);
            }

            if (response.Content.Headers.ContentLength > options.MaxBytes)
            {
                return TooLarge(url, status);
            }

            await using var body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            using var content = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, linked.Token).ConfigureAwait(false)) > 0)
            {
                if (content.Length + read > options.MaxBytes)
                {
                    return TooLarge(url, status);
                }

                content.Write(buffer, 0, read);
            }

            return new FetchOutcome.Fetched(
                content.ToArray(), status, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new FetchOutcome.Failed($"{url} did not answer within {timeout.TotalSeconds:0.###} s (Monitor:Sources:Timeout)", null);
        }
        catch (HttpRequestException e)
        {
            return new FetchOutcome.Failed(e.InnerException is WebhookAddressRefusedException refused ? refused.Message : $"{url}: {e.Message}", null);
        }
    }

    private FetchOutcome.Failed TooLarge(Uri url, int status) =>
        new($"{url} is larger than {options.MaxBytes} bytes (Monitor:Sources:MaxBytes)", status);
}
