using System.Globalization;
using System.Text.Json.Serialization;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Grains;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary>Reading instruments, bars, indicators and inventory (docs/api.md, Instruments).</summary>
public static class InstrumentsApi
{
    private const int DefaultBars = 500;
    private const int MaxBars = 10_000;

    public static IEndpointRouteBuilder MapInstrumentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/instruments").RequireRole(Policies.Read).WithTags("Instruments");
        api.MapGet("/", ListAsync).CallsGrains().Produces<InstrumentView[]>();
        api.MapGet("/{id}", GetAsync).CallsGrains().Produces<InstrumentView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/bars", GetBarsAsync).CallsGrains()
            .Produces<BarView[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/indicators", GetIndicatorsAsync).CallsGrains()
            .Produces<IndicatorsView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/inventory/{series}", GetInventoryAsync)
            .Produces<InventoryView[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/inventory/{series}/locations", GetLocationsAsync)
            .Produces<InventoryView[]>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Every instrument with its snapshot; idle instruments' grains are not activated (<see cref="InstrumentSnapshots"/>).</summary>
    internal static async Task<IResult> ListAsync(InstrumentCatalog catalog, InstrumentSnapshots snapshots, CancellationToken cancellationToken)
    {
        var definitions = catalog.All.ToList();
        var read = await snapshots.ReadAsync(definitions, cancellationToken);
        return TypedResults.Ok(definitions.Select((definition, i) => View(definition, read[i])));
    }

    internal static async Task<IResult> GetAsync(string id, InstrumentCatalog catalog, GrainCalls grains, IInventoryStore inventory, CancellationToken cancellationToken)
    {
        if (Find(id, catalog) is not { } definition)
        {
            return UnknownInstrument(id);
        }

        var view = await ViewAsync(definition, grains, cancellationToken);
        var newest = await inventory.ReadNewestAsync(definition.Id, series: null, cancellationToken);
        var totals = newest.Where(v => v.Value.Location is null).ToDictionary(v => v.Value.Series, InventoryView.From, StringComparer.Ordinal);
        var locations = newest.Where(v => v.Value.Location is not null)
            .GroupBy(v => v.Value.Series, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<InventoryView>)[.. g.Select(InventoryView.From)], StringComparer.Ordinal);
        return TypedResults.Ok(view with { Inventory = totals, InventoryLocations = locations });
    }

    /// <summary>Bars oldest first; with <c>indicator=spec</c> (repeatable) each closed bar also carries those indicators' values.</summary>
    internal static async Task<IResult> GetBarsAsync(
        string id, string? interval, string? from, string? to, int? limit, string?[]? indicator,
        InstrumentCatalog catalog, GrainCalls grains, IBarStore bars, CancellationToken cancellationToken)
    {
        if (Find(id, catalog) is not { } definition)
        {
            return UnknownInstrument(id);
        }

        if (!TryInterval(definition, interval, out var barInterval, out var problem)
            || !TryTime(from, "from", DateTimeOffset.MinValue, out var start, out problem)
            || !TryTime(to, "to", DateTimeOffset.MaxValue, out var end, out problem))
        {
            return problem!;
        }

        if (limit is < 1 or > MaxBars)
        {
            return BadRequest($"'limit' must be from 1 to {MaxBars}, got {limit}.");
        }

        if (!BarIndicators.TryCreate(indicator ?? [], out var indicators, out string indicatorError))
        {
            return BadRequest(indicatorError);
        }

        // The grain first: its activation may replay stored ticks and store the bars they close.
        int count = limit ?? DefaultBars;
        var open = await grains.CallAsync(g => g.GetGrain<IInstrumentGrain>(definition.Id.Value).GetOpenBarAsync(barInterval.Name), cancellationToken);
        var closed = await bars.ReadAsync(definition.Id, barInterval, start, end, count, cancellationToken);
        var result = closed.Select(BarView.From).ToList();
        if (indicator is { Length: > 0 })
        {
            var warmUp = await bars.ReadAsync(definition.Id, barInterval, DateTimeOffset.MinValue, closed.Count > 0 ? closed[0].Time : end, indicators.WarmUpBars, cancellationToken);
            var values = indicators.Compute([.. warmUp, .. closed], closed.Count);
            for (int i = 0; i < result.Count; i++)
            {
                result[i] = result[i] with { Indicators = values[i] };
            }
        }

        if (open is { } bar && bar.Time >= start && bar.Time < end && (result.Count == 0 || result[^1].Ts < bar.Time))
        {
            result.Add(BarView.From(bar));
            if (result.Count > count)
            {
                result.RemoveAt(0);
            }
        }

        return TypedResults.Ok(result);
    }

    internal static async Task<IResult> GetIndicatorsAsync(string id, string? interval, InstrumentCatalog catalog, GrainCalls grains, CancellationToken cancellationToken)
    {
        if (Find(id, catalog) is not { } definition)
        {
            return UnknownInstrument(id);
        }

        if (!TryInterval(definition, interval, out var barInterval, out var problem))
        {
            return problem!;
        }

        var snapshot = await grains.CallAsync(g => g.GetGrain<IInstrumentGrain>(definition.Id.Value).GetIndicatorsAsync(barInterval.Name), cancellationToken);
        return TypedResults.Ok(new IndicatorsView(snapshot?.Time, snapshot?.Values ?? new Dictionary<string, double>()));
    }

    /// <summary>One series (its total, or one location's with <c>location=</c>) by asOf; the latest version of each asOf,
    /// or every restatement with <c>versions=all</c>.</summary>
    internal static async Task<IResult> GetInventoryAsync(
        string id, string series, string? from, string? to, string? versions, string? location,
        InstrumentCatalog catalog, IInventoryStore inventory, CancellationToken cancellationToken)
    {
        if (Find(id, catalog) is not { } definition)
        {
            return UnknownInstrument(id);
        }

        if (!InventorySeries.TryNormalize(series, out string canonical))
        {
            return NotFound($"There is no inventory series '{UntrustedText.Printable(series)}'; series are {string.Join(", ", InventorySeries.All)}.");
        }

        if (!TryDate(from, "from", DateOnly.MinValue, out var start, out var problem) || !TryDate(to, "to", DateOnly.MaxValue, out var end, out problem))
        {
            return problem!;
        }

        if (versions is not (null or "latest" or "all"))
        {
            return BadRequest($"'versions' is 'latest' (the default) or 'all', not '{UntrustedText.Printable(versions)}'.");
        }

        if (!InventoryLocation.TryNormalize(location, out string? place, out string locationError))
        {
            return BadRequest(locationError + ".");
        }

        var values = await inventory.ReadAsync(definition.Id, canonical, place, start, end, allVersions: versions == "all", cancellationToken);
        return TypedResults.Ok(values.Select(InventoryView.From));
    }

    /// <summary>The locations of one series, each with its newest value (the latest version of its latest asOf), by name.</summary>
    internal static async Task<IResult> GetLocationsAsync(
        string id, string series, InstrumentCatalog catalog, IInventoryStore inventory, CancellationToken cancellationToken)
    {
        if (Find(id, catalog) is not { } definition)
        {
            return UnknownInstrument(id);
        }

        if (!InventorySeries.TryNormalize(series, out string canonical))
        {
            return NotFound($"There is no inventory series '{UntrustedText.Printable(series)}'; series are {string.Join(", ", InventorySeries.All)}.");
        }

        var newest = await inventory.ReadNewestAsync(definition.Id, canonical, cancellationToken);
        return TypedResults.Ok(newest.Where(v => v.Value.Location is not null).Select(InventoryView.From));
    }

    private static async Task<InstrumentView> ViewAsync(InstrumentDefinition definition, GrainCalls grains, CancellationToken cancellationToken) =>
        View(definition, await grains.CallAsync(g => g.GetGrain<IInstrumentGrain>(definition.Id.Value).GetSnapshotAsync(), cancellationToken));

    private static InstrumentView View(InstrumentDefinition definition, InstrumentSnapshot snapshot) =>
        new InstrumentView(
            definition.Id.Value,
            definition.Name,
            definition.Kind.ToString().ToLowerInvariant(),
            definition.Unit,
            definition.Currency,
            snapshot.LastPrice is { } price ? new LastView(price, snapshot.LastTime!.Value) : null,
            snapshot.ChangePct,
            snapshot.Indicators,
            snapshot.Seq,
            null,
            null)
        {
            Intervals = [.. definition.Intervals.Select(i => i.Name)],
        };

    internal static InstrumentDefinition? Find(string id, InstrumentCatalog catalog) =>
        InstrumentId.TryParse(Uri.UnescapeDataString(id), out var parsed, out _) && catalog.TryGet(parsed, out var definition) ? definition : null;

    private static bool TryInterval(InstrumentDefinition definition, string? text, out BarInterval interval, out IResult? problem)
    {
        problem = null;
        interval = definition.Intervals[0];
        if (text is null)
        {
            return true;
        }

        if (!BarInterval.TryParse(text, out interval, out string error) || !definition.Intervals.Contains(interval))
        {
            problem = BadRequest($"{(error.Length > 0 ? error + ". " : "")}{definition.Id} keeps bars of {string.Join(", ", definition.Intervals)}.");
            return false;
        }

        return true;
    }

    internal static bool TryTime(string? text, string name, DateTimeOffset fallback, out DateTimeOffset time, out IResult? problem)
    {
        problem = null;
        time = fallback;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long millis) && millis is >= 0 and <= 253_402_300_799_999)
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(millis);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time))
        {
            return true;
        }

        problem = BadRequest($"'{name}' '{UntrustedText.Printable(text)}' is not an ISO-8601 time or Unix milliseconds.");
        return false;
    }

    private static bool TryDate(string? text, string name, DateOnly fallback, out DateOnly date, out IResult? problem)
    {
        problem = null;
        date = fallback;
        if (string.IsNullOrEmpty(text) || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        problem = BadRequest($"'{name}' '{UntrustedText.Printable(text)}' is not a date (yyyy-MM-dd).");
        return false;
    }

    internal static IResult UnknownInstrument(string id) =>
        NotFound($"There is no instrument '{UntrustedText.Printable(id)}'; GET /api/v1/instruments lists them.");

    private static IResult NotFound(string detail) => ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found", detail);

    private static IResult BadRequest(string detail) => ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>An instrument's snapshot; <c>Seq</c> is the last hub message seq it reflects (a client resumes from it).</summary>
    public sealed record InstrumentView(
        string Id, string Name, string Kind, string Unit, string Currency, LastView? Last, double? ChangePct,
        IReadOnlyDictionary<string, double> Indicators, long Seq, IReadOnlyDictionary<string, InventoryView>? Inventory,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        IReadOnlyDictionary<string, IReadOnlyList<InventoryView>>? InventoryLocations)
    {
        /// <summary>The bar intervals kept, finest first (the <c>interval</c> values the bars route takes).</summary>
        public required IReadOnlyList<string> Intervals { get; init; }
    }

    public sealed record LastView(double Price, DateTimeOffset Ts);

    /// <summary>The latest values of an instrument's live indicators on one interval; <c>Ts</c> is null before its first closed bar.</summary>
    public sealed record IndicatorsView(DateTimeOffset? Ts, IReadOnlyDictionary<string, double> Values);

    public sealed record BarView(DateTimeOffset Ts, double Open, double High, double Low, double Close, double Volume)
    {
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyDictionary<string, double>? Indicators { get; init; }

        public static BarView From(Bar bar) => new(bar.Time, bar.Open, bar.High, bar.Low, bar.Close, bar.Volume);
    }

    /// <summary>A stored inventory value; <paramref name="Location"/> null for the series' total.</summary>
    public sealed record InventoryView(string AsOf, DateTimeOffset PublishedAt, double Quantity, string Unit, int Version, string? Location)
    {
        public static InventoryView From(StoredInventory stored) => new(
            stored.Value.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            stored.Value.PublishedAt,
            stored.Value.Quantity,
            stored.Value.Unit.Symbol(),
            stored.Version,
            stored.Value.Location);
    }
}
