using Monitor.Grains;
using Monitor.Server.Hosting;
using Monitor.Server.Ingest;

namespace Monitor.Server.Api;

/// <summary><c>POST /api/v1/ticks</c>, the tick stream <c>GET /api/v1/ticks/stream</c> and <c>POST /api/v1/inventory</c> (docs/api.md, Ingest).</summary>
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
        api.MapGet(TickStream.Path, TickStream.AcceptAsync)
            .Produces(StatusCodes.Status101SwitchingProtocols)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPost("/inventory", InventoryIngestApi.IngestAsync)
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    /// <summary>Validates item by item, stores and applies the valid ticks with one grain call per instrument.</summary>
    internal static Task<IResult> IngestTicksAsync(HttpRequest request, TickIngest ingest, CancellationToken cancellationToken) =>
        BatchBody.IngestAsync(
            request,
            "ticks",
            ingest.Reader(),
            t => t.Instrument,
            async (byInstrument, rejected) =>
            {
                var counts = await Task.WhenAll(byInstrument.Select(pair => ingest.StoreAsync(pair.Key, pair.Value, cancellationToken)));
                var total = counts.Aggregate(IngestCounts.None, (sum, c) => sum.Add(c));
                return TypedResults.Ok(new IngestResponse(total.Accepted, total.Duplicates, total.Late, rejected));
            },
            cancellationToken);
}
