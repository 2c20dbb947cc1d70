using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Server.Hosting;
using Monitor.Server.Live;

namespace Monitor.Server.Api;

/// <summary><c>PUT /api/v1/rules</c> (admin): adds or changes many rules in one request (docs/api.md, Rules).</summary>
public static class RuleBatchApi
{
    /// <summary>The most rules one batch may hold.</summary>
    public const int MaxBatch = 5_000;

    private const int MaxBodyBytes = 16 * 1024 * 1024;

    // Grains told of changed rules at once: enough to overlap the calls, not to flood a silo.
    private const int NotifyConcurrency = 32;

    public static IEndpointRouteBuilder MapRuleBatchApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/v1/rules", PutBatchAsync).RequireRole(Policies.Admin).CallsGrains().WithTags("Rules")
            .Produces<RuleBatchResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    /// <summary>How many rules of the batch were added, changed, and already as sent.</summary>
    public sealed record RuleBatchResult(int Created, int Changed, int Unchanged);

    /// <summary>
    /// A JSON array of rule objects, each as <c>PUT /api/v1/rules/{id}</c> takes it, with its <c>id</c>. The whole batch
    /// is checked first: any problem, and the answer lists each by item with nothing stored. Then each rule is stored
    /// as the single PUT stores it, and the grains that run them are told, many at a time. A batch cut short by a
    /// failure can be sent again: a rule already as sent is left unchanged.
    /// </summary>
    internal static async Task<IResult> PutBatchAsync(
        HttpRequest request, IRuleStore rules, InstrumentCatalog catalog, GrainCalls grains, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, "A batch of rules", cancellationToken);
        if (document is null)
        {
            return problem!;
        }

        RuleListParseResult parsed;
        var problems = new List<(string Field, string Message)>();
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() is 0 or > MaxBatch)
            {
                return ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request",
                    $"The body must be a JSON array of 1 to {MaxBatch} rule objects, each with its \"id\".");
            }

            parsed = RuleJson.ParseList(root);
            problems.AddRange(parsed.Problems.Select(p => (p.Field, p.Message)));
            var position = ItemPositions(root);
            foreach (var rule in parsed.Rules)
            {
                problems.AddRange(RulesApi.CheckAgainst(catalog, rule).Select(p => ($"[{position[rule.Id]}].{p.Field}", p.Message)));
            }
        }

        if (problems.Count > 0)
        {
            return JsonBody.Invalid("Invalid rules", "No rule was changed: ", problems);
        }

        var now = clock.GetUtcNow();
        var changes = new List<(RuleDefinition? Before, RuleDefinition After)>();
        int created = 0;
        foreach (var rule in parsed.Rules)
        {
            var before = await rules.GetAsync(rule.Id, cancellationToken);
            var put = await rules.PutAsync(rule, now, RulesApi.ChangedBy(request), cancellationToken);
            if (put.Change != RuleChange.Unchanged)
            {
                created += put.Change == RuleChange.Added ? 1 : 0;
                changes.Add((before is null ? null : RuleJson.Parse(before.Json).Rule, rule));
            }
        }

        await Parallel.ForEachAsync(
            changes,
            new ParallelOptions { MaxDegreeOfParallelism = NotifyConcurrency, CancellationToken = cancellationToken },
            async (change, token) => await RuleChanges.NotifyAsync(grains, catalog, change.Before, change.After, token));
        return TypedResults.Ok(new RuleBatchResult(created, changes.Count - created, parsed.Rules.Count - changes.Count));
    }

    /// <summary>Each id's position in the array (its first, as ids repeated are refused by the parse).</summary>
    private static Dictionary<string, int> ItemPositions(JsonElement root)
    {
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        int index = 0;
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                positions.TryAdd(id.GetString()!, index);
            }

            index++;
        }

        return positions;
    }
}
