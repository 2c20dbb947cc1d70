using System.Buffers;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Sources.Tables;

namespace Monitor.Cli.Import;

/// <summary>
/// Imports ticks as the instrument grain stores them: per instrument, indices continue from the store's mark, a tick
/// whose <c>seq</c> is not above the last one is a duplicate (skipped), and a tick whose minute has closed is late
/// (stored, flagged, not applied by replays), as an <see cref="InstrumentPipeline"/> of the finest interval decides.
/// Rows are parsed on this thread while the store's group commit writes earlier batches.
/// </summary>
internal sealed class TickImporter(ITickStore store, InstrumentCatalog catalog, TimeProvider clock)
{
    private const int BatchSize = 8192;
    private const int MaxInFlight = 8;

    private readonly Dictionary<string, InstrumentState> _instruments = new(StringComparer.Ordinal);
    private readonly Queue<(Task Stored, StoredTick[] Buffer)> _inFlight = new();
    private readonly List<ClosedBar> _closed = [];
    private readonly Dictionary<string, InstrumentDefinition> _definitions = new(StringComparer.Ordinal);
    private long _imported;
    private long _duplicates;
    private long _late;

    public async Task<int> RunAsync(ImportRecords records, ImportOptions options, ImportLog log, CancellationToken cancellationToken)
    {
        var instrument = ImportField.Find(records, options.Columns, "instrument", [], options.Instrument);
        var ts = ImportField.Find(records, options.Columns, "ts", ["time", "timestamp", "datetime", "date"]);
        var price = ImportField.Find(records, options.Columns, "price", []);
        var volume = ImportField.Find(records, options.Columns, "volume", []);
        var seq = ImportField.Find(records, options.Columns, "seq", []);
        string[] missing = [.. new[] { instrument, ts, price }.Where(f => !f.Present).Select(f => f.Name)];
        if (missing.Length > 0)
        {
            return log.Fail($"no column for {string.Join(", ", missing)} (found {records.Describe()}); see --column and --instrument");
        }

        var now = clock.GetUtcNow();
        try
        {
            while (records.TryRead(out string? malformed))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string? error = malformed;
                if (error is null && TryParse(records, instrument, ts, price, volume, seq, now, out var definition, out var tick, out error))
                {
                    await AddAsync(definition, tick).ConfigureAwait(false);
                    continue;
                }

                log.Reject(records.Line, error!);
            }

            foreach (var state in _instruments.Values)
            {
                await FlushAsync(state).ConfigureAwait(false);
            }
        }
        finally
        {
            while (_inFlight.Count > 0)
            {
                await CompleteOldestAsync().ConfigureAwait(false);
            }
        }

