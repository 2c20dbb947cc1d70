using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Sources.Tables;

namespace Monitor.Cli.Import;

/// <summary>
/// Imports bars of one interval, kept as bars (their ticks are unknown); a backtest replays them for an instrument that
/// has no ticks in its range. Daily and longer bars take the date as written (a time's own offset), shorter ones the
/// instant, and both start where the interval's bars start. Refused with the reason: values that are not numbers,
/// OHLC that contradict each other, a date not after the previous row's, and holiday rows that repeat the previous
/// day's open, high and low with no new volume.
/// </summary>
internal sealed class BarImporter(IBarStore bars, ITickStore ticks, InstrumentCatalog catalog)
{
    private const int BatchSize = 1000;

    private static readonly string[] PriceFields = ["open", "high", "low", "close"];

    private readonly Dictionary<InstrumentId, Series> _series = [];
    private long _imported;

    public async Task<int> RunAsync(ImportRecords records, ImportOptions options, ImportLog log, CancellationToken cancellationToken)
    {
        if (!BarInterval.TryParse(options.Interval ?? "1d", out var interval, out string intervalError))
        {
            return log.Fail($"--interval: {intervalError}");
        }

        var instrument = ImportField.Find(records, options.Columns, "instrument", [], options.Instrument);
        var date = ImportField.Find(records, options.Columns, "date", ["time", "timestamp", "datetime", "ts"]);
        var prices = PriceFields.Select(f => ImportField.Find(records, options.Columns, f, [])).ToArray();
        var volume = ImportField.Find(records, options.Columns, "volume", []);
        string[] missing = [.. prices.Prepend(date).Prepend(instrument).Where(f => !f.Present).Select(f => f.Name)];
        if (missing.Length > 0)
        {
            return log.Fail($"no column for {string.Join(", ", missing)} (found {records.Describe()}); see --column and --instrument");
        }

        var values = new double[4];
        while (records.TryRead(out string? malformed))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? error = malformed;
            if (error is null && TryParse(records, instrument, date, prices, volume, interval, values, out var definition, out var bar, out error))
            {
                if (!_series.TryGetValue(definition.Id, out var series))
                {
                    _series[definition.Id] = series = new Series();
                }

                error = series.Check(bar, records.Line);
                if (error is null)
                {
                    series.Add(bar, records.Line);
                    if (series.Pending.Count == BatchSize)
                    {
                        await FlushAsync(definition.Id, interval, series, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }
            }

            log.Reject(records.Line, error!);
        }

        foreach (var (id, series) in _series)
        {
            await FlushAsync(id, interval, series, cancellationToken).ConfigureAwait(false);
            if ((await ticks.GetMarkAsync(id, cancellationToken).ConfigureAwait(false)).LastIndex > 0)
            {
                log.Warn($"{id} has stored ticks: backtests replay its ticks, and its imported bars only over ranges without any");
            }
        }

        return log.Done($"imported {_imported:#,0} {interval.Name} bar(s) of {_series.Count} instrument(s)");
    }

    private bool TryParse(
        ImportRecords records, ImportField instrument, ImportField date, ImportField[] prices, ImportField volume, BarInterval interval, double[] values,
        out InstrumentDefinition definition, out Bar bar, out string error)
    {
        bar = default;
        if (!ImportValues.TryParseInstrument(instrument.Text(records), catalog, out definition, out error)
            || !ImportValues.TryParseTime(date.Text(records), "date", out var time, out error))
        {
            return false;
        }

        for (int i = 0; i < prices.Length; i++)
        {
            if (!ImportValues.TryParseNumber(prices[i].Text(records), PriceFields[i], out values[i], out error))
            {
                return false;
            }

            if (values[i] <= 0)
            {
                error = $"'{PriceFields[i]}' must be above 0, got {values[i]}";
                return false;
            }
        }

        double v = 0;
        if (volume.Text(records) is { } volumeText && !ImportValues.TryParseNumber(volumeText, "volume", out v, out error))
        {
            return false;
        }

        var (open, high, low, close) = (values[0], values[1], values[2], values[3]);
        error = v < 0 ? $"'volume' must not be negative, got {v}"
            : high < Math.Max(open, close) ? $"OHLC violation: high {high} is below the {(open > close ? "open" : "close")} {Math.Max(open, close)}"
            : low > Math.Min(open, close) ? $"OHLC violation: low {low} is above the {(open < close ? "open" : "close")} {Math.Min(open, close)}"
            : "";
        // Daily bars belong to the date the file names (its local day); intraday bars to the instant.
        var start = interval.Length >= TimeSpan.FromDays(1) ? new DateTimeOffset(time.DateTime.Date, TimeSpan.Zero) : time;
        bar = new Bar(interval.BarStart(start), open, high, low, close, v);
        return error.Length == 0;
    }

    private async Task FlushAsync(InstrumentId id, BarInterval interval, Series series, CancellationToken cancellationToken)
    {
        await bars.UpsertAsync(id, interval, series.Pending, cancellationToken).ConfigureAwait(false);
        _imported += series.Pending.Count;
        series.Pending.Clear();
    }

    /// <summary>One instrument's bars in file order: the previous row, for the checks that compare with it.</summary>
    private sealed class Series
    {
        private Bar? _previous;
        private int _previousLine;

        public List<Bar> Pending { get; } = new(BatchSize);

        public string? Check(in Bar bar, int line)
        {
            if (_previous is not { } previous)
            {
                return null;
            }

            if (bar.Time <= previous.Time)
            {
                return $"its date {bar.Time:yyyy-MM-dd HH:mm} is not after line {_previousLine}'s ({previous.Time:yyyy-MM-dd HH:mm})";
            }

            // A provider's holiday row repeats the last session's open, high and low, with no volume of its own.
            bool repeats = bar.Open == previous.Open && bar.High == previous.High && bar.Low == previous.Low;
            bool noNewVolume = bar.Volume == 0 || Math.Abs(bar.Volume - previous.Volume) <= 0.01 * previous.Volume;
            bool flat = bar.Open == bar.High && bar.High == bar.Low && bar.Low == bar.Close;
            return repeats && noNewVolume && !flat
                ? $"repeats line {_previousLine}'s open, high and low with no new volume: a holiday row, not a session"
                : null;
        }

        public void Add(in Bar bar, int line)
        {
            _previous = bar;
            _previousLine = line;
            Pending.Add(bar);
        }
    }
}
