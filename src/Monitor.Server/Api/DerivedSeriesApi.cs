using System.Text.Json;
using Monitor.Core.Derived;
using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Grains.Derived;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary>
/// <c>/api/v1/series</c> (docs/api.md, Derived series): named series computed from an expression over other
/// instruments. A derived series is kept in the instrument registry as an instrument of kind <c>derived</c> with its
/// expression, so bars, indicators, quotes, the board, rules and backtests take it as any instrument.
/// </summary>
public static class DerivedSeriesApi
{
    private const int MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapDerivedSeriesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/series").WithTags("Derived series");
        api.MapGet("/", ListAsync).RequireRole(Policies.Read).CallsGrains().Produces<DerivedSeriesView[]>();
        api.MapGet("/{id}", GetAsync).RequireRole(Policies.Read).CallsGrains()
            .Produces<DerivedSeriesView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/", CreateAsync).RequireRole(Policies.Admin).CallsGrains()
            .Produces<DerivedSeriesView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapPut("/{id}", PutAsync).RequireRole(Policies.Admin).CallsGrains()
            .Produces<DerivedSeriesView>()
            .Produces<DerivedSeriesView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapDelete("/{id}", DeleteAsync).RequireRole(Policies.Admin).CallsGrains()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>A derived series as the API shows it; <see cref="NotReady"/> says why it is not ticking, if it is not (GET by id only).</summary>
    public sealed record DerivedSeriesView(string Id, string Name, string Expression, string Unit, string[] Intervals, string? NotReady = null)
    {
        public static DerivedSeriesView From(InstrumentDefinition series, string? notReady = null) =>
            new(series.Id.Value, series.Name, series.Expression!, series.Unit, [.. series.Intervals.Select(i => i.Name)], notReady);
    }

    public sealed record DerivedSeriesBody(string? Id, string? Name, string? Expression, string? Unit, string[]? Intervals);

    internal static async Task<IResult> ListAsync(InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken)
    {
        await RefreshAsync(catalog, grains, cancellationToken);
        return TypedResults.Ok(catalog.All.Where(d => d.Expression is not null).Select(d => DerivedSeriesView.From(d)).ToArray());
    }

    internal static async Task<IResult> GetAsync(string id, InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken)
    {
        await RefreshAsync(catalog, grains, cancellationToken);
        if (Find(id, catalog) is not { } series)
        {
            return Unknown(id);
        }

        string? notReady = await grains.CallAsync(g => g.GetGrain<IDerivedSeriesGrain>(series.Id.Value).GetNotReadyAsync(), cancellationToken);
        return TypedResults.Ok(DerivedSeriesView.From(series, notReady));
    }

