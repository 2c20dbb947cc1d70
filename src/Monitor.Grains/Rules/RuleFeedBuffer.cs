using Monitor.Core.Market;

namespace Monitor.Grains.Rules;

/// <summary>
/// What an instrument grain has stored and applied since it last fed its rule grains. Feeds go out on a timer, so
/// under load one feed carries many requests' ticks.
/// </summary>
/// <remarks>
/// A rule evaluating on bar closes needs, of the ticks inside one bar, only those that shape the bar and the last
/// price: so per bar of the compression grid (the instrument's finest interval) the buffer keeps the earliest and
/// latest tick by time, the highest and lowest, and the last applied, with the other ticks' volume added to the
/// last. The rule grain builds the same bars from them, and its rules end each bar with the same prices, as from
/// every tick. Rules that evaluate on every tick get every tick (no grid). Past <see cref="MaxTicks"/> the ticks are
/// dropped and the rule grains read them from the tick store instead (the feed then starts after them).
/// </remarks>
internal sealed class RuleFeedBuffer
{
    private const int MaxTicks = 200_000;

    private readonly List<(Tick Tick, long Index)> _ticks = [];
    private readonly BarRun _run = new();
    private BarInterval? _grid;
    private long _afterIndex;
    private long _throughIndex;

    public bool IsEmpty => _throughIndex == _afterIndex;

    /// <summary>Whether a tick of a new bar came since the last feed: the closes rules evaluate on are due.</summary>
    public bool CrossedBar { get; private set; }

    /// <summary>Starts after the stored tick <paramref name="index"/>; ticks are compressed per bar of <paramref name="grid"/> (null: not at all).</summary>
    public void Reset(long index, BarInterval? grid)
    {
        _grid = grid;
        _ticks.Clear();
        _run.Clear();
        CrossedBar = false;
        _afterIndex = _throughIndex = index;
    }

    /// <summary>Compresses the ticks from now on per bar of <paramref name="grid"/> (null: not at all).</summary>
    public void UseGrid(BarInterval? grid)
    {
        _run.MoveTo(this);
        _grid = grid;
    }

    /// <summary>A tick was stored under <paramref name="index"/>; <paramref name="applied"/> unless late.</summary>
    public void Stored(in Tick tick, long index, bool applied)
    {
        _throughIndex = index;
        if (!applied)
        {
            return;
        }

        if (_grid is not { } grid)
        {
            Add(tick, index);
            return;
        }

        var bar = grid.BarStart(tick.Time);
        if (_run.Count > 0 && bar != _run.Bar)
        {
            _run.MoveTo(this);
            CrossedBar = true;
        }

        _run.Add(bar, tick, index);
    }

    /// <summary>Takes everything as one feed.</summary>
    public RuleFeed Take(InstrumentId instrument)
    {
        _run.MoveTo(this);
        var feed = new RuleFeed(instrument, _afterIndex, _throughIndex, [.. _ticks.Select(t => t.Tick)], [.. _ticks.Select(t => t.Index)]);
        Reset(_throughIndex, _grid);
        return feed;
    }

    private void Add(in Tick tick, long index)
    {
        if (_ticks.Count == MaxTicks)
        {
            _ticks.Clear();
            _afterIndex = index - 1;
        }

        _ticks.Add((tick, index));
    }

    /// <summary>The ticks of one bar seen so far, reduced to the ones a rule needs.</summary>
    private sealed class BarRun
    {
        private readonly List<(Tick Tick, long Index)> _kept = new(5);
        private int _earliest;
        private int _latest;
        private int _highest;
        private int _lowest;
        private double _droppedVolume;

        public int Count { get; private set; }

        public DateTimeOffset Bar { get; private set; }

        private (Tick Tick, long Index) Last => _kept[^1];

        public void Add(DateTimeOffset bar, in Tick tick, long index)
        {
            Bar = bar;
            Count++;
            _kept.Add((tick, index));

            // Keep only the extremes and the last; what falls out gives its volume to the bar's total.
            int last = _kept.Count - 1;
            _earliest = tick.Time < _kept[_earliest].Tick.Time ? last : _earliest;
            _latest = tick.Time >= _kept[_latest].Tick.Time ? last : _latest;
            _highest = tick.Price > _kept[_highest].Tick.Price ? last : _highest;
            _lowest = tick.Price < _kept[_lowest].Tick.Price ? last : _lowest;
            for (int i = last - 1; i >= 0; i--)
            {
                if (i != _earliest && i != _latest && i != _highest && i != _lowest)
                {
                    _droppedVolume += _kept[i].Tick.Volume;
                    _kept.RemoveAt(i);
                    Shift(i);
                }
            }
        }

        public void MoveTo(RuleFeedBuffer buffer)
        {
            if (Count == 0)
            {
                return;
            }

            var (last, index) = Last;
            _kept[^1] = (last with { Volume = last.Volume + _droppedVolume }, index);
            foreach (var (tick, i) in _kept)
            {
                buffer.Add(tick, i);
            }

            Clear();
        }

        public void Clear()
        {
            _kept.Clear();
            Count = 0;
            _earliest = _latest = _highest = _lowest = 0;
            _droppedVolume = 0;
        }

        private void Shift(int removed)
        {
            _earliest -= _earliest > removed ? 1 : 0;
            _latest -= _latest > removed ? 1 : 0;
            _highest -= _highest > removed ? 1 : 0;
            _lowest -= _lowest > removed ? 1 : 0;
        }
    }
}
