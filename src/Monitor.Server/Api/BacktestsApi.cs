using System.Text.Json;
using System.Text.Json.Nodes;
using Monitor.Core.Market;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary>
/// <c>/api/v1/backtests</c> (docs/api.md, Backtests): a backtest is accepted (202) and runs in the background in its own
/// grain, once in the cluster; its state, progress and report are read by id from any silo.
/// </summary>
public static class BacktestsApi
{
    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxRules = 1000;
    private static readonly string[] Fields = ["rules", "ruleIds", "version", "from", "to", "policy"];

    public static IEndpointRouteBuilder MapBacktestsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/backtests").WithTags("Backtests").CallsGrains();
        api.MapPost("/", StartAsync).RequireRole(Policies.Admin)
            .Produces<BacktestAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/{id}", GetAsync).RequireRole(Policies.Read)
            .Produces<JsonObject>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The answer to starting a backtest: its id (its URL is in <c>Location</c>).</summary>
    public sealed record BacktestAccepted(string Id);

    internal static async Task<IResult> StartAsync(
        HttpRequest request, IRuleStore store, INotificationPolicyStore policies, InstrumentCatalog catalog, GrainCalls grains, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, "A backtest", cancellationToken);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request",
                    $"The body must be an object such as {{\"ruleIds\":[\"silver-etf-divergence\"],\"from\":\"2026-01-01T00:00:00Z\"}}, not {JsonItems.Describe(root)}.");
            }

            var problems = new List<(string Field, string Message)>();
            foreach (var property in root.EnumerateObject().Where(p => !Fields.Contains(p.Name, StringComparer.Ordinal)))
            {
                problems.Add((property.Name, $"unknown field; the fields are {string.Join(", ", Fields)}"));
            }

            var rules = await ReadRulesAsync(root, store, catalog, problems, cancellationToken);
            var now = clock.GetUtcNow();
            if (!JsonItems.TryGetTime(root, "from", required: false, now, maxAhead: null, out var from, out string error))
            {
                problems.Add(("from", error));
            }

            if (!JsonItems.TryGetTime(root, "to", required: false, now, maxAhead: null, out var to, out error))
            {
                problems.Add(("to", error));
            }

            if (from >= to)
            {
                problems.Add(("to", $"must be after 'from' ({from:O})"));
            }

            string? policy = await ReadPolicyAsync(root, policies, problems, cancellationToken);
            if (problems.Count > 0)
            {
                return JsonBody.Invalid("Invalid backtest", "The backtest cannot run: ", problems);
            }

            string id = Guid.NewGuid().ToString("N");
            var start = BacktestRequest.For(rules, from, to, policy);
            await grains.CallAsync("backtest", async g =>
            {
                await g.GetGrain<IBacktestGrain>(id).StartAsync(start);
                return true;
            }, cancellationToken);
            return new RawJsonResult(JsonSerializer.Serialize(new { id }), StatusCodes.Status202Accepted, $"/api/v1/backtests/{id}");
        }
    }

    internal static async Task<IResult> GetAsync(string id, GrainCalls grains, CancellationToken cancellationToken)
    {
        string? json = Guid.TryParseExact(id, "N", out _)
            ? await grains.CallAsync("backtest", g => g.GetGrain<IBacktestGrain>(id).GetAsync(), cancellationToken)
            : null;
        return json is null
            ? ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found", $"There is no backtest '{UntrustedText.Printable(id)}'; POST /api/v1/backtests starts one.")
            : new RawJsonResult(json, StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// The notification policy the backtest replays: <c>policy</c> inline (errors by path under <c>policy.</c>), else the
    /// policy in force, else none.
    /// </summary>
    private static async Task<string?> ReadPolicyAsync(
        JsonElement root, INotificationPolicyStore policies, List<(string Field, string Message)> problems, CancellationToken cancellationToken)
    {
        if (!root.TryGetProperty("policy", out var inline))
        {
            return (await policies.GetAsync(cancellationToken))?.Document;
        }

        var read = NotificationPolicyReader.Read(inline);
        problems.AddRange(read.Problems.Where(p => p.Severity == PolicyProblemSeverity.Error).Select(p => ($"policy.{p.Path}", p.Message)));
        return inline.GetRawText();
    }

    /// <summary>The rules inline (<c>rules</c>, validated by the rules domain) or stored (<c>ruleIds</c>); problems by field.</summary>
    private static async Task<IReadOnlyList<RuleDefinition>> ReadRulesAsync(
        JsonElement root, IRuleStore store, InstrumentCatalog catalog, List<(string Field, string Message)> problems, CancellationToken cancellationToken)
    {
        bool inline = root.TryGetProperty("rules", out var rules);
        bool stored = root.TryGetProperty("ruleIds", out var ids);
        if (inline == stored)
        {
            problems.Add(("rules", "give either 'rules' (rule objects) or 'ruleIds' (ids of stored rules)"));
            return [];
        }

        var list = inline ? rules : ids;
        string field = inline ? "rules" : "ruleIds";
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxRules)
        {
            problems.Add((field, $"must be an array of 1 to {MaxRules} {(inline ? "rule objects" : "rule ids")}"));
            return [];
        }

        if (inline)
        {
            var parsed = RuleJson.ParseList(list);
            problems.AddRange(parsed.Problems.Select(p => ("rules" + p.Field, p.Message)));
            for (int i = 0; parsed.IsValid && i < parsed.Rules.Count; i++)
            {
                // As a stored rule must: known instruments, and the bars the rule reads kept by them (with every
                // rule valid, Rules[i] is the array's item i).
                problems.AddRange(RulesApi.CheckAgainst(catalog, parsed.Rules[i]).Select(p => ($"rules[{i}].{p.Field}", p.Message)));
            }

            return parsed.Rules;
        }

        if (root.TryGetProperty("version", out var versionField))
        {
            return await ReadVersionAsync(list, versionField, store, problems, cancellationToken);
        }

        var definitions = new List<RuleDefinition>();
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            string itemField = $"ruleIds[{index++}]";
            if (item.ValueKind != JsonValueKind.String)
            {
                problems.Add((itemField, $"must be a rule id, not {JsonItems.Describe(item)}"));
            }
            else if (await store.GetAsync(item.GetString()!, cancellationToken) is not { } rule)
            {
                problems.Add((itemField, $"there is no rule '{UntrustedText.Printable(item.GetString()!)}' (GET /api/v1/rules lists them)"));
            }
            else if (definitions.Any(d => d.Id == rule.Id))
            {
                problems.Add((itemField, $"'{rule.Id}' is listed twice"));
            }
            else
            {
                definitions.Add(rule.Parse().Rule!);
            }
        }

        return definitions;
    }

    /// <summary><c>{"ruleIds":["id"],"version":n}</c>: version n of one rule, from its history (also of a rule since changed or deleted).</summary>
    private static async Task<IReadOnlyList<RuleDefinition>> ReadVersionAsync(
        JsonElement ids, JsonElement versionField, IRuleStore store, List<(string Field, string Message)> problems, CancellationToken cancellationToken)
    {
        if (ids.GetArrayLength() != 1 || ids[0].ValueKind != JsonValueKind.String)
        {
            problems.Add(("version", "applies to one rule: give exactly one id in 'ruleIds'"));
            return [];
        }

        if (versionField.ValueKind != JsonValueKind.Number || !versionField.TryGetInt32(out int version) || version < 1)
        {
            problems.Add(("version", $"must be a version number (1, 2, ...), not {JsonItems.Describe(versionField)}"));
            return [];
        }

        string id = ids[0].GetString()!;
        var stored = await store.GetVersionAsync(id, version, cancellationToken);
        if (stored?.Json is null)
        {
            problems.Add(("version", stored is null
                ? $"rule '{UntrustedText.Printable(id)}' has no version {version} (GET /api/v1/rules/{{id}}/versions lists them)"
                : $"version {version} of rule '{UntrustedText.Printable(id)}' is its deletion; run the version before it"));
            return [];
        }

        // A definition stored by an older build may not parse any more: say so rather than fail.
        var parsed = RuleJson.Parse(stored.Json);
        problems.AddRange(parsed.Problems.Select(p => ("version", $"version {version} no longer parses: {p}")));
        return parsed.Rule is { } rule ? [rule with { Version = version }] : [];
    }
}
