using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary>
/// <c>PUT /api/v1/instruments/{id}</c> (admin): adds an instrument or changes one; <c>PUT /api/v1/instruments</c>:
/// many at once, all or none (docs/api.md, Instruments).
/// </summary>
public static class InstrumentAdminApi
{
    /// <summary>The most instruments one batch may hold.</summary>
    public const int MaxBatch = 10_000;

    private const int MaxIntervals = 8;
    private const int MaxBatchBytes = 4 * 1024 * 1024;

    // Grains reloaded at once after a batch changed their intervals: enough to overlap the calls, not to flood a silo.
    private const int ReloadConcurrency = 32;

    public static IEndpointRouteBuilder MapInstrumentAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/v1/instruments/{id}", PutAsync).RequireRole(Policies.Admin).CallsGrains().WithTags("Instruments")
            .Produces<InstrumentRecord>()
            .Produces<InstrumentRecord>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapPut("/api/v1/instruments", PutBatchAsync).RequireRole(Policies.Admin).CallsGrains().WithTags("Instruments")
            .Produces<InstrumentBatchResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    /// <summary>What a batch did: how many instruments it added and changed, and each as it now is, in the order sent.</summary>
    public sealed record InstrumentBatchResult(int Created, int Changed, InstrumentRecord[] Instruments);

    public sealed record InstrumentBody(string? Name, string? Kind, string? Currency, string? Unit, string[]? Intervals, bool? PreciousMetal);

    internal static async Task<IResult> PutAsync(
        string id, HttpRequest request, InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken)
    {
        if (!InstrumentId.TryParse(Uri.UnescapeDataString(id), out var instrument, out string idError))
        {
            return Problem(idError);
        }

        InstrumentBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<InstrumentBody>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Problem($"The body must be a JSON object such as {{\"name\":\"LME zinc\",\"kind\":\"future\",\"currency\":\"USD\",\"unit\":\"USD/t\",\"intervals\":[\"1m\",\"1h\",\"1d\"]}}: {e.Message}");
        }

        var errors = new List<string>();
        var definition = Validate(instrument, body, catalog, errors);
        if (definition is null)
        {
            return Problem(string.Join("; ", errors));
        }

        bool existed = catalog.TryGet(instrument, out var previous);
        await grains.CallAsync(async g =>
        {
            await g.GetGrain<IInstrumentRegistryGrain>(0).PutAsync(InstrumentRecord.From(definition));
            return true;
        }, cancellationToken);
        catalog.Put(definition);
        if (existed && !previous.Intervals.SequenceEqual(definition.Intervals))
        {
            await grains.CallAsync(async g =>
            {
                await g.GetGrain<IInstrumentGrain>(instrument.Value).ReloadAsync();
                return true;
            }, cancellationToken);
        }

