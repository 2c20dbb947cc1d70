using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Monitor.Testing;

/// <summary>Small helpers for talking JSON to the API.</summary>
public static class TestApi
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json, string contentType = "application/json") =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, contentType));

    public static Task<HttpResponseMessage> PostItemsAsync(this HttpClient client, string path, params object[] items) =>
        client.PostAsJsonAsync(path, items);

    /// <summary>The JSON body of a successful response; fails with the status and body otherwise.</summary>
    public static async Task<JsonNode> OkJsonAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    /// <summary>Asserts a problem+json response with the status and a detail containing <paramref name="detailPart"/>.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, int status, string detailPart)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string? detail = JsonNode.Parse(body)?["detail"]?.GetValue<string>();
        Assert.NotNull(detail);
        Assert.True(detail.Contains(detailPart, StringComparison.OrdinalIgnoreCase), $"'{detailPart}' is not in the detail: {detail}");
    }

    public static object Tick(string instrument, string ts, double price, double volume = 1, long? seq = null) =>
        seq is null
            ? new { instrument, ts, price, volume }
            : new { instrument, ts, price, volume, seq };

    public static string Serialize(object value) => JsonSerializer.Serialize(value);
}
