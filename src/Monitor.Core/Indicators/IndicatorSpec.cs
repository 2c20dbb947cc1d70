using System.Globalization;
using System.Text;

namespace Monitor.Core.Indicators;

/// <summary>
/// Turns spec strings such as <c>sma(20)</c>, <c>macd(12,26,9)</c> or <c>bb(20,2)</c> into indicators, and names
/// outputs such as <c>macd(12,26,9).signal</c>. Names are case-insensitive; omitted parameters take the usual
/// defaults (<c>rsi</c> is <c>rsi(14)</c>).
/// </summary>
public static class IndicatorSpec
{
    /// <summary>Longest window accepted, so a careless spec cannot ask for gigabytes.</summary>
    public const int MaxPeriod = 100_000;

    private static readonly Definition[] Definitions =
    [
        new("sma", [Period("period", 20)], p => new SimpleMovingAverage(p.Int(0))),
        new("ema", [Period("period", 20)], p => new ExponentialMovingAverage(p.Int(0))),
        new("wma", [Period("period", 20)], p => new WeightedMovingAverage(p.Int(0))),
        new("rsi", [Period("period", 14)], p => new RelativeStrengthIndex(p.Int(0))),
        new("macd", [Period("fast", 12), Period("slow", 26), Period("signal", 9)], p =>
            p.Int(0) < p.Int(1)
                ? new MovingAverageConvergenceDivergence(p.Int(0), p.Int(1), p.Int(2))
                : throw new FormatException($"{p.Text}: the fast period ({p.Int(0)}) must be shorter than the slow period ({p.Int(1)})")),
        new("bb", [Period("period", 20), Multiplier("deviations", 2)], p => new BollingerBands(p.Int(0), p[1])),
        new("atr", [Period("period", 14)], p => new AverageTrueRange(p.Int(0))),
        new("stoch", [Period("period", 14), Period("k", 3), Period("d", 3)], p => new Stochastic(p.Int(0), p.Int(1), p.Int(2))),
        new("adx", [Period("period", 14)], p => new AverageDirectionalIndex(p.Int(0))),
        new("obv", [], _ => new OnBalanceVolume()),
        new("stddev", [Period("period", 20)], p => new StandardDeviation(p.Int(0))),
        new("roc", [Period("period", 20)], p => new RateOfChange(p.Int(0))),
        new("donchian", [Period("period", 20)], p => new DonchianChannels(p.Int(0))),
        new("keltner", [Period("emaPeriod", 20), Multiplier("multiplier", 2), Period("atrPeriod", 10)], p => new KeltnerChannels(p.Int(0), p[1], p.Int(2))),
        new("cci", [Period("period", 20)], p => new CommodityChannelIndex(p.Int(0))),
        new("willr", [Period("period", 14)], p => new WilliamsR(p.Int(0))),
        new("vwap", [], _ => new VolumeWeightedAveragePrice()),
        new("supertrend", [Period("period", 10), Multiplier("multiplier", 3)], p => new SuperTrend(p.Int(0), p[1])),
        new("bar", [], _ => new BarFields()),
    ];

    /// <summary>The indicator names understood, in the order of the contract.</summary>
    public static IReadOnlyList<string> Names { get; } = Definitions.Select(d => d.Name).ToArray();

    /// <summary>Creates the indicator a spec names, or throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Indicator Create(string spec) =>
        TryCreate(spec, out var indicator, out var error) ? indicator : throw new FormatException(error);

