using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Sources.Tables;

namespace Monitor.Cli.Import;

/// <summary>
/// Imports inventory values as <c>POST /api/v1/inventory</c> takes them: each converted to its series' base unit, a second
/// value for the same asOf stored as a restatement. Rows without publishedAt count from <see cref="ImportOptions.PublishedAfter"/>
/// after the start of their asOf day, or from now (then a backtest sees them only from now on, and says so).
/// </summary>
internal sealed class InventoryImporter(IInventoryStore store, InstrumentCatalog catalog, TimeProvider clock)
{
    private const int BatchSize = 1000;

    private readonly List<InventoryValue> _pending = new(BatchSize);
    private readonly HashSet<InstrumentId> _instruments = [];
    private long _imported;
    private long _publishedNow;

    public async Task<int> RunAsync(ImportRecords records, ImportOptions options, ImportLog log, CancellationToken cancellationToken)
    {
        var instrument = ImportField.Find(records, options.Columns, "instrument", [], options.Instrument);
        var series = ImportField.Find(records, options.Columns, "series", [], options.Series);
        var asOf = ImportField.Find(records, options.Columns, "asOf", ["date"]);
        var publishedAt = ImportField.Find(records, options.Columns, "publishedAt", []);
        var quantity = ImportField.Find(records, options.Columns, "quantity", []);
        var unit = ImportField.Find(records, options.Columns, "unit", [], options.Unit);
        string[] missing = [.. new[] { instrument, series, asOf, quantity, unit }.Where(f => !f.Present).Select(f => f.Name)];
        if (missing.Length > 0)
        {
            return log.Fail($"no column for {string.Join(", ", missing)} (found {records.Describe()}); see --column, --instrument, --series and --unit");
        }

        var now = clock.GetUtcNow();
        while (records.TryRead(out string? malformed))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? error = malformed;
            if (error is null && TryParse(records, instrument, series, asOf, publishedAt, quantity, unit, options.PublishedAfter, now, out var value, out error))
            {
                _pending.Add(value);
                _instruments.Add(value.Instrument);
                if (_pending.Count == BatchSize)
                {
                    await FlushAsync(now, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            log.Reject(records.Line, error!);
        }

        await FlushAsync(now, cancellationToken).ConfigureAwait(false);
        if (_publishedNow > 0)
        {
            log.Warn($"{_publishedNow:#,0} value(s) had no publishedAt and count from now ({now:O}); give --published-after (such as P1D) to date them from their asOf");
        }

        return log.Done($"imported {_imported:#,0} inventory value(s) of {_instruments.Count} instrument(s)");
    }

    private bool TryParse(
        ImportRecords records, ImportField instrument, ImportField series, ImportField asOf, ImportField publishedAt, ImportField quantity, ImportField unit,
        TimeSpan? publishedAfter, DateTimeOffset now, out InventoryValue value, out string error)
    {
        value = default;
        if (!ImportValues.TryParseInstrument(instrument.Text(records), catalog, out var definition, out error)
            || !ImportValues.TryParseDate(asOf.Text(records), "asOf", out var date, out error)
            || !ImportValues.TryParseNumber(quantity.Text(records), "quantity", out double amount, out error))
        {
            return false;
        }

        string? seriesText = series.Text(records);
        if (!InventorySeries.TryNormalize(seriesText, out string name))
        {
            error = $"unknown series '{ImportValues.Shorten(seriesText ?? "")}'; series are {string.Join(", ", InventorySeries.All)}";
            return false;
        }

        string? unitText = unit.Text(records);
        if (!QuantityUnits.TryParse(unitText, out var inputUnit))
        {
            error = $"unknown unit '{ImportValues.Shorten(unitText ?? "")}'; units are {string.Join(", ", QuantityUnits.Symbols)}";
            return false;
        }

        DateTimeOffset published;
        if (publishedAt.Text(records) is { } publishedText)
        {
            if (!ImportValues.TryParseTime(publishedText, "publishedAt", out published, out error))
            {
                return false;
            }
        }
        else if (publishedAfter is { } after)
        {
            published = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + after;
        }
        else
        {
            published = now;
            _publishedNow++;
        }

        var baseUnit = InventorySeries.BaseUnit(name, definition.PreciousMetal);
        if (!QuantityUnits.TryConvert(amount, inputUnit, baseUnit, out double converted))
        {
            error = $"'{name}' is kept in {baseUnit.Symbol()}; {inputUnit.Symbol()} cannot be converted to it";
            return false;
        }

        error = converted < 0 && name != InventorySeries.ManagedMoneyNet ? $"'quantity' must not be negative for {name}, got {amount}"
            : date < new DateOnly(1970, 1, 1) || date > DateOnly.FromDateTime(now.UtcDateTime.AddDays(1)) ? $"'asOf' {date:yyyy-MM-dd} is not from 1970 to tomorrow"
            : "";
        value = new InventoryValue(definition.Id, name, date, new DateTimeOffset(published.UtcTicks - (published.UtcTicks % 10), TimeSpan.Zero), converted, baseUnit);
        return error.Length == 0;
    }

    private async Task FlushAsync(DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await store.AppendAsync(_pending, receivedAt, cancellationToken).ConfigureAwait(false);
        _imported += _pending.Count;
        _pending.Clear();
    }
}
