using System.Globalization;
using System.Text;
using Monitor.Core.Indicators;
using Monitor.Core.Market;
using Xunit.Sdk;

namespace Monitor.Core.Tests.Indicators;

/// <summary>Feeding indicators and comparing their outputs, with the tolerance of the reference's compare.py.</summary>
internal static class IndicatorAssert
{
    /// <summary>
    /// Updates <paramref name="indicator"/> with every bar and records each output after each bar: [output][bar].
    /// <paramref name="afterBar"/>, if given, sees the index of each bar just fed.
    /// </summary>
    public static double?[][] Stream(Indicator indicator, IReadOnlyList<Bar> bars, Action<int>? afterBar = null)
    {
        var values = Enumerable.Range(0, indicator.Outputs.Count).Select(_ => new double?[bars.Count]).ToArray();
        for (int i = 0; i < bars.Count; i++)
        {
            indicator.Update(bars[i]);
            afterBar?.Invoke(i);
            for (int o = 0; o < values.Length; o++)
            {
                values[o][i] = indicator.Output(o);
            }
        }

        return values;
    }

    /// <summary>compare.py's rule: within 1e-9 relative, or 1e-9 absolute near zero.</summary>
    public static bool AreClose(double expected, double actual) =>
        Math.Abs(expected - actual) <= 1e-9 * Math.Max(1.0, Math.Max(Math.Abs(expected), Math.Abs(actual)));

    /// <summary>Both empty, or both numbers and close.</summary>
    public static bool Matches(double? expected, double? actual) =>
        expected is null ? actual is null : actual is { } a && AreClose(expected.Value, a);

    /// <summary>Streams <paramref name="spec"/> over the bars and compares every output at every bar from <paramref name="from"/> with the textbook.</summary>
    public static void MatchesTextbook(string spec, IReadOnlyList<Bar> bars, int from = 0)
    {
        var indicator = IndicatorSpec.Create(spec);
        var expected = TextbookIndicators.Compute(indicator.Spec, bars);
        Assert.Equal(expected.Names, indicator.Outputs);
        var actual = Stream(indicator, bars);
        for (int o = 0; o < expected.Names.Count; o++)
        {
            SeriesMatch(indicator.OutputKey(o), expected.Values[o], actual[o], from);
        }
    }

    /// <summary>Fails with the first few mismatching bars of one output.</summary>
    public static void SeriesMatch(string label, double?[] expected, double?[] actual, int from = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        var report = new StringBuilder();
        int mismatches = 0;
        for (int i = from; i < expected.Length; i++)
        {
            if (Matches(expected[i], actual[i]))
            {
                continue;
            }

            if (++mismatches <= 5)
            {
                report.Append(CultureInfo.InvariantCulture, $"\n  bar {i}: expected {Show(expected[i])}, got {Show(actual[i])}");
            }
        }

        if (mismatches > 0)
        {
            throw new XunitException($"{label}: {mismatches} of {expected.Length - from} bars differ{report}");
        }
    }

    /// <summary>Streams a fresh <paramref name="spec"/> and asserts one output at every bar; null means "no value".</summary>
    public static void Values(string spec, IReadOnlyList<Bar> bars, string output, params double?[] expected)
    {
        var indicator = IndicatorSpec.Create(spec);
        int index = indicator.OutputIndex(output);
        Assert.True(index >= 0, $"{indicator.Spec} has no output '{output}'");
        SeriesMatch(indicator.OutputKey(index), expected, Stream(indicator, bars)[index]);
    }

    /// <summary>The index of the first bar where each output has a value (-1 for none).</summary>
    public static int[] FirstValues(double?[][] outputs) =>
        outputs.Select(series => Array.FindIndex(series, v => v.HasValue)).ToArray();

    private static string Show(double? value) =>
        value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "(none)";
}
