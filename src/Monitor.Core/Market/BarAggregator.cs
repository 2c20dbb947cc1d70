namespace Monitor.Core.Market;

/// <summary>What one tick did to the bars of an aggregator.</summary>
public enum BarUpdate
{
    /// <summary>The tick opened the first bar.</summary>
    Opened,

    /// <summary>The tick fell inside the open bar and updated it.</summary>
    Updated,

    /// <summary>The tick belongs to a later bar: the open bar closed (see the out parameter) and a new one opened.</summary>
    Closed,

    /// <summary>The tick belongs to a bar that has already closed; the aggregator ignored it.</summary>
    Late,
}

/// <summary>
/// Turns ticks into OHLCV bars of one interval by event time.
/// <list type="bullet">
/// <item>A bar covers [start, start + interval); bars with no ticks are not produced (a gap stays a gap).</item>
/// <item>Inside the open bar, order does not matter: open is the price of the earliest tick by time,
/// close the price of the latest (on equal times, the first to arrive opens and the last to arrive closes).</item>
/// <item>A tick for a later bar closes the open bar. A tick for a bar that already closed is late: it is not
/// applied (closed bars and the indicators computed from them never change); the caller stores and counts it.</item>
/// <item><see cref="CloseThrough"/> closes the open bar once event time has passed its end without a new tick.</item>
/// </list>
/// </summary>
public sealed class BarAggregator
{
    private OpenBarState? _open;
    private DateTimeOffset _closedThrough = DateTimeOffset.MinValue;

    public BarAggregator(BarInterval interval) => Interval = interval;

    /// <summary>Resumes from a saved open bar (see <see cref="State"/>).</summary>
    public BarAggregator(BarInterval interval, BarAggregatorState state)
        : this(interval)
    {
        _open = state.OpenBar;
        _closedThrough = state.ClosedThrough;
    }

    public BarInterval Interval { get; }

    /// <summary>The bar being built, if any.</summary>
    public Bar? OpenBar => _open?.Bar;

    /// <summary>What must be saved to resume exactly where this aggregator is.</summary>
    public BarAggregatorState State => new(_open, _closedThrough);

    /// <summary>Every tick before this time is late (<see cref="IsLate"/>): the open bar's start, or where the closed bars end.</summary>
    public DateTimeOffset LateBefore => _open is { } open && open.Bar.Time > _closedThrough ? open.Bar.Time : _closedThrough;

    /// <summary>Whether a tick at <paramref name="time"/> would be late: its bar has already closed.</summary>
    public bool IsLate(DateTimeOffset time)
    {
        var start = Interval.BarStart(time);
        return start < _closedThrough || (_open is { } open && start < open.Bar.Time);
    }

    public BarUpdate Add(DateTimeOffset time, double price, double volume, out Bar closed)
    {
        closed = default;
        var start = Interval.BarStart(time);
        if (start < _closedThrough)
        {
            return BarUpdate.Late;
        }

        if (_open is not { } open)
        {
            _open = OpenBarState.First(start, time, price, volume);
            return BarUpdate.Opened;
        }

        if (start == open.Bar.Time)
        {
            _open = open.With(time, price, volume);
            return BarUpdate.Updated;
        }

        if (start < open.Bar.Time)
        {
            return BarUpdate.Late;
        }

        closed = open.Bar;
        _closedThrough = start;
        _open = OpenBarState.First(start, time, price, volume);
        return BarUpdate.Closed;
    }

    public BarUpdate Add(in Tick tick, out Bar closed) => Add(tick.Time, tick.Price, tick.Volume, out closed);

    /// <summary>
    /// Closes the open bar if event time <paramref name="now"/> is at or past its end; later ticks for it are late.
    /// </summary>
    public bool CloseThrough(DateTimeOffset now, out Bar closed)
    {
        closed = default;
        if (_open is not { } open || now < open.Bar.Time + Interval.Length)
        {
            return false;
        }

        closed = open.Bar;
        _closedThrough = open.Bar.Time + Interval.Length;
        _open = null;
        return true;
    }

    public void Reset()
    {
        _open = null;
        _closedThrough = DateTimeOffset.MinValue;
    }
}

/// <summary>The bar being built with the event times of the ticks that set its open and close.</summary>
public readonly record struct OpenBarState(Bar Bar, DateTimeOffset OpenTickTime, DateTimeOffset CloseTickTime)
{
    internal static OpenBarState First(DateTimeOffset start, DateTimeOffset time, double price, double volume) =>
        new(new Bar(start, price, price, price, price, volume), time, time);

    internal OpenBarState With(DateTimeOffset time, double price, double volume)
    {
        var bar = Bar;
        bool earliest = time < OpenTickTime;
        bool latest = time >= CloseTickTime;
        return new OpenBarState(
            bar with
            {
                Open = earliest ? price : bar.Open,
                High = Math.Max(bar.High, price),
                Low = Math.Min(bar.Low, price),
                Close = latest ? price : bar.Close,
                Volume = bar.Volume + volume,
            },
            earliest ? time : OpenTickTime,
            latest ? time : CloseTickTime);
    }
}

/// <summary>Saved state of a <see cref="BarAggregator"/>: the open bar and the start below which ticks are late.</summary>
public readonly record struct BarAggregatorState(OpenBarState? OpenBar, DateTimeOffset ClosedThrough)
{
    /// <summary>Bars opening before this have closed (the stored ones a warm-up reads); every stored bar when nothing was seen yet.</summary>
    public DateTimeOffset ClosedBefore =>
        OpenBar?.Bar.Time ?? (ClosedThrough > DateTimeOffset.MinValue ? ClosedThrough : DateTimeOffset.MaxValue);
}
