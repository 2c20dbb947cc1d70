using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Monitor.Core.Derived;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains;
using Monitor.Grains.Rules;
using Monitor.Server.Hosting;
using Monitor.Server.Live;

namespace Monitor.Server.Api;

/// <summary>
/// <c>/api/v1/rules</c> (docs/api.md, Rules): rule definitions, validated by the rules domain and stored.
/// The bodies are the contract's rule objects exactly as <see cref="RuleJson"/> reads and writes them.
/// </summary>
public static class RulesApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder app)
    {
        // Rules are answered as stored (the JSON RuleJson writes), so their body is declared as a JSON object.
        var api = app.MapGroup("/api/v1/rules").WithTags("Rules");
        api.MapGet("/", ListAsync).RequireRole(Policies.Read).Produces<JsonObject[]>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{id}", GetAsync).RequireRole(Policies.Read).Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/versions", GetVersionsAsync).RequireRole(Policies.Read).Produces<JsonObject[]>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/status", GetStatusAsync).RequireRole(Policies.Read).CallsGrains()
            .Produces<RuleStatusView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/", CreateAsync).RequireRole(Policies.Admin).CallsGrains()
            .Produces<JsonObject>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapPut("/{id}", PutAsync).RequireRole(Policies.Admin).CallsGrains()
            .Produces<JsonObject>()
            .Produces<JsonObject>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapDelete("/{id}", DeleteAsync).RequireRole(Policies.Admin).CallsGrains()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Every rule, or those carrying every label of <paramref name="label"/> (<c>key=value</c>, repeatable).</summary>
    internal static async Task<IResult> ListAsync(string[]? label, IRuleStore rules, CancellationToken cancellationToken)
    {
        if (LabelSelectors.Parse(label, out string? problem) is not { } selectors)
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", problem + ".");
        }

        var stored = await rules.ListAsync(cancellationToken);
        var matching = selectors.Count == 0
            ? stored
            : stored.Where(r => r.Parse().Rule is { } rule && rule.Labels.MatchesAll(selectors)).ToList();
        return Json("[" + string.Join(",", matching.Select(r => r.Json)) + "]");
    }

    internal static async Task<IResult> GetAsync(string id, IRuleStore rules, CancellationToken cancellationToken) =>
        await rules.GetAsync(id, cancellationToken) is { } rule ? Json(rule.Json) : UnknownRule(id);

    /// <summary>Every version of the rule, newest first, each with what changed from the one before; also for a deleted rule.</summary>
    internal static async Task<IResult> GetVersionsAsync(string id, IRuleStore rules, CancellationToken cancellationToken)
    {
        var versions = await rules.ListVersionsAsync(id, cancellationToken);
        if (versions.Count == 0)
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found",
                $"There is no rule '{UntrustedText.Printable(id)}' and never was; GET /api/v1/rules lists them.");
        }

        var list = new JsonArray();
        for (int i = 0; i < versions.Count; i++)
        {
            list.Add(RuleVersionJson.Write(versions[i], i + 1 < versions.Count ? versions[i + 1] : null));
        }

        return Json(list.ToJsonString());
    }

    /// <summary>What the rule's last evaluation found, from the grain that runs it.</summary>
    internal static async Task<IResult> GetStatusAsync(string id, string? instrument, IRuleStore rules, GrainCalls grains, CancellationToken cancellationToken)
    {
        if (await rules.GetAsync(id, cancellationToken) is not { } stored || stored.Parse().Rule is not { } rule)
        {
            return UnknownRule(id);
        }

        if (rule.ForEach is not null && !InstrumentId.TryParse(instrument, out _, out _))
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request",
                $"Rule '{id}' runs for each instrument of its forEach ({rule.ForEach}): ask for one with ?instrument=, such as ?instrument=ETF:SLV.");
        }

        var status = rule.ForEach is not null
            ? await grains.CallAsync("GetRuleStatus", g => g.GetGrain<IInstrumentGrain>(instrument!).GetRuleStatusAsync(ForEachRules.Key(id, InstrumentId.Parse(instrument!))), cancellationToken)
            : rule.LocalInstrument() is { } local
            ? await grains.CallAsync("GetRuleStatus", g => g.GetGrain<IInstrumentGrain>(local.Value).GetRuleStatusAsync(id), cancellationToken)
            : await grains.CallAsync("GetRuleStatus", g => g.GetGrain<IRuleGrain>(id).GetStatusAsync(), cancellationToken);
        return status is null
            ? ProblemDetailsWriter.Result(StatusCodes.Status503ServiceUnavailable, "Not running", $"Rule '{id}' is stored but not running yet; try again in a moment.")
            : TypedResults.Ok(status);
    }

    internal static async Task<IResult> CreateAsync(
        HttpRequest request, IRuleStore rules, InstrumentCatalog catalog, GrainCalls grains, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (rule, problem) = await ReadRuleAsync(request, pathId: null, catalog, cancellationToken);
        if (rule is null)
        {
            return problem!;
        }

        if (await rules.AddAsync(rule, clock.GetUtcNow(), ChangedBy(request), cancellationToken) is not { } added)
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status409Conflict, "Conflict",
                $"A rule '{rule.Id}' exists already; change it with PUT /api/v1/rules/{rule.Id}.");
        }

        await RuleChanges.NotifyAsync(grains, catalog, before: null, rule with { Version = added.Version }, cancellationToken);
        return Json(added.Json, StatusCodes.Status201Created, $"/api/v1/rules/{Uri.EscapeDataString(rule.Id)}");
    }

    internal static async Task<IResult> PutAsync(
        string id, HttpRequest request, IRuleStore rules, InstrumentCatalog catalog, GrainCalls grains, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (rule, problem) = await ReadRuleAsync(request, id, catalog, cancellationToken);
        if (rule is null)
        {
            return problem!;
        }

        var before = await rules.GetAsync(id, cancellationToken);
        var put = await rules.PutAsync(rule, clock.GetUtcNow(), ChangedBy(request), cancellationToken);
        if (put.Change != RuleChange.Unchanged)
        {
            await RuleChanges.NotifyAsync(grains, catalog, before is null ? null : RuleJson.Parse(before.Json).Rule, rule, cancellationToken);
        }

        return put.Change == RuleChange.Added
            ? Json(put.Rule.Json, StatusCodes.Status201Created, $"/api/v1/rules/{Uri.EscapeDataString(rule.Id)}")
            : Json(put.Rule.Json);
    }

    internal static async Task<IResult> DeleteAsync(
        string id, HttpRequest request, IRuleStore rules, InstrumentCatalog catalog, GrainCalls grains, TimeProvider clock, CancellationToken cancellationToken)
    {
        var before = await rules.GetAsync(id, cancellationToken);
        if (before is null || !await rules.DeleteAsync(id, clock.GetUtcNow(), ChangedBy(request), cancellationToken))
        {
            return UnknownRule(id);
        }

        await RuleChanges.NotifyAsync(grains, catalog, RuleJson.Parse(before.Json).Rule, after: null, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The rule in the body, or a 400 listing every problem by field (also as <c>errors</c>).</summary>
    private static async Task<(RuleDefinition? Rule, IResult? Problem)> ReadRuleAsync(
        HttpRequest request, string? pathId, InstrumentCatalog catalog, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, "A rule", cancellationToken);
        if (document is null)
        {
            return (null, problem);
        }

        using (document)
        {
            var root = document.RootElement;
            if (pathId is not null && root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("id", out var bodyId) && bodyId.ValueKind == JsonValueKind.String && bodyId.GetString() != pathId)
            {
                return (null, ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request",
                    $"The body's id '{UntrustedText.Printable(bodyId.GetString()!)}' is not the id in the path, '{UntrustedText.Printable(pathId)}'."));
            }

            var parsed = pathId is not null && root.ValueKind == JsonValueKind.Object && !root.TryGetProperty("id", out _)
                ? RuleJson.Parse(WithId(root, pathId))
                : RuleJson.Parse(root);
            IReadOnlyList<RuleProblem> problems = parsed.Rule is { } rule ? CheckAgainst(catalog, rule) : parsed.Problems;
            if (problems.Count == 0)
            {
                return (parsed.Rule, null);
            }

            return (null, JsonBody.Invalid("Invalid rule", "The rule is not valid: ", problems.Select(p => (p.Field, p.Message))));
        }
    }

    /// <summary>A valid rule must also read known instruments, and bars of its interval must exist for those whose prices it reads.</summary>
    internal static List<RuleProblem> CheckAgainst(InstrumentCatalog catalog, RuleDefinition rule)
    {
        if (rule.ForEach is { } forEach && rule.Member is null)
        {
            // Each member is checked as the rule it runs as; one that matches nothing would watch nothing.
            var members = ForEachRules.Expand([rule], catalog.All.Select(d => d.Id)).ToList();
            return members.Count == 0
                ? [new RuleProblem("forEach", $"{forEach} matches no instrument; GET /api/v1/instruments lists them")]
                : [.. members.SelectMany(member => CheckAgainst(catalog, member)).Distinct()];
        }

        var problems = new List<RuleProblem>();
        foreach (var instrument in rule.Instruments().Select(InstrumentId.Parse))
        {
            if (!catalog.TryGet(instrument, out var definition))
            {
                problems.Add(new RuleProblem("params", DerivedSeries.IsDerived(instrument)
                    ? $"unknown derived series '{instrument}': define it first with POST /api/v1/series"
                    : $"unknown instrument '{instrument}': add it first with PUT /api/v1/instruments/{instrument}"));
            }
            else if (rule.ReadsTicksOf(instrument) && !definition.Intervals.Contains(rule.Interval))
            {
                problems.Add(new RuleProblem("interval", $"{instrument} keeps bars of {string.Join(", ", definition.Intervals.Select(i => i.Name))}, not {rule.Interval.Name}"));
            }
        }

        return problems;
    }

    /// <summary>The body with the path's id added, for a PUT whose body leaves it out.</summary>
    private static string WithId(JsonElement root, string id)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            foreach (var property in root.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Who changes a rule: the API key's name (changing needs an admin key, so there is one).</summary>
    internal static string ChangedBy(HttpRequest request) => request.HttpContext.User.Identity?.Name ?? "anonymous";

    private static IResult Json(string json, int status = StatusCodes.Status200OK, string? location = null) =>
        new RawJsonResult(json, status, location);

    private static IResult UnknownRule(string id) => ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found",
        $"There is no rule '{UntrustedText.Printable(id)}'; GET /api/v1/rules lists them.");
}
