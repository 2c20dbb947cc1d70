namespace Monitor.Core.Expressions;

/// <summary>
/// The largest (or smallest) of keyed samples that arrive in key order, as samples leave at the old end: a
/// monotonic queue in a ring that grows only while the window fills. O(1) amortised per sample, no allocation after.
/// </summary>
internal sealed class RollingExtreme(bool keepLargest)
{
    private long[] _keys = new long[8];
    private double[] _values = new double[8];
    private int _head;
    private int _count;

    public int Count => _count;

    public double Front => _values[_head];

    public void Push(long key, double value)
    {
        // A newer sample at least as extreme outlives the older ones it beats: they can never be the extreme again.
        while (_count > 0 && (keepLargest ? _values[Index(_count - 1)] <= value : _values[Index(_count - 1)] >= value))
        {
            _count--;
        }

        if (_count == _keys.Length)
        {
            Grow();
        }

        int slot = Index(_count++);
        _keys[slot] = key;
        _values[slot] = value;
    }

    /// <summary>Drops the samples keyed at or before <paramref name="key"/> (the window's start).</summary>
    public void DropThrough(long key)
    {
        while (_count > 0 && _keys[_head] <= key)
        {
            _head = Index(1);
            _count--;
        }
    }

    public void Clear()
    {
        _head = 0;
        _count = 0;
    }

    private int Index(int offset)
    {
        int index = _head + offset;
        return index >= _keys.Length ? index - _keys.Length : index;
    }

    private void Grow()
    {
        var keys = new long[_keys.Length * 2];
        var values = new double[_keys.Length * 2];
        for (int i = 0; i < _count; i++)
        {
            keys[i] = _keys[Index(i)];
            values[i] = _values[Index(i)];
        }

        _keys = keys;
        _values = values;
        _head = 0;
    }
}
