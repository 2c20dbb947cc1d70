using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Grains.Telemetry;
using Monitor.Server.Ingest;

namespace Monitor.Server.Api;

/// <summary>
/// <c>POST /api/v1/inventory</c> (docs/api.md, Ingest): items read one by one here, then checked and stored by
/// <see cref="InventoryIngest"/>. Values that repeat the latest stored version count as duplicates.
/// </summary>
internal static class InventoryIngestApi
{
    public static async Task<IResult> IngestAsync(
        HttpRequest request, InventoryIngest ingest, InstrumentCatalog catalog, TimeProvider clock, IOptions<IngestOptions> options,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await BatchBody.ReadAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            var now = clock.GetUtcNow();
            var skew = options.Value.ParsedMaxFutureSkew;
            var (valid, rejected) = body.Read((JsonElement item, out InventoryValue value) => TryRead(item, catalog, now, skew, out value));
            var values = valid.ConvertAll(v => v.Value);
            var result = await ingest.IngestAsync(values, cancellationToken);
            rejected.AddRange(result.Rejected.Select(r => new RejectedItem(valid[r.Index].Index, r.Error)));
            rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
            MonitorMetrics.ItemsRejected.Add(rejected.Count, new KeyValuePair<string, object?>("route", "inventory"));
            var counts = result.Counts;
            return TypedResults.Ok(new IngestResponse(counts.New + counts.Restated, counts.Unchanged, 0, rejected));
        }
    }

    /// <summary>Null when the item reads as an inventory value (checked further by <see cref="InventoryValidation"/>), else what is wrong.</summary>
    private static string? TryRead(JsonElement item, InstrumentCatalog catalog, DateTimeOffset now, TimeSpan maxAhead, out InventoryValue value)
    {
        value = default;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"an item must be an object such as {{\"instrument\":\"ETF:SLV\",\"series\":\"holdings\",\"asOf\":\"2026-01-14\",\"quantity\":522074356,\"unit\":\"oz\"}}, not {JsonItems.Describe(item)}";
        }

        if (!JsonItems.TryGetInstrument(item, catalog, out var definition, out string error)
            || !JsonItems.TryGetString(item, "series", required: true, out string? series, out error)
            || !JsonItems.TryGetString(item, "asOf", required: true, out string? asOfText, out error)
            || !JsonItems.TryGetTime(item, "publishedAt", required: false, now, maxAhead, out var publishedAt, out error)
            || !JsonItems.TryGetNumber(item, "quantity", required: true, out var quantity, out error)
            || !JsonItems.TryGetString(item, "unit", required: true, out string? unitText, out error)
            || !JsonItems.TryGetString(item, "location", required: false, out string? location, out error))
        {
            return error;
        }

        if (!DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf))
        {
            return $"'asOf' '{UntrustedText.Printable(asOfText!)}' is not a date (yyyy-MM-dd) from 1970 to tomorrow";
        }

        if (!QuantityUnits.TryParse(unitText, out var unit))
        {
            return $"unknown unit '{UntrustedText.Printable(unitText!)}'; units are {string.Join(", ", QuantityUnits.Symbols)}";
        }

        value = new InventoryValue(definition.Id, series!, asOf, publishedAt ?? now, quantity!.Value, unit) { Location = location };
        return null;
    }
}
