using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Sources.Tables;

namespace Monitor.Cli.Import;

/// <summary>
/// Imports inventory values as <c>POST /api/v1/inventory</c> takes them: checked by <see cref="InventoryValidation"/>
/// (converted to the series' base unit), an optional <c>location</c> column (blank: the total), a value for an asOf
/// already stored with other numbers stored as a restatement, with the same numbers not stored again. Rows without publishedAt count from <see cref="ImportOptions.PublishedAfter"/>
/// after the start of their asOf day, or from now (then a backtest sees them only from now on, and says so).
/// </summary>
internal sealed class InventoryImporter(IInventoryStore store, InstrumentCatalog catalog, TimeProvider clock)
{
    private const int BatchSize = 1000;

    private readonly List<InventoryValue> _pending = new(BatchSize);
    private readonly HashSet<InstrumentId> _instruments = [];
    private long _imported;
    private long _unchanged;
    private long _publishedNow;

    public async Task<int> RunAsync(ImportRecords records, ImportOptions options, ImportLog log, CancellationToken cancellationToken)
    {
        var instrument = ImportField.Find(records, options.Columns, "instrument", [], options.Instrument);
        var series = ImportField.Find(records, options.Columns, "series", [], options.Series);
        var asOf = ImportField.Find(records, options.Columns, "asOf", ["date"]);
        var publishedAt = ImportField.Find(records, options.Columns, "publishedAt", []);
        var quantity = ImportField.Find(records, options.Columns, "quantity", []);
        var unit = ImportField.Find(records, options.Columns, "unit", [], options.Unit);
        var location = ImportField.Find(records, options.Columns, "location", []);
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
            if (error is null && TryParse(records, new Fields(instrument, series, asOf, publishedAt, quantity, unit, location), options.PublishedAfter, now, out var value, out error))
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

        string unchanged = _unchanged > 0 ? $", {_unchanged:#,0} already stored with the same numbers" : "";
        return log.Done($"imported {_imported:#,0} inventory value(s) of {_instruments.Count} instrument(s){unchanged}");
    }

    private bool TryParse(ImportRecords records, Fields fields, TimeSpan? publishedAfter, DateTimeOffset now, out InventoryValue value, out string error)
    {
        value = default;
        if (!ImportValues.TryParseInstrument(fields.Instrument.Text(records), catalog, out var definition, out error)
            || !ImportValues.TryParseDate(fields.AsOf.Text(records), "asOf", out var date, out error)
            || !ImportValues.TryParseNumber(fields.Quantity.Text(records), "quantity", out double amount, out error))
        {
            return false;
        }

        string? unitText = fields.Unit.Text(records);
        if (!QuantityUnits.TryParse(unitText, out var inputUnit))
        {
            error = $"unknown unit '{ImportValues.Shorten(unitText ?? "")}'; units are {string.Join(", ", QuantityUnits.Symbols)}";
            return false;
        }

        DateTimeOffset published;
        if (fields.PublishedAt.Text(records) is { } publishedText)
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

        var read = new InventoryValue(
            definition.Id, fields.Series.Text(records) ?? "", date, new DateTimeOffset(published.UtcTicks - (published.UtcTicks % 10), TimeSpan.Zero), amount, inputUnit)
        {
            Location = fields.Location.Text(records),
        };
        error = InventoryValidation.Check(read, catalog, now, out value) ?? "";
        return error.Length == 0;
    }

    private async Task FlushAsync(DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var revisions = await store.AppendChangesAsync(_pending, receivedAt, cancellationToken).ConfigureAwait(false);
        int unchanged = revisions.Count(r => r.Change == InventoryChange.Unchanged);
        _imported += _pending.Count - unchanged;
        _unchanged += unchanged;
        _pending.Clear();
    }

    private readonly record struct Fields(
        ImportField Instrument, ImportField Series, ImportField AsOf, ImportField PublishedAt, ImportField Quantity, ImportField Unit, ImportField Location);
}
