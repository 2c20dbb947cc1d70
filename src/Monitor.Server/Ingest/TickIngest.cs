using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Server.Api;
using Monitor.Server.Hosting;

namespace Monitor.Server.Ingest;

/// <summary>
/// The one way submitted ticks enter Monitor, whichever connection brings them (<c>POST /api/v1/ticks</c>, the tick
/// stream): each item is read and checked here (<see cref="Reader"/>), and the valid ticks of one instrument go to its
/// grain in one call (<see cref="StoreAsync"/>), which stores them before it answers.
/// </summary>
internal sealed class TickIngest(InstrumentCatalog catalog, GrainCalls grains, TimeProvider clock, IOptions<IngestOptions> options)
{
    /// <summary>Reads items as ticks, checked against the server's clock as it is now.</summary>
    public ItemReader<Tick> Reader()
    {
        var now = clock.GetUtcNow();
        var skew = options.Value.ParsedMaxFutureSkew;
        return (JsonElement item, out Tick tick) => TryReadTick(item, catalog, now, skew, out tick);
    }

    /// <summary>Stores and applies one instrument's ticks, in order; completes when they are durable.</summary>
    public Task<IngestCounts> StoreAsync(InstrumentId instrument, List<Tick> ticks, CancellationToken cancellationToken) =>
        grains.CallAsync("ingest", g => g.GetGrain<IInstrumentGrain>(instrument.Value).IngestAsync(new TickBatch([.. ticks])), cancellationToken);

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
