namespace Monitor.Core.Indicators;

/// <summary>
/// Highest high and lowest low of the last n bars, amortised O(1) per bar (monotonic queues of candidates).
/// </summary>
internal sealed class RollingExtremes
{
    private readonly MonotonicQueue _highs;
    private readonly MonotonicQueue _lows;
    private long _index;

    public RollingExtremes(int length)
    {
        Length = length;
        _highs = new MonotonicQueue(length, keepLargest: true);
        _lows = new MonotonicQueue(length, keepLargest: false);
    }

    public int Length { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == Length;

    public double Highest => _highs.Best;

    public double Lowest => _lows.Best;

    public void Add(double high, double low)
    {
        _highs.Add(_index, high);
        _lows.Add(_index, low);
        _index++;
        if (Count < Length)
        {
            Count++;
        }
    }

    public void Clear()
    {
        _highs.Clear();
        _lows.Clear();
        _index = 0;
        Count = 0;
    }

    /// <summary>Candidates for the extreme of a sliding window: newer values that beat older ones evict them.</summary>
    private sealed class MonotonicQueue(int length, bool keepLargest)
    {
        private readonly long[] _positions = new long[length];
        private readonly double[] _values = new double[length];
        private int _head;
        private int _count;

        public double Best => _values[_head];

        public void Add(long position, double value)
        {
            // Drop the front once it has left the window.
            if (_count > 0 && _positions[_head] <= position - length)
            {
                _head = _head + 1 == length ? 0 : _head + 1;
                _count--;
            }

            // Drop candidates the new value dominates.
            while (_count > 0)
            {
                int tail = _head + _count - 1;
                if (tail >= length)
                {
                    tail -= length;
                }

                bool dominated = keepLargest ? _values[tail] <= value : _values[tail] >= value;
                if (!dominated)
                {
                    break;
                }

                _count--;
            }

            int slot = _head + _count;
            if (slot >= length)
            {
                slot -= length;
            }

            _positions[slot] = position;
            _values[slot] = value;
            _count++;
        }

        public void Clear()
        {
            _head = 0;
            _count = 0;
        }
    }
}
