using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary><c>PUT /api/v1/instruments/{id}</c> (admin): adds an instrument or changes one (docs/api.md, Instruments).</summary>
public static class InstrumentAdminApi
{
    private const int MaxIntervals = 8;

    public static IEndpointRouteBuilder MapInstrumentAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/v1/instruments/{id}", PutAsync).RequireRole(Policies.Admin).CallsGrains().WithTags("Instruments")
            .Produces<InstrumentRecord>()
            .Produces<InstrumentRecord>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

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

    private static InstrumentDefinition? Validate(InstrumentId id, InstrumentBody? body, InstrumentCatalog catalog, List<string> errors)
    {
        if (body is null)
        {
            errors.Add("the body is empty");
            return null;
        }

        catalog.TryGet(id, out var existing);
        string? name = body.Name ?? existing?.Name;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            errors.Add("'name' is required, at most 100 characters");
        }

        InstrumentKind kind = existing?.Kind ?? InstrumentKind.Future;
        if (body.Kind is not null && !Enum.TryParse(body.Kind, ignoreCase: true, out kind))
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

    private static IResult Problem(string detail) => ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", detail);
}
