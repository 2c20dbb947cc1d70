namespace Monitor.Core.Indicators;

/// <summary>The last <see cref="Capacity"/> values of a series, newest last.</summary>
internal sealed class RingBuffer
{
    private readonly double[] _items;
    private int _next;

    public RingBuffer(int capacity) => _items = new double[capacity];

    public int Capacity => _items.Length;

    public int Count { get; private set; }

    public bool IsFull => Count == _items.Length;

    /// <summary>The value <paramref name="ago"/> steps back; 0 is the newest.</summary>
    public double this[int ago]
    {
        get
        {
            int i = _next - 1 - ago;
            return _items[i < 0 ? i + _items.Length : i];
        }
    }

    /// <summary>The values held, oldest first, as two contiguous runs (the second empty until the buffer wraps).</summary>
    public void GetSegments(out ReadOnlySpan<double> older, out ReadOnlySpan<double> newer)
    {
        if (IsFull)
        {
            older = _items.AsSpan(_next);
            newer = _items.AsSpan(0, _next);
        }
        else
        {
            older = _items.AsSpan(0, Count);
            newer = default;
        }
    }

    /// <summary>The oldest value still held.</summary>
    public double Oldest => IsFull ? _items[_next] : _items[0];

    /// <summary>Adds a value; returns the one it pushed out (0 while not full).</summary>
    public double Push(double value)
    {
        double evicted = IsFull ? _items[_next] : 0;
        _items[_next] = value;
        _next = _next + 1 == _items.Length ? 0 : _next + 1;
        if (Count < _items.Length)
        {
            Count++;
        }

        return evicted;
    }

    public void Clear()
    {
        Count = 0;
        _next = 0;
    }
}
