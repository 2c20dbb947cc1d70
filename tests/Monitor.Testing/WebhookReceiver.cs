using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Monitor.Testing;

/// <summary>One request as the receiver saw it, headers and body exactly as sent.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signature, string Body, DateTimeOffset At);

/// <summary>
/// A real HTTP endpoint on loopback (Kestrel on a free port) that records every request and answers with
/// <see cref="Respond"/>, given the request and its number (1 for the first).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private int _count;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    /// <summary>How to answer a request; 200 unless set.</summary>
    public Func<ReceivedWebhook, int, Task<IResult>> Respond { get; set; } = (_, _) => Task.FromResult(Results.Ok());

    /// <summary>Cancelled when the receiver stops, so an endpoint made to hang can end.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The URL to register as a webhook.</summary>
    public string Url => new Uri(BaseAddress, "/hook").ToString();

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync()
    {
        WebhookReceiver? receiver = null;
        var (app, address) = await LoopbackHttp.StartAsync(app => app.MapPost("/{**path}", (HttpRequest request) => receiver!.HandleAsync(request)));
        receiver = new WebhookReceiver(app) { BaseAddress = address };
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived.</summary>
    public Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, TimeSpan? timeout = null) =>
        Eventually.GetAsync(() => Task.FromResult(Received), r => r.Count >= count, timeout ?? TimeSpan.FromSeconds(20), $"{count} webhook requests");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var received = new ReceivedWebhook(
            request.Path.Value ?? "",
            request.Headers["webhook-id"].ToString(),
            request.Headers["webhook-timestamp"].ToString(),
            request.Headers["webhook-signature"].ToString(),
            await reader.ReadToEndAsync(),
            DateTimeOffset.UtcNow);
        _received.Enqueue(received);
        return await Respond(received, Interlocked.Increment(ref _count));
    }
}
