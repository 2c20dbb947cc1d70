using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Sources;

namespace Monitor.Sources;

/// <summary>
/// What a parsed report changes against what is stored: the values whose (instrument, series, location, asOf) had no
/// value yet when the report's value was published, or one with another quantity; the bars that are new or differ.
/// Nothing else is stored again. Comparing with what was known at each value's <c>publishedAt</c> (the latest version
/// published by then) lets <c>monitor sources replay</c> walk an archive oldest first and find only what a changed
/// parser reads differently.
/// </summary>
public sealed record ReportChanges(SourceResult Result, IReadOnlyList<InventoryValue> Inventory, IReadOnlyList<ImportedBar> Bars)
{
    public static async Task<ReportChanges> FindAsync(ReportParseResult report, IInventoryStore inventory, IBarStore bars, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(bars);
        bool restated = false;
        var changedValues = new List<InventoryValue>();
        foreach (var group in report.Inventory.GroupBy(v => (v.Instrument, v.Series, Location: InventoryLocation.Key(v.Location), v.AsOf)))
        {
            var stored = await inventory.ReadAsync(
                    group.Key.Instrument, group.Key.Series, group.First().Location, group.Key.AsOf, group.Key.AsOf, allVersions: true, cancellationToken)
                .ConfigureAwait(false);
            foreach (var value in group)
            {
                var known = stored.Where(s => SameLocation(s.Value.Location, value.Location) && s.Value.PublishedAt <= value.PublishedAt).ToList();
                double? previous = known.Count > 0 ? known.MaxBy(s => s.Version).Value.Quantity : null;
                if (previous != value.Quantity)
                {
                    changedValues.Add(value);
                    restated |= previous is not null;
                }
            }
        }

        var changedBars = new List<ImportedBar>();
        foreach (var group in report.Bars.GroupBy(b => (b.Instrument, b.Interval)))
        {
            var from = group.Min(b => b.Bar.Time);
            var to = group.Max(b => b.Bar.Time).AddTicks(1);
            var stored = (await bars.ReadAsync(group.Key.Instrument, group.Key.Interval, from, to, int.MaxValue, cancellationToken).ConfigureAwait(false))
                .ToDictionary(b => b.Time);
            foreach (var bar in group)
            {
                bool known = stored.TryGetValue(bar.Bar.Time, out var previous);
                if (!known || previous != bar.Bar)
                {
                    changedBars.Add(bar);
                    restated |= known;
                }
            }
        }

        var result = restated ? SourceResult.Restated
            : changedValues.Count > 0 || changedBars.Count > 0 ? SourceResult.New
            : SourceResult.Unchanged;
        return new ReportChanges(result, changedValues, changedBars);
    }

    private static bool SameLocation(string? stored, string? parsed) => string.Equals(stored, parsed, StringComparison.OrdinalIgnoreCase);
}
