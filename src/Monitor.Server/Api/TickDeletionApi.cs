using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Grains;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary>
/// <c>DELETE /api/v1/instruments/{id}/ticks?from=&amp;to=</c> (admin): removes a bad feed's ticks, such as one dated far
/// ahead that makes every later tick late; the instrument's grain rebuilds from what remains. Each deletion is recorded
/// (<c>GET /api/v1/instruments/{id}/ticks/deletions</c>) with the API key's name (docs/api.md, Instruments).
/// </summary>
public static class TickDeletionApi
{
    public static IEndpointRouteBuilder MapTickDeletionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/instruments/{id}/ticks").RequireRole(Policies.Admin).WithTags("Instruments");
        api.MapDelete("/", DeleteAsync).CallsGrains()
            .Produces<TickDeletionView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/deletions", ListAsync)
            .Produces<TickDeletionView[]>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>A recorded deletion: the range <c>[from, to)</c>, the API key that asked (<c>by</c>), when, and the ticks removed.</summary>
    public sealed record TickDeletionView(string Instrument, DateTimeOffset From, DateTimeOffset To, string By, DateTimeOffset At, long Deleted)
    {
        public static TickDeletionView Of(TickDeletion deletion) =>
            new(deletion.Instrument.Value, deletion.From, deletion.To, deletion.By, deletion.At, deletion.Count);
    }

    internal static async Task<IResult> DeleteAsync(
        string id, string? from, string? to, InstrumentCatalog catalog, GrainCalls grains, HttpContext context, CancellationToken cancellationToken)
    {
        if (InstrumentsApi.Find(id, catalog) is not { } definition)
        {
            return InstrumentsApi.UnknownInstrument(id);
        }

        if (string.IsNullOrEmpty(from) || string.IsNullOrEmpty(to))
        {
            return BadRequest("'from' and 'to' are both required (ISO-8601 or Unix milliseconds): the ticks with from <= ts < to are deleted.");
        }

        if (!InstrumentsApi.TryTime(from, "from", default, out var start, out var problem) || !InstrumentsApi.TryTime(to, "to", default, out var end, out problem))
        {
            return problem!;
        }

        if (start >= end)
        {
            return BadRequest($"'from' ({start:O}) must be before 'to' ({end:O}).");
        }

        string by = context.User.Identity?.Name ?? "anonymous";
        var deletion = await grains.CallAsync(
            g => g.GetGrain<IInstrumentGrain>(definition.Id.Value).DeleteTicksAsync(start, end, by), cancellationToken);
        // The grain deactivated to rebuild: wake it now, so the reads that follow see the rebuilt state.
        await grains.CallAsync(g => g.GetGrain<IInstrumentGrain>(definition.Id.Value).GetSnapshotAsync(), cancellationToken);
        return TypedResults.Ok(TickDeletionView.Of(deletion));
    }

    internal static async Task<IResult> ListAsync(string id, InstrumentCatalog catalog, ITickStore ticks, CancellationToken cancellationToken)
    {
        if (InstrumentsApi.Find(id, catalog) is not { } definition)
        {
            return InstrumentsApi.UnknownInstrument(id);
        }

        var deletions = await ticks.ReadDeletionsAsync(definition.Id, cancellationToken);
        return TypedResults.Ok(deletions.Select(TickDeletionView.Of).ToArray());
    }

    private static IResult BadRequest(string detail) => ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", detail);
}