    internal static async Task<IResult> CreateAsync(HttpRequest request, InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        if (!InstrumentId.TryParse(body.Id, out var id, out string idError))
        {
            return JsonBody.Invalid("Invalid derived series", "Nothing was created: ", [("id", idError)]);
        }

        await RefreshAsync(catalog, grains, cancellationToken);
        if (catalog.TryGet(id, out _))
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status409Conflict, "Conflict",
                $"'{id}' exists already; PUT /api/v1/series/{id} changes it.");
        }

        return await SaveAsync(id, body, catalog, grains, cancellationToken);
    }

    internal static async Task<IResult> PutAsync(string id, HttpRequest request, InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken)
    {
        if (!InstrumentId.TryParse(Uri.UnescapeDataString(id), out var instrument, out string idError))
        {
            return JsonBody.Invalid("Invalid derived series", "Nothing was changed: ", [("id", idError)]);
        }

        var (body, problem) = await ReadAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        if (body.Id is not null && body.Id != instrument.Value)
        {
            return JsonBody.Invalid("Invalid derived series", "Nothing was changed: ", [("id", $"the body's id '{UntrustedText.Printable(body.Id)}' is not the id in the path, '{instrument}'")]);
        }

        await RefreshAsync(catalog, grains, cancellationToken);
        return await SaveAsync(instrument, body, catalog, grains, cancellationToken);
    }

    /// <summary>Removes a series no other derived series reads; rules that read it then wait for an input that no longer ticks (their status says so).</summary>
    internal static async Task<IResult> DeleteAsync(string id, InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken)
    {
        await RefreshAsync(catalog, grains, cancellationToken);
        if (Find(id, catalog) is not { } series)
        {
            return Unknown(id);
        }

        var readers = catalog.All.Where(d => d.Expression is not null && DerivedSeries.InputsOf(d.Expression).Contains(series.Id)).Select(d => d.Id.Value).ToList();
        if (readers.Count > 0)
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status409Conflict, "Conflict",
                $"{string.Join(", ", readers)} read{(readers.Count == 1 ? "s" : "")} {series.Id}; change or delete {(readers.Count == 1 ? "it" : "them")} first.");
        }

        await grains.CallAsync(g => g.GetGrain<IInstrumentRegistryGrain>(0).RemoveAsync(series.Id.Value), cancellationToken);
        catalog.Remove(series.Id);
        await ReloadAsync(series.Id, DerivedSeries.InputsOf(series.Expression!), grains, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SaveAsync(InstrumentId id, DerivedSeriesBody body, InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken)
    {
        catalog.TryGet(id, out var existing);
        if (existing is not null && existing.Expression is null)
        {
            return JsonBody.Invalid("Invalid derived series", "Nothing was changed: ", [("id", $"'{id}' is an instrument, not a derived series")]);
        }

        var errors = new List<string>();
        var fields = InstrumentAdminApi.Validate(
            id, new InstrumentAdminApi.InstrumentBody(body.Name, null, null, body.Unit, body.Intervals, null), catalog, errors, derived: true);
        string? expression = body.Expression ?? existing?.Expression;
        var problems = errors.Select(e => (Field: "", Message: e)).ToList();
        problems.AddRange(DerivedSeries.Check(id, expression, other => catalog.TryGet(other, out var d) ? d : null).Select(e => ("expression", e)));
        if (problems.Count > 0 || fields is null)
        {
            return JsonBody.Invalid("Invalid derived series", existing is null ? "Nothing was created: " : "Nothing was changed: ", problems);
        }

        var series = fields with { Kind = InstrumentKind.Derived, Expression = expression };
        await grains.CallAsync(async g =>
        {
            await g.GetGrain<IInstrumentRegistryGrain>(0).PutAsync(InstrumentRecord.From(series));
            return true;
        }, cancellationToken);
        catalog.Put(series);

        // The inputs' grains learn whom to feed when they start again; the series' grain starts at what is stored now.
        var inputs = DerivedSeries.InputsOf(expression!).Concat(existing?.Expression is { } old ? DerivedSeries.InputsOf(old) : []).Distinct();
        await ReloadAsync(id, inputs, grains, cancellationToken);
        if (existing is not null && !existing.Intervals.SequenceEqual(series.Intervals))
        {
            await grains.CallAsync(async g =>
            {
                await g.GetGrain<IInstrumentGrain>(id.Value).ReloadAsync();
                return true;
            }, cancellationToken);
        }

        await grains.CallAsync(g => g.GetGrain<IDerivedSeriesGrain>(id.Value).GetNotReadyAsync(), cancellationToken);
        var view = DerivedSeriesView.From(series);
        return existing is null ? TypedResults.Created($"/api/v1/series/{id}", view) : TypedResults.Ok(view);
    }

    private static async Task ReloadAsync(InstrumentId series, IEnumerable<InstrumentId> inputs, GrainCalls grains, CancellationToken cancellationToken)
    {
        await grains.CallAsync(async g =>
        {
            await g.GetGrain<IDerivedSeriesGrain>(series.Value).ReloadAsync();
            await Task.WhenAll(inputs.Select(i => g.GetGrain<IInstrumentGrain>(i.Value).ReloadAsync()));
            return true;
        }, cancellationToken);
    }

    /// <summary>Takes the registry's derived series into this silo's catalog (another silo may have changed them).</summary>
    private static Task RefreshAsync(InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken) =>
        grains.CallAsync(async g =>
        {
            await InstrumentRegistry.RefreshAsync(g, catalog);
            return true;
        }, cancellationToken);

    private static InstrumentDefinition? Find(string id, InstrumentCatalog catalog) =>
        InstrumentId.TryParse(Uri.UnescapeDataString(id), out var instrument, out _) && catalog.TryGet(instrument, out var series) && series.Expression is not null
            ? series
            : null;

    private static async Task<(DerivedSeriesBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes, "A derived series", cancellationToken);
        if (document is null)
        {
            return (null, problem);
        }

        using (document)
        {
            try
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.Deserialize<DerivedSeriesBody>(BodyJson) is { } body)
                {
                    return (body, null);
                }
            }
            catch (JsonException e)
            {
                return (null, JsonBody.Invalid("Invalid derived series", "Nothing was saved: ", [("", e.Message)]));
            }
        }

        return (null, ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request",
            "The body must be a JSON object such as {\"id\":\"X:GSR\",\"name\":\"Gold/silver ratio\",\"expression\":\"COMEX:GC / COMEX:SI\",\"unit\":\"ratio\",\"intervals\":[\"1m\",\"1h\",\"1d\"]}."));
    }

    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.Web);

    private static IResult Unknown(string id) => ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found",
        $"There is no derived series '{UntrustedText.Printable(id)}'; GET /api/v1/series lists them.");
}
