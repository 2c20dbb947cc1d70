using System.Globalization;

namespace Monitor.Core.Rules;

/// <summary>
/// <c>rsiDivergence</c>: at each close, compare with the previous <c>lookback</c> closes. Bearish when the close is
/// above the highest of them while rsi(<c>period</c>) is below its value at that high (a higher high on a lower RSI
/// high); bullish when the close is below the lowest of them while the RSI is above its value at that low. Ties
/// take the most recent extreme. Closes whose RSI is still converging are not recorded, so a divergence is never
/// read off an unconverged RSI. The highest and lowest come from monotonic queues: O(1) amortised per bar.
/// </summary>
internal sealed class RsiDivergenceCondition : RuleCondition
{
    private readonly RsiDivergenceParameters _p;
    private readonly double[] _closes;
    private readonly double[] _rsis;
    private readonly Extremes _highs;
    private readonly Extremes _lows;
    private long _count;
    private ConditionOutcome _outcome;
    private string _reason = "";

    public RsiDivergenceCondition(RuleDefinition rule, RsiDivergenceParameters p)
        : base(rule, [p.Input, Rsi(p)], ["close", "priorExtreme", "rsi", "priorRsi"])
    {
        _p = p;
        _closes = new double[p.Lookback];
        _rsis = new double[p.Lookback];
        _highs = new Extremes(_closes, p.Lookback, keepLargest: true);
        _lows = new Extremes(_closes, p.Lookback, keepLargest: false);
        NeedHistory(p.Lookback + 1);
    }

    public override void Sample(in RuleClock clock)
    {
        var price = Slots[0];
        var rsi = Slots[1];
        if (!price.Usable || !rsi.Usable)
        {
            _outcome = ConditionOutcome.NotReady;
            _reason = "the close or its RSI is not ready";
            return;
        }

        double close = price.EvalValue;
        double strength = rsi.EvalValue;
        if (_count >= _p.Lookback)
        {
            int high = (int)(_highs.Front % _p.Lookback);
            int low = (int)(_lows.Front % _p.Lookback);
            bool bearish = RuleMath.Above(close, _closes[high]) && RuleMath.Below(strength, _rsis[high]);
            bool bullish = RuleMath.Below(close, _closes[low]) && RuleMath.Above(strength, _rsis[low]);
            int prior = bullish ? low : high;
            Values[0] = close;
            Values[1] = _closes[prior];
            Values[2] = strength;
            Values[3] = _rsis[prior];
            Direction = bearish ? "bearish" : bullish ? "bullish" : null;
            _outcome = Holds(bearish || bullish);
        }
        else
        {
            _outcome = ConditionOutcome.NotReady;
            _reason = "fewer closes than the lookback";
        }

        Push(close, strength);
    }

    public override ConditionOutcome Evaluate(in RuleClock clock) =>
        _outcome == ConditionOutcome.NotReady ? NotReady(_reason) : _outcome;

    public override string Describe()
    {
        bool bearish = Direction == "bearish";
        string extreme = bearish ? "high" : "low";
        return $"{Slots[0].Input.Label} closed {RuleFormat.Number(Values[0])}, {(bearish ? "above" : "below")} its " +
            $"{_p.Lookback}-bar {extreme} {RuleFormat.Number(Values[1])}, while rsi({_p.Period}) " +
            $"{RuleFormat.Number(Values[2])} stayed {(bearish ? "under" : "over")} {RuleFormat.Number(Values[3])} at that {extreme}: " +
            $"{Direction} divergence";
    }

    /// <summary>[n, n closes oldest first, n RSI values], n up to the lookback.</summary>
    public override double[] SaveMemory()
    {
        int n = (int)Math.Min(_count, _p.Lookback);
        var memory = new double[1 + (2 * n)];
        memory[0] = n;
        for (int i = 0; i < n; i++)
        {
            int slot = (int)((_count - n + i) % _p.Lookback);
            memory[1 + i] = _closes[slot];
            memory[1 + n + i] = _rsis[slot];
        }

        return memory;
    }

    public override void RestoreMemory(double[] memory)
    {
        _count = 0;
        _highs.Clear();
        _lows.Clear();
        int n = memory.Length > 0 ? (int)memory[0] : 0;
        for (int i = 0; i < n; i++)
        {
            Push(memory[1 + i], memory[1 + n + i]);
        }
    }

    private static RuleInput Rsi(RsiDivergenceParameters p) =>
        RuleInput.Parse(string.Create(CultureInfo.InvariantCulture, $"{p.Input.Instrument}@rsi({p.Period})"));

    private void Push(double close, double strength)
    {
        int slot = (int)(_count % _p.Lookback);
        _closes[slot] = close;
        _rsis[slot] = strength;
        _highs.Add(_count);
        _lows.Add(_count);
        _count++;
    }

    /// <summary>Positions of the candidates for the highest (or lowest) close of the last <c>length</c>, best first.</summary>
    private sealed class Extremes(double[] closes, int length, bool keepLargest)
    {
        private readonly long[] _positions = new long[length + 1];
        private int _head;
        private int _size;

        public long Front => _positions[_head];

        public void Add(long position)
        {
            double value = closes[position % length];
            while (_size > 0)
            {
                long tail = _positions[(_head + _size - 1) % _positions.Length];
                double candidate = closes[tail % length];
                if (keepLargest ? candidate > value : candidate < value)
                {
                    break;
                }

                _size--;
            }

            _positions[(_head + _size) % _positions.Length] = position;
            _size++;
            while (_positions[_head] <= position - length)
            {
                _head = (_head + 1) % _positions.Length;
                _size--;
            }
        }

        public void Clear()
        {
            _head = 0;
            _size = 0;
        }
    }
}
