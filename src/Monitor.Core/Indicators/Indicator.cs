using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// A streaming technical indicator: fed one bar at a time, in O(1) per bar and without allocating.
/// Values follow the conventions of Stock.Indicators for .NET (see docs/indicators.md).
/// </summary>
/// <remarks>
/// An output without a value is <c>null</c>, never NaN or infinity: before the indicator has enough bars for it,
/// or where it is undefined (a band width around a zero centre line).
/// </remarks>
public abstract class Indicator
{
    private readonly string[] _outputs;

    protected Indicator(string spec, params string[] outputs)
    {
        Spec = spec;
        _outputs = outputs;
    }

    /// <summary>Canonical spec, such as <c>macd(12,26,9)</c>.</summary>
    public string Spec { get; }

    /// <summary>Output names in order; a single-output indicator has one, named after the indicator.</summary>
    public IReadOnlyList<string> Outputs => _outputs;

    /// <summary>Bars seen since construction or the last <see cref="Reset"/>.</summary>
    public int Samples { get; private set; }

    /// <summary>Bars needed before every output that can have a value has one.</summary>
    public abstract int WarmUpPeriod { get; }

    /// <summary>
    /// Bars after which a smoothed indicator no longer depends measurably on where it started; alert rules wait
    /// for it and a grain replays this many bars on activation. Equals <see cref="WarmUpPeriod"/> for
    /// indicators with a finite memory.
    /// </summary>
    public virtual int ConvergencePeriod => WarmUpPeriod;

    public bool IsReady => Samples >= WarmUpPeriod;

    /// <summary>True once the indicator is past its convergence window, so its values can be trusted.</summary>
    public bool IsConverged => Samples >= ConvergencePeriod;

    /// <summary>The first output, the one a single-output indicator has.</summary>
    public double? Current => Output(0);

    public void Update(in Bar bar)
    {
        Samples++;
        OnBar(bar);
    }

    /// <summary>The value of output <paramref name="index"/> (see <see cref="Outputs"/>), or null when it has none.</summary>
    public abstract double? Output(int index);

    /// <summary>Index of the output named <paramref name="name"/> (case-insensitive), or -1.</summary>
    public int OutputIndex(string name)
    {
        for (int i = 0; i < _outputs.Length; i++)
        {
            if (string.Equals(_outputs[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Column or key for output <paramref name="index"/>: the spec alone, or <c>spec.output</c>.</summary>
    public string OutputKey(int index) => _outputs.Length == 1 ? Spec : $"{Spec}.{_outputs[index]}";

    public void Reset()
    {
        Samples = 0;
        OnReset();
    }

    protected abstract void OnBar(in Bar bar);

    protected abstract void OnReset();

    /// <summary>Null for NaN or infinity, so an undefined result never escapes.</summary>
    protected static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary><paramref name="value"/> when <paramref name="has"/>, else null.</summary>
    protected static double? When(bool has, double value) => has && double.IsFinite(value) ? value : null;
}