        var view = InstrumentRecord.From(definition);
        return existed ? TypedResults.Ok(view) : TypedResults.Created($"/api/v1/instruments/{instrument}", view);
    }

    /// <summary>
    /// A JSON array of instrument objects, each with its <c>id</c> and the fields of the single PUT. Every item is
    /// checked first; if any is not valid, the answer lists each problem by item and nothing changes. Otherwise the
    /// registry is written once, so a thousand instruments cost one write, not a thousand.
    /// </summary>
    internal static async Task<IResult> PutBatchAsync(
        HttpRequest request, InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, MaxBatchBytes, "A batch of instruments", cancellationToken);
        if (document is null)
        {
            return problem!;
        }

        var definitions = new List<InstrumentDefinition>();
        var problems = new List<(string Field, string Message)>();
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() is 0 or > MaxBatch)
            {
                return ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request",
                    $"The body must be a JSON array of 1 to {MaxBatch} instrument objects, each with its \"id\", such as [{{\"id\":\"LME:ZS\",\"name\":\"LME zinc\",\"unit\":\"USD/t\"}}].");
            }

            var seen = new HashSet<InstrumentId>();
            int index = 0;
            foreach (var item in root.EnumerateArray())
            {
                string at = $"[{index++}]";
                if (ReadBatchItem(item, at, problems) is not { } read)
                {
                    continue;
                }

                var (id, body) = read;
                if (!seen.Add(id))
                {
                    problems.Add(($"{at}.id", $"'{id}' appears more than once in the batch"));
                    continue;
                }

                var errors = new List<string>();
                if (Validate(id, body, catalog, errors) is { } definition)
                {
                    definitions.Add(definition);
                }

                problems.AddRange(errors.Select(error => (at, error)));
            }
        }

        if (problems.Count > 0)
        {
            return JsonBody.Invalid("Invalid instruments", "No instrument was changed: ", problems);
        }

        var changedIntervals = definitions
            .Where(d => catalog.TryGet(d.Id, out var previous) && !previous.Intervals.SequenceEqual(d.Intervals))
            .Select(d => d.Id)
            .ToList();
        int created = definitions.Count(d => !catalog.TryGet(d.Id, out _));
        var records = definitions.Select(InstrumentRecord.From).ToArray();
        await grains.CallAsync(async g =>
        {
            await g.GetGrain<IInstrumentRegistryGrain>(0).PutManyAsync(records);
            return true;
        }, cancellationToken);
        definitions.ForEach(catalog.Put);
        await Parallel.ForEachAsync(
            changedIntervals,
            new ParallelOptions { MaxDegreeOfParallelism = ReloadConcurrency, CancellationToken = cancellationToken },
            async (id, token) => await grains.CallAsync(async g =>
            {
                await g.GetGrain<IInstrumentGrain>(id.Value).ReloadAsync();
                return true;
            }, token));

        return TypedResults.Ok(new InstrumentBatchResult(created, definitions.Count - created, records));
    }

    private static (InstrumentId Id, InstrumentBody? Body)? ReadBatchItem(JsonElement item, string at, List<(string Field, string Message)> problems)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String)
        {
            problems.Add((at, "each item must be an instrument object with a string \"id\""));
            return null;
        }

        if (!InstrumentId.TryParse(idElement.GetString()!, out var id, out string idError))
        {
            problems.Add(($"{at}.id", idError));
            return null;
        }

        try
        {
            return (id, item.Deserialize<InstrumentBody>(BodyJson));
        }
        catch (JsonException e)
        {
            problems.Add((at, e.Message));
            return null;
        }
    }

    /// <summary>Checks an instrument's fields (also a derived series', whose own checks <see cref="DerivedSeriesApi"/> adds).</summary>
    internal static InstrumentDefinition? Validate(InstrumentId id, InstrumentBody? body, InstrumentCatalog catalog, List<string> errors, bool derived = false)
    {
        if (body is null)
        {
            errors.Add("the body is empty");
            return null;
        }

        if (!derived && Core.Derived.DerivedSeries.IsDerived(id))
        {
            errors.Add($"the venue {Core.Derived.DerivedSeries.Venue} is for derived series: define '{id}' with POST /api/v1/series");
            return null;
        }

        catalog.TryGet(id, out var existing);
        string? name = body.Name ?? existing?.Name;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            errors.Add("'name' is required, at most 100 characters");
        }

        InstrumentKind kind = existing?.Kind ?? InstrumentKind.Future;
        if (body.Kind is not null && (!Enum.TryParse(body.Kind, ignoreCase: true, out kind) || kind == InstrumentKind.Derived))
        {
            errors.Add($"'kind' '{UntrustedText.Printable(body.Kind)}' is not one of future, spot, etf, index");
        }

        string? currency = body.Currency ?? existing?.Currency ?? "USD";
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            errors.Add($"'currency' '{UntrustedText.Printable(currency)}' is not an ISO 4217 code such as USD");
        }

        string? unit = body.Unit ?? existing?.Unit;
        if (string.IsNullOrWhiteSpace(unit) || unit.Length > 20)
        {
            errors.Add("'unit' is required (such as USD/t), at most 20 characters");
        }

        var intervals = new List<BarInterval>();
        foreach (string text in body.Intervals ?? existing?.Intervals.Select(i => i.Name).ToArray() ?? ["1m", "1h", "1d"])
        {
            if (BarInterval.TryParse(text, out var interval, out string error))
            {
                intervals.Add(interval);
            }
            else
            {
                errors.Add($"'intervals': {error}");
            }
        }

        if (intervals.Count is 0 or > MaxIntervals || intervals.Distinct().Count() != intervals.Count)
        {
            errors.Add($"'intervals' needs 1 to {MaxIntervals} different intervals");
        }

        return errors.Count > 0
            ? null
            : new InstrumentDefinition(id, name!, kind, currency, unit!, [.. intervals.OrderBy(i => i.Length)], body.PreciousMetal ?? existing?.PreciousMetal ?? false);
    }

    // As the single PUT reads its body (ReadFromJsonAsync's web defaults): camelCase, any case of the field names.
    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.Web);

    private static IResult Problem(string detail) => ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", detail);
}
