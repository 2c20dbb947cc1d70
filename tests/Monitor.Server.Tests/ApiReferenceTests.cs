using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Monitor.Server.Tests;

/// <summary>
/// <c>docs/api.md</c> against the server's own <c>/openapi/v1.json</c>: every route there has a section headed
/// <c>### `METHOD /path`</c> that names each of its status codes, and the reference documents no route the server lacks.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed partial class ApiReferenceTests(MonitorServerFactory server)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task EveryOpenApiRouteAndStatus_IsDocumentedInTheApiReference()
    {
        var documented = DocumentedRoutes();
        var missing = new List<string>();
        foreach (var (route, statuses) in await OpenApiRoutesAsync())
        {
            if (!documented.TryGetValue(route, out string? section))
            {
                missing.Add($"{route}: no section headed ### `{route}`");
                continue;
            }

            missing.AddRange(statuses.Where(s => !Regex.IsMatch(section, $@"\b{s}\b")).Select(s => $"{route}: status {s} not named"));
        }

        Assert.True(missing.Count == 0, "docs/api.md lacks:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task ApiReference_DocumentsNoRouteTheServerLacks()
    {
        var served = (await OpenApiRoutesAsync()).Keys.ToHashSet(StringComparer.Ordinal);
        var unknown = DocumentedRoutes().Keys.Where(route => !served.Contains(route)).ToList();
        Assert.True(unknown.Count == 0, "docs/api.md documents routes the server does not serve: " + string.Join(", ", unknown));
    }

    /// <summary>"METHOD /path" of every operation, with the status codes its responses declare.</summary>
    private async Task<Dictionary<string, List<string>>> OpenApiRoutesAsync()
    {
        var document = await server.CreateClient((string?)null).GetJsonAsync("/openapi/v1.json");
        var routes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (string method in Methods.Where(m => item![m] is not null))
            {
                var responses = item![method]!["responses"]?.AsObject() ?? new JsonObject();
                routes[$"{method.ToUpperInvariant()} {path}"] = [.. responses.Select(r => r.Key)];
            }
        }

        return routes;
    }

    /// <summary>Each route section of docs/api.md by its "METHOD /path" heading: the text up to the next heading.</summary>
    private static Dictionary<string, string> DocumentedRoutes()
    {
        string[] lines = File.ReadAllLines(TestRepository.PathOf("docs", "api.md"));
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            if (RouteHeading().Match(lines[i]) is not { Success: true } heading)
            {
                continue;
            }

            var body = lines.Skip(i + 1).TakeWhile(line => !line.StartsWith('#'));
            Assert.True(sections.TryAdd(heading.Groups[1].Value, string.Join("\n", body)), $"docs/api.md documents {heading.Groups[1].Value} twice");
        }

        return sections;
    }

    [GeneratedRegex(@"^#{2,4} `((?:GET|PUT|POST|DELETE|PATCH) /\S+)`\s*$")]
    private static partial Regex RouteHeading();
}
