using Monitor.Core.Indicators;
using Monitor.Core.Market;

namespace Monitor.Server.Api;

/// <summary>
/// Indicator values per bar for <c>GET /api/v1/instruments/{id}/bars?indicator=sma(20)&amp;indicator=macd(12,26,9)</c>,
/// computed by the same Monitor.Core indicators the grains and rules use, so a chart overlay shows the numbers a rule
/// sees. Each indicator is fed its convergence window of older bars first.
/// </summary>
internal sealed class BarIndicators
{
    public const int MaxIndicators = 12;

    private readonly Indicator[] _indicators;

    private BarIndicators(Indicator[] indicators) => _indicators = indicators;

    /// <summary>Bars to read before the first one shown, so every value shown has converged.</summary>
    public int WarmUpBars => _indicators.Length == 0 ? 0 : _indicators.Max(i => i.ConvergencePeriod);

    public static bool TryCreate(string?[] specs, out BarIndicators indicators, out string error)
    {
        indicators = new BarIndicators([]);
        error = "";
        if (specs.Length > MaxIndicators)
        {
            error = $"At most {MaxIndicators} 'indicator' parameters, got {specs.Length}.";
            return false;
        }

        var created = new Indicator[specs.Length];
        for (int i = 0; i < specs.Length; i++)
        {
            if (!IndicatorSpec.TryCreate(specs[i], out created[i], out string problem))
            {
                error = $"'indicator': {problem}.";
                return false;
            }
        }

        indicators = new BarIndicators(created);
        return true;
    }

    /// <summary>
    /// Feeds <paramref name="closed"/> (oldest first) and returns, for each of its last <paramref name="shown"/> bars,
    /// the values that have one after that bar (keys as in the hub's <c>indicators</c>).
    /// </summary>
    public List<Dictionary<string, double>> Compute(IReadOnlyList<Bar> closed, int shown)
    {
        var rows = new List<Dictionary<string, double>>(Math.Min(shown, closed.Count));
        for (int b = 0; b < closed.Count; b++)
        {
            foreach (var indicator in _indicators)
            {
                indicator.Update(closed[b]);
            }

            if (b >= closed.Count - shown)
            {
                rows.Add(CurrentValues());
            }
        }

        return rows;
    }

    private Dictionary<string, double> CurrentValues()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var indicator in _indicators)
        {
            for (int o = 0; o < indicator.Outputs.Count; o++)
            {
                if (indicator.Output(o) is { } value)
                {
                    values[indicator.OutputKey(o)] = value;
                }
            }
        }

        return values;
    }
}
