using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary><c>POST /api/v1/inventory</c> (docs/api.md, Ingest): validated item by item, stored in base units.</summary>
internal static class InventoryIngest
{
    public static Task<IResult> IngestAsync(
        HttpRequest request, InstrumentCatalog catalog, GrainCalls grains, TimeProvider clock, IOptions<IngestOptions> options,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var skew = options.Value.ParsedMaxFutureSkew;
        return BatchBody.IngestAsync(
            request,
            "inventory",
            (JsonElement item, out InventoryValue value) => TryRead(item, catalog, now, skew, out value),
            v => v.Instrument,
            async (byInstrument, rejected) =>
            {
                await Task.WhenAll(byInstrument.Select(pair => grains.CallAsync(
                    "inventory",
                    async g =>
                    {
                        await g.GetGrain<IInstrumentGrain>(pair.Key.Value).IngestInventoryAsync(new InventoryBatch([.. pair.Value], now));
                        return true;
                    },
                    cancellationToken)));
                return TypedResults.Ok(new IngestResponse(byInstrument.Values.Sum(v => v.Count), 0, 0, rejected));
            },
            cancellationToken);
    }

    /// <summary>Null when the item is a valid inventory value (converted to its series' base unit), else what is wrong.</summary>
    private static string? TryRead(JsonElement item, InstrumentCatalog catalog, DateTimeOffset now, TimeSpan maxAhead, out InventoryValue value)
    {
        value = default;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"an item must be an object such as {{\"instrument\":\"ETF:SLV\",\"series\":\"holdings\",\"asOf\":\"2026-01-14\",\"quantity\":522074356,\"unit\":\"oz\"}}, not {JsonItems.Describe(item)}";
        }

        if (!JsonItems.TryGetInstrument(item, catalog, out var definition, out string error)
            || !JsonItems.TryGetString(item, "series", required: true, out string? seriesText, out error)
            || !JsonItems.TryGetString(item, "asOf", required: true, out string? asOfText, out error)
            || !JsonItems.TryGetTime(item, "publishedAt", required: false, now, maxAhead, out var publishedAt, out error)
            || !JsonItems.TryGetNumber(item, "quantity", required: true, out var quantity, out error)
            || !JsonItems.TryGetString(item, "unit", required: true, out string? unitText, out error))
        {
            return error;
        }

        if (!InventorySeries.TryNormalize(seriesText, out string series))
        {
            return $"unknown series '{UntrustedText.Printable(seriesText!)}'; series are {string.Join(", ", InventorySeries.All)}";
        }

        if (!DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf)
            || asOf < new DateOnly(1970, 1, 1) || asOf > DateOnly.FromDateTime(now.UtcDateTime.AddDays(1)))
        {
            return $"'asOf' '{UntrustedText.Printable(asOfText!)}' is not a date (yyyy-MM-dd) from 1970 to tomorrow";
        }

        if (!QuantityUnits.TryParse(unitText, out var unit))
        {
            return $"unknown unit '{UntrustedText.Printable(unitText!)}'; units are {string.Join(", ", QuantityUnits.Symbols)}";
        }

        var baseUnit = InventorySeries.BaseUnit(series, definition.PreciousMetal);
        if (!QuantityUnits.TryConvert(quantity!.Value, unit, baseUnit, out double converted))
        {
            return $"'{series}' is kept in {baseUnit.Symbol()}; {unit.Symbol()} cannot be converted to it";
        }

        if (!double.IsFinite(converted) || Math.Abs(converted) > MarketLimits.MaxQuantity)
        {
            return $"'quantity' must be at most {MarketLimits.MaxQuantity:0e0} {baseUnit.Symbol()} in magnitude, got {quantity} {unit.Symbol()}";
        }

        if (converted < 0 && series != InventorySeries.ManagedMoneyNet)
        {
            return $"'quantity' must not be negative for {series}, got {quantity}";
        }

        value = new InventoryValue(definition.Id, series, asOf, publishedAt ?? now, converted, baseUnit);
        return null;
    }
}
