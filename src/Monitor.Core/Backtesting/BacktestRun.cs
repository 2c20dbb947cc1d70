using Monitor.Core.Market;
using Monitor.Core.Notifications;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;

namespace Monitor.Core.Backtesting;

/// <summary>
/// The state of one run while the merge feeds it: the <see cref="PipelineDriver"/>, the alerts as they stand, each rule's
/// statistics, the last price of every instrument and the forward returns still waiting for their horizon.
/// </summary>
internal sealed class BacktestRun
{
    private readonly PipelineDriver _driver;
    private readonly List<AlertTransition> _transitions = [];
    private readonly Dictionary<string, int> _alertIndex = new(StringComparer.Ordinal);
    private readonly List<Alert> _alerts = [];
    private readonly Dictionary<string, (RuleStatisticsBuilder Statistics, int Primary)> _rules = new(StringComparer.Ordinal);
    private readonly double[] _lastPrice;
    private readonly PriorityQueue<PendingReturn, long> _pendingReturns = new();
    private readonly int _maxAlerts;
    private readonly NotificationReplay? _notifications;
    private long _nextReturnDue = long.MaxValue;

    public BacktestRun(RuleSet rules, InstrumentId[] instruments, int maxAlerts, NotificationReplay? notifications = null)
    {
        _maxAlerts = maxAlerts;
        _notifications = notifications;
        _driver = new PipelineDriver(rules, AdvancePolicy.PerInstant);
        _lastPrice = new double[instruments.Length];
        Array.Fill(_lastPrice, double.NaN);
        foreach (var evaluator in rules.Rules)
        {
            int primary = Array.IndexOf(instruments, evaluator.PrimaryInstrument);
            _rules[evaluator.Definition.Id] = (new RuleStatisticsBuilder(evaluator.Definition), primary);
        }
    }

    public long Ticks { get; private set; }

    public long Duplicates { get; private set; }

    public long Late { get; private set; }

    public long Bars { get; private set; }

    public long InventoryValues { get; private set; }

    public long TransitionCount { get; private set; }

    public long FirstEvent { get; private set; } = long.MaxValue;

    public long LastEvent { get; private set; } = long.MinValue;

    public IReadOnlyList<Alert> Alerts => _alerts;

    /// <summary>Called before the event at <paramref name="time"/> is fed: forward returns due before it take the prices as they stand.</summary>
    public void Before(long time)
    {
        FirstEvent = Math.Min(FirstEvent, time);
        LastEvent = Math.Max(LastEvent, time);
        if (time > _nextReturnDue)
        {
            SettleReturns(time);
        }
    }

    public void Tick(TickStream stream, int instrument, in Tick tick)
    {
        Ticks++;
        switch (_driver.Tick(stream.Pipeline, tick, _transitions))
        {
            case TickDisposition.Duplicate:
                Duplicates++;
                return;
            case TickDisposition.Late:
                Late++;
                return;
        }

        Bars += _driver.LastClosed.Count;
        Collect(instrument, tick.Time, tick.Price);
    }

    public void Inventory(in InventoryValue value)
    {
        InventoryValues++;
        _driver.Inventory(value, _transitions);
        Collect(-1, default, double.NaN);
    }

    public void Bar(InstrumentId id, int instrument, BarInterval interval, in Bar bar)
    {
        Bars++;
        _driver.Bar(id, interval, bar, _transitions);
        Collect(instrument, bar.Time + interval.Length, bar.Close);
    }

    /// <summary>The end of the events: evaluations due by <paramref name="to"/> run, returns whose horizon the data reached settle.</summary>
    public void Finish(DateTimeOffset? to)
    {
        if (to is { } end)
        {
            _driver.Finish(end, _transitions);
        }
        else
        {
            _driver.Advance(_transitions);
        }

        Collect(-1, default, double.NaN);
        long last = to?.UtcTicks ?? LastEvent;
        SettleReturns(last == long.MaxValue ? last : last + 1);
    }

    public Dictionary<string, RuleStatistics> Statistics(TimeSpan covered) =>
        _rules.ToDictionary(r => r.Key, r => r.Value.Statistics.Build(covered), StringComparer.Ordinal);

    /// <summary>
    /// Takes the transitions the last event caused. A firing's forward returns start from its primary's price as of the
    /// firing: an event at <paramref name="time"/> priced <paramref name="price"/> counts only for firings at or after it.
    /// </summary>
    private void Collect(int instrument, DateTimeOffset time, double price)
    {
        double previous = instrument >= 0 ? _lastPrice[instrument] : double.NaN;
        if (instrument >= 0)
        {
            _lastPrice[instrument] = price;
        }

        if (_transitions.Count == 0)
        {
            return;
        }

        foreach (var transition in _transitions)
        {
            TransitionCount++;
            _notifications?.Observe(transition);
            var alert = transition.Alert;
            if (_alertIndex.TryGetValue(alert.Id, out int index))
            {
                _alerts[index] = alert;
            }
            else if (_alerts.Count == _maxAlerts)
            {
                throw new InvalidOperationException(
                    $"the rules raised more than {_maxAlerts:#,0} alerts (by {transition.At:O}); narrow the range or tighten the rules");
            }
            else
            {
                _alertIndex[alert.Id] = _alerts.Count;
                _alerts.Add(alert);
            }

            if (!_rules.TryGetValue(alert.RuleId, out var rule))
            {
                continue;
            }

            rule.Statistics.Add(transition);
            if (transition.To == AlertState.Firing && rule.Primary >= 0)
            {
                double basePrice = rule.Primary == instrument && transition.At < time ? previous : _lastPrice[rule.Primary];
                if (double.IsFinite(basePrice) && basePrice != 0)
                {
                    for (int h = 0; h < RuleStatistics.Horizons.Count; h++)
                    {
                        long due = (transition.At + RuleStatistics.Horizons[h].Horizon).UtcTicks;
                        _pendingReturns.Enqueue(new PendingReturn(rule.Statistics, rule.Primary, h, basePrice), due);
                    }

                    _nextReturnDue = _pendingReturns.TryPeek(out _, out long next) ? next : long.MaxValue;
                }
            }
        }

        _transitions.Clear();
    }

    /// <summary>Settles the returns due before <paramref name="time"/> with the last prices.</summary>
    private void SettleReturns(long time)
    {
        while (_pendingReturns.TryPeek(out var pending, out long due) && due < time)
        {
            _pendingReturns.Dequeue();
            double price = _lastPrice[pending.Instrument];
            pending.Statistics.AddReturn(pending.Horizon, (price / pending.BasePrice - 1) * 100);
        }

        _nextReturnDue = _pendingReturns.TryPeek(out _, out long next) ? next : long.MaxValue;
    }

    private readonly record struct PendingReturn(RuleStatisticsBuilder Statistics, int Instrument, int Horizon, double BasePrice);
}
