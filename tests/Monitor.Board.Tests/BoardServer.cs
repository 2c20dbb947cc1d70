using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Monitor.Board.Tests;

/// <summary>
/// One real server process (the board is served from its build output) and one Chromium for the tests of the
/// collection. Each test opens its own browser context and uses its own instrument, so none depends on another.
/// </summary>
public sealed class BoardServer : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-board-tests-").FullName;
    private IPlaywright? _playwright;

    public ServerProcess Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync(_directory);
        _playwright = await Playwright.CreateAsync();
        Browser = await BoardBrowser.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class BoardCollection : ICollectionFixture<BoardServer>
{
    public const string Name = "board";
}

/// <summary>Talking to the API around the browser: ticks in, rules and alerts.</summary>
internal static class BoardApi
{
    public static async Task PostTicksAsync(this ServerProcess server, params object[] ticks)
    {
        using var client = server.CreateClient(TestApiKeys.Ingest);
        var response = await client.PostAsJsonAsync("/api/v1/ticks", ticks);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal(ticks.Length, JsonNode.Parse(body)!["accepted"]!.GetValue<int>());
    }

    public static object Tick(string instrument, DateTimeOffset ts, double price) => new { instrument, ts, price, volume = 1 };

    public static async Task<JsonNode> GetJsonAsync(this ServerProcess server, string path, string? key = null)
    {
        using var client = server.CreateClient(key);
        var response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Applies a notification policy (admin); a test that applies one removes it before it ends.</summary>
    public static async Task PutPolicyAsync(this ServerProcess server, string json)
    {
        using var client = server.CreateClient(TestApiKeys.Admin);
        var response = await client.PutAsync("/api/v1/notifications", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task DeletePolicyAsync(this ServerProcess server)
    {
        using var client = server.CreateClient(TestApiKeys.Admin);
        Assert.True((await client.DeleteAsync("/api/v1/notifications")).IsSuccessStatusCode);
    }

    public static async Task PostJsonAsync(this ServerProcess server, string path, object body, string key)
    {
        using var client = server.CreateClient(key);
        var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
