using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Monitor.Testing;

/// <summary>A request the publisher saw: its path, its validators, and the status it got (0: answered by the test's interceptor).</summary>
public sealed record PublisherRequest(string Path, string? IfNoneMatch, string? IfModifiedSince, int Status);

/// <summary>
/// A publisher's web server on loopback (Kestrel on a free port) for data source tests: serves the files given to
/// <see cref="Publish"/> with an <c>ETag</c> and <c>Last-Modified</c>, answers conditional requests with 304 when the
/// file has not changed, and lets a test answer otherwise (<see cref="Intercept"/>: failures, HTML, a hang).
/// </summary>
public sealed class PublisherServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, PublishedFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PublisherRequest> _requests = new();
    private int _count;
    private long _version;

    private PublisherServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Given a request and its number (1 for the first), an answer instead of the published file, or null to serve it.</summary>
    public Func<HttpRequest, int, Task<IResult?>>? Intercept { get; set; }

    /// <summary>Cancelled when the server stops, so an answer made to hang can end.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<PublisherRequest> Requests => [.. _requests];

    public static async Task<PublisherServer> StartAsync()
    {
        PublisherServer? server = null;
        var (app, address) = await LoopbackHttp.StartAsync(app => app.MapGet("/{**path}", (HttpContext context, string path) => server!.HandleAsync(context, path)));
        server = new PublisherServer(app) { BaseAddress = address };
        return server;
    }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/> from now on, with a new ETag and Last-Modified.</summary>
    public void Publish(string path, byte[] content, string contentType = "application/octet-stream")
    {
        long version = Interlocked.Increment(ref _version);
        string etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}-{version}\"";
        // Whole seconds (HTTP dates have no more), one second apart per version so If-Modified-Since tells them apart.
        var modified = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(version);
        _files[path.TrimStart('/')] = new PublishedFile(content, contentType, etag, modified);
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived.</summary>
    public Task<IReadOnlyList<PublisherRequest>> WaitForRequestsAsync(int count, TimeSpan? timeout = null) =>
        Eventually.GetAsync(() => Task.FromResult(Requests), r => r.Count >= count, timeout ?? TimeSpan.FromSeconds(20), $"{count} requests to the publisher");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, string path)
    {
        var request = context.Request;
        int number = Interlocked.Increment(ref _count);
        string? ifNoneMatch = request.Headers.IfNoneMatch.Count > 0 ? request.Headers.IfNoneMatch.ToString() : null;
        string? ifModifiedSince = request.Headers.IfModifiedSince.Count > 0 ? request.Headers.IfModifiedSince.ToString() : null;
        if (Intercept is { } intercept)
        {
            var seen = new PublisherRequest(path, ifNoneMatch, ifModifiedSince, 0);
            if (await intercept(request, number) is { } answer)
            {
                _requests.Enqueue(seen);
                await answer.ExecuteAsync(context);
                return;
            }
        }

        int status;
        if (!_files.TryGetValue(path, out var file))
        {
            status = StatusCodes.Status404NotFound;
        }
        else if (ifNoneMatch is not null ? ifNoneMatch == file.ETag
                 : DateTimeOffset.TryParse(ifModifiedSince, out var since) && since >= file.LastModified)
        {
            status = StatusCodes.Status304NotModified;
        }
        else
        {
            status = StatusCodes.Status200OK;
        }

        // Recorded before answering, so a test that saw the request finds it listed.
        _requests.Enqueue(new PublisherRequest(path, ifNoneMatch, ifModifiedSince, status));
        context.Response.StatusCode = status;
        if (file is not null && status != StatusCodes.Status404NotFound)
        {
            context.Response.Headers.ETag = file.ETag;
            context.Response.Headers.LastModified = file.LastModified.ToString("R");
        }

        if (status == StatusCodes.Status200OK)
        {
            context.Response.ContentType = file!.ContentType;
            await context.Response.Body.WriteAsync(file.Content);
        }
    }

    /// <summary>An answer that never comes (until the client gives up or the server stops): for timeouts.</summary>
    public IResult Hang() => new HangingResult(Stopping);

    private sealed class HangingResult(CancellationToken stopping) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, httpContext.RequestAborted);
            await Task.Delay(Timeout.Infinite, either.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private sealed record PublishedFile(byte[] Content, string ContentType, string ETag, DateTimeOffset LastModified);
}
