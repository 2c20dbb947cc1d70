namespace Monitor.Core.Rules;

/// <summary>A saved <see cref="SampleWindow"/>: its samples, oldest first, and its running sums (so a restore is bit-exact).</summary>
public sealed record SampleWindowState(
    long[] Keys,
    double[] Values,
    double[] Aux,
    double Shift,
    double Sum,
    double Squares,
    int SinceExact,
    int EqualRun);

/// <summary>
/// The recent samples of one input, keyed by event time (ticks) or by sample number, for a window of
/// <see cref="Span"/> keys. It keeps exactly the samples a lookup at the newest position can need: those inside
/// the window plus one at or before its start (the anchor, the value "as of" the window's start).
/// <list type="bullet">
/// <item><see cref="TryBase"/>: the latest sample at or before <c>position - span</c> (as-of alignment), or none
/// while the history does not reach back that far.</item>
/// <item><see cref="TryStatistics"/>: count, mean and population variance of the samples after the window's start,
/// from running sums (shifted to the recent mean, recomputed exactly every so often so rounding cannot drift).</item>
/// </list>
/// Amortised O(1) per sample; the ring grows only while the window fills.
/// </summary>
internal sealed class SampleWindow
{
    private readonly bool _statistics;
    private long[] _keys;
    private double[] _values;
    private double[] _aux;
    private int _head;
    private int _count;
    private double _shift;
    private double _sum;
    private double _squares;
    private int _sinceExact;
    private int _equalRun;

    public SampleWindow(long span, bool statistics)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, 1);
        Span = span;
        _statistics = statistics;
        _keys = new long[8];
        _values = new double[8];
        _aux = new double[8];
    }

    public long Span { get; }

    public int Count => _count;

    public long LastKey => _count == 0 ? long.MinValue : _keys[Index(_count - 1)];

    /// <summary>The key of the <paramref name="offset"/>-th sample held, oldest first.</summary>
    public long KeyAt(int offset) => _keys[Index(offset)];

    public double ValueAt(int offset) => _values[Index(offset)];

    /// <summary>Adds a sample; a key not after the newest is ignored (a replayed event).</summary>
    public void Push(long key, double value, double aux)
    {
        if (_count > 0 && key <= LastKey)
        {
            return;
        }

        if (_count == _keys.Length)
        {
            Grow();
        }

        _equalRun = _count > 0 && value == _values[Index(_count - 1)] ? _equalRun + 1 : 1;
        int slot = Index(_count);
        _keys[slot] = key;
        _values[slot] = value;
        _aux[slot] = aux;
        _count++;
        if (_statistics)
        {
            if (_count == 1)
            {
                _shift = value;
            }

            double d = value - _shift;
            _sum += d;
            _squares += d * d;
        }

        Trim(key);
    }

    /// <summary>The latest sample at or before <paramref name="position"/> - span.</summary>
    public bool TryBase(long position, out double value, out double aux)
    {
        Trim(position);
        if (_count > 0 && _keys[_head] <= position - Span)
        {
            value = _values[_head];
            aux = _aux[_head];
            return true;
        }

        value = 0;
        aux = 0;
        return false;
    }

    /// <summary>
    /// Statistics of the samples after <paramref name="position"/> - span; false until the history reaches back to
    /// the window's start (so a window always covers its full span) or when it holds no sample.
    /// </summary>
    public bool TryStatistics(long position, out int count, out double mean, out double variance)
    {
        Trim(position);
        count = 0;
        mean = 0;
        variance = 0;
        if (!_statistics || _count == 0 || _keys[_head] > position - Span)
        {
            return false;
        }

        // The head is the anchor, before the window: leave it out.
        double anchor = _values[_head] - _shift;
        count = _count - 1;
        if (count == 0)
        {
            return false;
        }

        double sum = _sum - anchor;
        double squares = _squares - (anchor * anchor);
        double shiftedMean = sum / count;
        mean = _shift + shiftedMean;
        variance = _equalRun >= count ? 0 : Math.Max(0, (squares / count) - (shiftedMean * shiftedMean));
        if (variance <= mean * mean * 1e-18)
        {
            variance = 0;
        }

        return true;
    }

    public SampleWindowState SaveState()
    {
        var keys = new long[_count];
        var values = new double[_count];
        var aux = new double[_count];
        for (int i = 0; i < _count; i++)
        {
            int slot = Index(i);
            keys[i] = _keys[slot];
            values[i] = _values[slot];
            aux[i] = _aux[slot];
        }

        return new SampleWindowState(keys, values, aux, _shift, _sum, _squares, _sinceExact, _equalRun);
    }

    public void RestoreState(SampleWindowState state)
    {
        int capacity = _keys.Length;
        while (capacity < state.Keys.Length)
        {
            capacity *= 2;
        }

        _keys = new long[capacity];
        _values = new double[capacity];
        _aux = new double[capacity];
        state.Keys.CopyTo(_keys, 0);
        state.Values.CopyTo(_values, 0);
        state.Aux.CopyTo(_aux, 0);
        _head = 0;
        _count = state.Keys.Length;
        _shift = state.Shift;
        _sum = state.Sum;
        _squares = state.Squares;
        _sinceExact = state.SinceExact;
        _equalRun = state.EqualRun;
    }

    /// <summary>Forgets every sample, as if none had been pushed.</summary>
    public void Clear()
    {
        _head = 0;
        _count = 0;
        _shift = 0;
        _sum = 0;
        _squares = 0;
        _sinceExact = 0;
        _equalRun = 0;
    }

    /// <summary>Drops samples that no lookup at <paramref name="position"/> or later can need: all but the latest at or before the window's start.</summary>
    private void Trim(long position)
    {
        long start = position - Span;
        while (_count >= 2 && _keys[Index(1)] <= start)
        {
            if (_statistics)
            {
                double d = _values[_head] - _shift;
                _sum -= d;
                _squares -= d * d;
            }

            _head = Index(1);
            _count--;
            if (_statistics && ++_sinceExact >= Math.Max(_count, 16))
            {
                Recompute();
            }
        }

        if (_equalRun > _count)
        {
            _equalRun = _count;
        }
    }

    private void Recompute()
    {
        _sinceExact = 0;
        if (_count == 0)
        {
            _sum = 0;
            _squares = 0;
            return;
        }

        double total = 0;
        for (int i = 0; i < _count; i++)
        {
            total += _values[Index(i)];
        }

        _shift = total / _count;
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < _count; i++)
        {
            double d = _values[Index(i)] - _shift;
            sum += d;
            squares += d * d;
        }

        _sum = sum;
        _squares = squares;
    }

    private int Index(int offset)
    {
        int index = _head + offset;
        return index >= _keys.Length ? index - _keys.Length : index;
    }

    private void Grow()
    {
        int capacity = _keys.Length * 2;
        var keys = new long[capacity];
        var values = new double[capacity];
        var aux = new double[capacity];
        for (int i = 0; i < _count; i++)
        {
            int slot = Index(i);
            keys[i] = _keys[slot];
            values[i] = _values[slot];
            aux[i] = _aux[slot];
        }

        _keys = keys;
        _values = values;
        _aux = aux;
        _head = 0;
    }
}
