using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary><c>POST /api/v1/ticks</c> and <c>POST /api/v1/inventory</c> (docs/api.md, Ingest).</summary>
public static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireRole(Policies.Ingest).CallsGrains().WithTags("Ingest");
        // No Accepts metadata: routing would answer other media types with a bare 415 before our explanation.
        api.MapPost("/ticks", IngestTicksAsync)
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapPost("/inventory", InventoryIngestApi.IngestAsync)
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    /// <summary>Validates item by item, stores and applies the valid ticks with one grain call per instrument.</summary>
    internal static Task<IResult> IngestTicksAsync(
        HttpRequest request, InstrumentCatalog catalog, GrainCalls grains, TimeProvider clock, IOptions<IngestOptions> options,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var skew = options.Value.ParsedMaxFutureSkew;
        return BatchBody.IngestAsync(
            request,
            "ticks",
            (JsonElement item, out Tick tick) => TryReadTick(item, catalog, now, skew, out tick),
            t => t.Instrument,
            async (byInstrument, rejected) =>
            {
                var counts = await Task.WhenAll(byInstrument.Select(pair => grains.CallAsync(
                    "ingest", g => g.GetGrain<IInstrumentGrain>(pair.Key.Value).IngestAsync(new TickBatch([.. pair.Value])), cancellationToken)));
                var total = counts.Aggregate(IngestCounts.None, (sum, c) => sum.Add(c));
                return TypedResults.Ok(new IngestResponse(total.Accepted, total.Duplicates, total.Late, rejected));
            },
            cancellationToken);
    }

    /// <summary>Null when the item is a valid tick, else what is wrong with it.</summary>
    private static string? TryReadTick(JsonElement item, InstrumentCatalog catalog, DateTimeOffset now, TimeSpan maxAhead, out Tick tick)
    {
        tick = default;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"an item must be an object such as {{\"instrument\":\"COMEX:SI\",\"ts\":\"2026-01-14T15:30:00Z\",\"price\":82.57}}, not {JsonItems.Describe(item)}";
        }

        if (!JsonItems.TryGetInstrument(item, catalog, out var definition, out string error)
            || !JsonItems.TryGetTime(item, "ts", required: true, now, maxAhead, out var time, out error)
            || !JsonItems.TryGetNumber(item, "price", required: true, out var price, out error)
            || !JsonItems.TryGetNumber(item, "volume", required: false, out var volume, out error)
            || !JsonItems.TryGetNumber(item, "seq", required: false, out var seq, out error))
        {
            return error;
        }

        if (TickValidation.CheckValues(price!.Value, volume ?? 0) is { } problem)
        {
            return problem;
        }

        if (seq is { } s && (s < 0 || s != Math.Floor(s) || s > long.MaxValue / 2))
        {
            return $"'seq' must be a whole number from 0, got {s}";
        }

        tick = new Tick(definition.Id, time!.Value, price!.Value, volume ?? 0, (long)(seq ?? 0));
        return null;
    }
}
