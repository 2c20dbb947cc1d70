using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Monitor.Testing;

/// <summary>One request a chat service accepted: which service, the path, and the JSON body.</summary>
public sealed record ChatRequest(string Service, string Path, JsonObject Body);

/// <summary>
/// Local stand-ins for Slack, Microsoft Teams and the Telegram Bot API on loopback (Kestrel), each checking a request
/// against the shape its service documents and answering as that service does: Slack's incoming webhook
/// (<c>POST /services/T/B/X</c>: <c>text</c>, Block Kit <c>blocks</c> with their size limits; <c>ok</c>, or 404
/// <c>no_service</c> for an unknown hook, 400 <c>invalid_blocks</c>), a Teams incoming webhook (<c>POST /teams/...</c>:
/// <c>type</c> <c>message</c> with one Adaptive Card attachment; 202) and <c>sendMessage</c> of the Bot API
/// (<c>POST /bot{token}/sendMessage</c>: <c>chat_id</c>, <c>text</c> of 1 to 4096 characters; 401
/// <c>Unauthorized</c> for a token it does not know). Requests that pass are kept in <see cref="Accepted"/>.
/// </summary>
public sealed class ChatServices : IAsyncDisposable
{
    public const string SlackPath = "/services/T000/B000/XXXX";
    public const string TeamsPath = "/teams/workflows/abc123/invoke?sig=teams-sig-93fd";
    public const string BotToken = "123456:telegram-secret-AbC";

    private static readonly HashSet<string> BlockTypes = new(StringComparer.Ordinal) { "header", "section", "context", "divider", "actions", "image", "rich_text" };
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ChatRequest> _accepted = new();

    private ChatServices(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string SlackUrl => new Uri(BaseAddress, SlackPath).ToString();

    public string TeamsUrl => new Uri(BaseAddress, TeamsPath).ToString();

    public IReadOnlyList<ChatRequest> Accepted => [.. _accepted];

    public static async Task<ChatServices> StartAsync()
    {
        ChatServices? services = null;
        var (app, address) = await LoopbackHttp.StartAsync(app =>
        {
            app.MapPost("/services/{**hook}", (HttpRequest request, string hook) => services!.SlackAsync(request, hook));
            app.MapPost("/teams/{**flow}", (HttpRequest request) => services!.TeamsAsync(request));
            app.MapPost("/bot{token}/sendMessage", (HttpRequest request, string token) => services!.TelegramAsync(request, token));
        });
        services = new ChatServices(app, address);
        return services;
    }

    public Task<IReadOnlyList<ChatRequest>> WaitForAsync(string service, int count) =>
        Eventually.GetAsync(
            () => Task.FromResult<IReadOnlyList<ChatRequest>>([.. Accepted.Where(r => r.Service == service)]), r => r.Count >= count, TimeSpan.FromSeconds(20),
            $"{count} {service} requests");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> SlackAsync(HttpRequest request, string hook)
    {
        if ("/services/" + hook != SlackPath)
        {
            return Results.Text("no_service", statusCode: 404);
        }

        var body = await BodyAsync(request);
        bool valid = body?["text"] is JsonValue text && text.GetValue<string>().Length > 0
            && (body["blocks"] is null || (body["blocks"] is JsonArray blocks && blocks.Count <= 50 && blocks.All(SlackBlockValid)));
        return Accept("slack", request, body, valid, () => Results.Text("ok"), () => Results.Text("invalid_blocks", statusCode: 400));
    }

    private static bool SlackBlockValid(JsonNode? block) => block is JsonObject b && b["type"] is JsonValue type && BlockTypes.Contains(type.GetValue<string>())
        && type.GetValue<string>() switch
        {
            "header" => b["text"]?["type"]?.GetValue<string>() == "plain_text" && b["text"]!["text"]!.GetValue<string>().Length is > 0 and <= 150,
            "section" => b["text"]?["type"]?.GetValue<string>() is "mrkdwn" or "plain_text" && b["text"]!["text"]!.GetValue<string>().Length is > 0 and <= 3000,
            "context" => b["elements"] is JsonArray { Count: > 0 and <= 10 },
            _ => true,
        };

    private async Task<IResult> TeamsAsync(HttpRequest request)
    {
        var body = await BodyAsync(request);
        bool valid = body?["type"]?.GetValue<string>() == "message"
            && body["attachments"] is JsonArray { Count: 1 } attachments
            && attachments[0]?["contentType"]?.GetValue<string>() == "application/vnd.microsoft.card.adaptive"
            && attachments[0]!["content"] is JsonObject card
            && card["type"]?.GetValue<string>() == "AdaptiveCard" && card["version"] is JsonValue
            && card["body"] is JsonArray { Count: > 0 } elements && elements.All(e => e?["type"] is JsonValue);
        return Accept("teams", request, body, valid, () => Results.Accepted(), () => Results.Text("Bad payload", statusCode: 400));
    }

    private async Task<IResult> TelegramAsync(HttpRequest request, string token)
    {
        if (token != BotToken)
        {
            return Results.Json(new { ok = false, error_code = 401, description = "Unauthorized" }, statusCode: 401);
        }

        var body = await BodyAsync(request);
        bool valid = body?["chat_id"] is JsonValue && body["text"] is JsonValue text && text.GetValue<string>().Length is > 0 and <= 4096;
        return Accept("telegram", request, body, valid,
            () => Results.Json(new { ok = true, result = new { message_id = 1, chat = new { id = body!["chat_id"]!.ToString() }, text = body["text"]!.GetValue<string>() } }),
            () => Results.Json(new { ok = false, error_code = 400, description = "Bad Request: message text is empty" }, statusCode: 400));
    }

    private IResult Accept(string service, HttpRequest request, JsonObject? body, bool valid, Func<IResult> ok, Func<IResult> refused)
    {
        if (!valid || body is null || !string.Equals(request.ContentType?.Split(';')[0], "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return refused();
        }

        _accepted.Enqueue(new ChatRequest(service, request.Path + request.QueryString, body));
        return ok();
    }

    private static async Task<JsonObject?> BodyAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