        double rate = _imported / Math.Max(log.Elapsed.TotalSeconds, 1e-9);
        return log.Done($"imported {_imported:#,0} ticks of {_instruments.Count} instrument(s) ({rate:#,0} ticks/s), {_late:#,0} of them late, {_duplicates:#,0} duplicate(s) skipped");
    }

    private bool TryParse(
        ImportRecords records, ImportField instrument, ImportField ts, ImportField price, ImportField volume, ImportField seq, DateTimeOffset now,
        out InstrumentDefinition definition, out Tick tick, out string error)
    {
        tick = default;
        definition = null!;
        if (!TryParseInstrument(instrument.Text(records), out definition, out error)
            || !ImportValues.TryParseTime(ts.Text(records), "ts", out var time, out error)
            || !ImportValues.TryParseNumber(price.Text(records), "price", out double p, out error))
        {
            return false;
        }

        double v = 0;
        long s = 0;
        if (volume.Text(records) is { } volumeText && !ImportValues.TryParseNumber(volumeText, "volume", out v, out error))
        {
            return false;
        }

        if (seq.Text(records) is { } seqText && !long.TryParse(seqText, out s))
        {
            error = $"'seq' '{ImportValues.Shorten(seqText)}' is not a whole number";
            return false;
        }

        // The bounds of the ingest route, with its default skew.
        error = TickValidation.CheckValues(p, v)
            ?? (s < 0 ? $"'seq' must not be negative, got {s}" : null)
            ?? TickValidation.CheckTime("ts", time, now, TickValidation.DefaultMaxFutureSkew)
            ?? "";
        // Whole microseconds, as ingest keeps them: the pipeline decides on what the store will hold.
        tick = new Tick(definition.Id, new DateTimeOffset(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero), p, v, s);
        return error.Length == 0;
    }

    /// <summary>Files name a few instruments millions of times: each text is checked once.</summary>
    private bool TryParseInstrument(string? text, out InstrumentDefinition definition, out string error)
    {
        error = "";
        if (text is not null && _definitions.TryGetValue(text, out definition!))
        {
            return true;
        }

        if (!ImportValues.TryParseInstrument(text, catalog, out definition, out error))
        {
            return false;
        }

        _definitions[text!] = definition;
        return true;
    }

    private async Task AddAsync(InstrumentDefinition definition, Tick tick)
    {
        if (!_instruments.TryGetValue(definition.Id.Value, out var state))
        {
            state = await InstrumentState.OpenAsync(store, definition).ConfigureAwait(false);
            _instruments.Add(definition.Id.Value, state);
        }

        _closed.Clear();
        var disposition = state.Pipeline.Apply(tick, _closed);
        if (disposition == TickDisposition.Duplicate)
        {
            _duplicates++;
            return;
        }

        bool late = disposition == TickDisposition.Late;
        _late += late ? 1 : 0;
        state.Buffer[state.Count++] = new StoredTick(++state.LastIndex, tick.Time, tick.Price, tick.Volume, tick.Seq, late);
        if (state.Count == BatchSize)
        {
            await FlushAsync(state).ConfigureAwait(false);
        }
    }

    /// <summary>Hands the instrument's batch to the store and keeps going; at most <see cref="MaxInFlight"/> batches wait to be stored.</summary>
    private async Task FlushAsync(InstrumentState state)
    {
        if (state.Count == 0)
        {
            return;
        }

        if (_inFlight.Count >= MaxInFlight)
        {
            await CompleteOldestAsync().ConfigureAwait(false);
        }

        _inFlight.Enqueue((store.AppendAsync(state.Pipeline.Instrument, state.Buffer.AsMemory(0, state.Count)).AsTask(), state.Buffer));
        _imported += state.Count;
        state.Buffer = ArrayPool<StoredTick>.Shared.Rent(BatchSize);
        state.Count = 0;
    }

    private async Task CompleteOldestAsync()
    {
        var (stored, buffer) = _inFlight.Dequeue();
        try
        {
            await stored.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<StoredTick>.Shared.Return(buffer);
        }
    }

    /// <summary>One instrument's next index, its pipeline (which decides duplicates and late ticks) and its batch.</summary>
    private sealed class InstrumentState(InstrumentPipeline pipeline, long lastIndex)
    {
        public InstrumentPipeline Pipeline { get; } = pipeline;

        public long LastIndex { get; set; } = lastIndex;

        public StoredTick[] Buffer { get; set; } = ArrayPool<StoredTick>.Shared.Rent(BatchSize);

        public int Count { get; set; }

        /// <summary>Continues after what the store holds: its last index and seq, and the minute of its last tick.</summary>
        public static async Task<InstrumentState> OpenAsync(ITickStore store, InstrumentDefinition definition)
        {
            var finest = definition.Intervals.MinBy(i => i.Length);
            var pipeline = new InstrumentPipeline(definition.Id, [finest], []);
            var mark = await store.GetMarkAsync(definition.Id).ConfigureAwait(false);
            if (mark.LastIndex > 0)
            {
                var last = DateTimeOffset.MinValue;
                await foreach (var tick in store.ReadAfterAsync(definition.Id, mark.LastIndex - 1).ConfigureAwait(false))
                {
                    last = tick.Time;
                }

                pipeline.Restore(new PipelineState(mark.LastSeq, null, [finest.Name], [new BarAggregatorState(null, finest.BarStart(last))]));
            }

            return new InstrumentState(pipeline, mark.LastIndex);
        }
    }
}
