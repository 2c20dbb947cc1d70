using Monitor.Core.Rules;

namespace Monitor.Core.Backtesting;

/// <summary>Accumulates a <see cref="RuleStatistics"/> from a rule's transitions and the forward returns of its firings.</summary>
internal sealed class RuleStatisticsBuilder(RuleDefinition rule)
{
    private readonly double[] _returnSums = new double[RuleStatistics.Horizons.Count];
    private readonly int[] _returnCounts = new int[RuleStatistics.Horizons.Count];
    private int _fired;
    private int _resolved;
    private int _pendingOnly;
    private int _flapping;
    private double _durationBars;
    private DateTimeOffset? _lastEnd;

    public void Add(AlertTransition transition)
    {
        var alert = transition.Alert;
        if (transition.To == AlertState.Firing)
        {
            _fired++;
            if (_lastEnd is { } end && alert.StartedAt - end <= rule.Interval.Length * RuleStatistics.FlapBars)
            {
                _flapping++;
            }
        }
        else if (transition.To == AlertState.Resolved)
        {
            _lastEnd = transition.At;
            if (alert.FiredAt is { } fired)
            {
                _resolved++;
                _durationBars += (transition.At - fired) / rule.Interval.Length;
            }
            else
            {
                _pendingOnly++;
            }
        }
    }

    public void AddReturn(int horizon, double percent)
    {
        _returnSums[horizon] += percent;
        _returnCounts[horizon]++;
    }

    public RuleStatistics Build(TimeSpan covered)
    {
        var returns = new Dictionary<string, double?>(StringComparer.Ordinal);
        for (int i = 0; i < RuleStatistics.Horizons.Count; i++)
        {
            returns[RuleStatistics.Horizons[i].Name] = _returnCounts[i] > 0 ? _returnSums[i] / _returnCounts[i] : null;
        }

        return new RuleStatistics(
            _fired,
            _resolved,
            _pendingOnly,
            _resolved > 0 ? _durationBars / _resolved : null,
            covered > TimeSpan.Zero ? _fired / covered.TotalDays : null,
            _flapping,
            returns);
    }
}
