using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Monitor.Server.Tests;

/// <summary>
/// The server's <c>/openapi/v1.json</c> declares every answer a route can give, each with its body: a success; a schema
/// for every body (problem details for errors); the 401 and 403 of a role check; the 400 of a request body or query
/// parameters (they may not bind, or be refused), and the 413 and 415 of a JSON body too large or sent as something else; the 404 of a resource the path names, unless the route creates it
/// (a PUT that answers 201).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed partial class OpenApiResponsesTests(MonitorServerFactory server)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    /// <summary>Answers without a body: switching to a WebSocket, and no content.</summary>
    private static readonly string[] Bodiless = ["101", "204"];

    [Fact]
    public async Task EveryOperation_DeclaresTheAnswersItCanGive_WithTheirBodies()
    {
        var document = await server.CreateClient((string?)null).GetJsonAsync("/openapi/v1.json");
        var endpoints = DescribedEndpoints();
        var lacking = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(m => Methods.Contains(m.Key)))
            {
                string route = $"{method.ToUpperInvariant()} {path}";
                if (!endpoints.TryGetValue(route, out var endpoint))
                {
                    lacking.Add($"{route}: no endpoint of the server has this route");
                    continue;
                }

                lacking.AddRange(Lacks(method, operation!, endpoint).Select(lack => $"{route}: {lack}"));
            }
        }

        Assert.True(lacking.Count == 0, "/openapi/v1.json lacks:\n" + string.Join("\n", lacking));
    }

    private static IEnumerable<string> Lacks(string method, JsonNode operation, Endpoint endpoint)
    {
        var responses = operation["responses"]?.AsObject() ?? [];
        var statuses = responses.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        if (!statuses.Any(s => s[0] is '1' or '2'))
        {
            yield return "no success response";
        }

        foreach (var (status, response) in responses.Where(r => !Bodiless.Contains(r.Key)))
        {
            var content = response?["content"]?.AsObject();
            if (content is null || content.Count == 0 || content.Any(media => media.Value?["schema"] is null))
            {
                yield return $"status {status} without a body schema";
            }
        }

        var parameters = operation["parameters"]?.AsArray().Select(p => (string)p!["in"]!).ToList() ?? [];
        var required = new List<string>();
        if (endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            required.AddRange(["401", "403"]);
        }

        if (operation["requestBody"] is not null || ReadsItsOwnBody(method, endpoint) || parameters.Contains("query"))
        {
            required.Add("400");
        }

        bool createsWhatPathNames = method == "put" && statuses.Contains("201");
        if (parameters.Contains("path") && !createsWhatPathNames)
        {
            required.Add("404");
        }

        if (operation["requestBody"]?["content"]?["application/json"] is not null)
        {
            required.AddRange(["413", "415"]);
        }

        foreach (string status in required.Where(s => !statuses.Contains(s)))
        {
            yield return $"no {status} response";
        }
    }

    /// <summary>A handler that takes the <see cref="HttpRequest"/> reads the body itself, so the document shows none.</summary>
    private static bool ReadsItsOwnBody(string method, Endpoint endpoint) =>
        method is "post" or "put" or "patch"
        && endpoint.Metadata.GetMetadata<MethodInfo>()?.GetParameters().Any(p => p.ParameterType == typeof(HttpRequest)) == true;

    /// <summary>The server's endpoints that OpenAPI describes, by "METHOD /path" as the document spells it.</summary>
    private Dictionary<string, Endpoint> DescribedEndpoints()
    {
        var endpoints = new Dictionary<string, Endpoint>(StringComparer.Ordinal);
        foreach (var endpoint in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            string path = "/" + Constraint().Replace(endpoint.RoutePattern.RawText!, "}").Trim('/');
            foreach (string method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                endpoints.TryAdd($"{method} {path}", endpoint);
            }
        }

        return endpoints;
    }

    /// <summary>A route parameter's constraint or default, which the document's path leaves out.</summary>
    [GeneratedRegex(@"[:=?][^}]*\}")]
    private static partial Regex Constraint();
}
