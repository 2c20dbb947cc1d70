using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Monitor.Cli.Tests;

/// <summary>One request as the receiver saw it, in arrival order.</summary>
public sealed record ReceivedRequest(string Path, string? ApiKey, string? ContentType, byte[] Body);

/// <summary>
/// A stand-in for the server's ingest routes on 127.0.0.1 and a free port: records every request and answers like
/// <c>POST /api/v1/ticks</c> does (everything accepted), or with a fixed problem when told to.
/// </summary>
public sealed class FeedReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly TaskCompletionSource _firstTicks = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FeedReceiver(bool inventoryRoute, int? ticksStatus)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/api/v1/ticks", async (HttpRequest request) =>
        {
            var received = await RecordAsync(request);
            _firstTicks.TrySetResult();
            return ticksStatus is { } status
                ? Results.Problem(title: "Unauthorized", detail: "the API key is not valid; pass a key with the ingest role", statusCode: status)
                : Accepted(received.Body);
        });
        if (inventoryRoute)
        {
            _app.MapPost("/api/v1/inventory", async (HttpRequest request) => Accepted((await RecordAsync(request)).Body));
        }
    }

    public IReadOnlyCollection<ReceivedRequest> Requests => _requests;

    public Uri Url => new(_app.Urls.First());

    public static async Task<FeedReceiver> StartAsync(bool inventoryRoute = true, int? ticksStatus = null)
    {
        var receiver = new FeedReceiver(inventoryRoute, ticksStatus);
        await receiver._app.StartAsync();
        return receiver;
    }

    /// <summary>Completes when the first tick batch has arrived, or fails after <paramref name="deadline"/>.</summary>
    public Task WaitForTicksAsync(TimeSpan deadline) => _firstTicks.Task.WaitAsync(deadline);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Accepted(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return Results.Json(new { accepted = document.RootElement.GetArrayLength(), duplicates = 0, late = 0, rejected = Array.Empty<object>() });
    }

    private async Task<ReceivedRequest> RecordAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var received = new ReceivedRequest(request.Path, request.Headers["X-Api-Key"].FirstOrDefault(), request.ContentType, body.ToArray());
        _requests.Enqueue(received);
        return received;
    }
}