    public static bool TryCreate(string? spec, out Indicator indicator, out string error)
    {
        indicator = null!;
        if (!TrySplit(spec, out string name, out string? arguments, out error))
        {
            return false;
        }

        var definition = Array.Find(Definitions, d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (definition is null)
        {
            error = $"unknown indicator '{Printable(name)}' in '{Printable(spec!)}'; known: {string.Join(", ", Names)}";
            return false;
        }

        if (!definition.TryBind(spec!, arguments, out var parameters, out error))
        {
            return false;
        }

        try
        {
            indicator = definition.Create(parameters);
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Parses an output reference such as <c>macd(12,26,9).histogram</c> or <c>rsi(14)</c> (a single-output
    /// indicator, or the first output when none is named).
    /// </summary>
    public static bool TryCreateOutput(string? reference, out Indicator indicator, out int output, out string error)
    {
        output = 0;
        indicator = null!;
        if (string.IsNullOrWhiteSpace(reference))
        {
            error = "indicator reference is empty";
            return false;
        }

        int close = reference.LastIndexOf(')');
        int dot = reference.IndexOf('.', close < 0 ? 0 : close);
        string spec = dot < 0 ? reference : reference[..dot];
        if (!TryCreate(spec, out indicator, out error))
        {
            return false;
        }

        if (dot < 0)
        {
            return true;
        }

        string name = reference[(dot + 1)..].Trim();
        output = indicator.OutputIndex(name);
        if (output < 0)
        {
            error = $"'{Printable(reference)}': {indicator.Spec} has no output '{Printable(name)}'; its outputs are {string.Join(", ", indicator.Outputs)}";
            return false;
        }

        return true;
    }

    /// <summary>Canonical spec text: lower-case name, parameters in invariant shortest round-trip form.</summary>
    internal static string Format(string name, params double[] parameters)
    {
        if (parameters.Length == 0)
        {
            return name;
        }

        var builder = new StringBuilder(name).Append('(');
        for (int i = 0; i < parameters.Length; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append(parameters[i].ToString("R", CultureInfo.InvariantCulture));
        }

        return builder.Append(')').ToString();
    }

    private static bool TrySplit(string? spec, out string name, out string? arguments, out string error)
    {
        name = "";
        arguments = null;
        error = "";
        if (string.IsNullOrWhiteSpace(spec))
        {
            error = $"indicator spec is empty; examples: sma(20), macd(12,26,9), bb(20,2); known: {string.Join(", ", Names)}";
            return false;
        }

        if (spec.Length > 100)
        {
            error = $"indicator spec '{Printable(spec)}' is too long";
            return false;
        }

        string text = spec.Trim();
        int open = text.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            name = text;
            return true;
        }

        if (!text.EndsWith(')') || text.IndexOf(')', StringComparison.Ordinal) != text.Length - 1)
        {
            error = $"indicator spec '{Printable(spec)}' is malformed; write name(p1,p2,...) such as macd(12,26,9)";
            return false;
        }

        name = text[..open].Trim();
        arguments = text[(open + 1)..^1];
        return true;
    }

    private static string Printable(string text) => Market.UntrustedText.Printable(text);

    private static Parameter Period(string name, int defaultValue) => new(name, defaultValue, IsWhole: true);

    private static Parameter Multiplier(string name, double defaultValue) => new(name, defaultValue, IsWhole: false);

    private sealed record Parameter(string Name, double Default, bool IsWhole);

    private sealed class Values(string text, double[] values)
    {
        public string Text => text;

        public double this[int index] => values[index];

        public int Int(int index) => (int)values[index];
    }

    private sealed record Definition(string Name, Parameter[] Parameters, Func<Values, Indicator> Create)
    {
        private string Usage => Parameters.Length == 0
            ? Name
            : $"{Name}({string.Join(",", Parameters.Select(p => p.Name))})";

        public bool TryBind(string spec, string? arguments, out Values values, out string error)
        {
            values = null!;
            error = "";
            string[] parts = string.IsNullOrWhiteSpace(arguments) ? [] : arguments.Split(',');
            if (parts.Length > Parameters.Length || (parts.Length > 0 && parts.Length < Parameters.Length))
            {
                error = Parameters.Length == 0
                    ? $"'{Printable(spec)}': {Name} takes no parameters"
                    : $"'{Printable(spec)}': {Name} takes {Parameters.Length} parameter(s), {Usage}, got {parts.Length}";
                return false;
            }

            var bound = new double[Parameters.Length];
            for (int i = 0; i < Parameters.Length; i++)
            {
                var parameter = Parameters[i];
                if (parts.Length == 0)
                {
                    bound[i] = parameter.Default;
                    continue;
                }

                string part = parts[i].Trim();
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                {
                    error = $"'{Printable(spec)}': {parameter.Name} '{Printable(part)}' is not a number";
                    return false;
                }

                if (parameter.IsWhole && (value != Math.Floor(value) || value < 1 || value > MaxPeriod))
                {
                    error = $"'{Printable(spec)}': {parameter.Name} must be a whole number from 1 to {MaxPeriod}, got {Printable(part)}";
                    return false;
                }

                if (!parameter.IsWhole && (value <= 0 || value > 1000))
                {
                    error = $"'{Printable(spec)}': {parameter.Name} must be above 0 and at most 1000, got {Printable(part)}";
                    return false;
                }

                bound[i] = value;
            }

            values = new Values(spec, bound);
            return true;
        }
    }
}
