using System.Diagnostics;
using Monitor.Core.Rules;

namespace Monitor.Grains.Telemetry;

/// <summary>
/// Times a grain's <see cref="RuleSet"/> over one batch (an ingest call, a replay, a rule grain's release): a timestamp
/// before and after each step, summed, and one measurement per batch, so the hot path allocates nothing and the
/// metric costs two clock reads per tick. A grain without rules is not timed.
/// </summary>
public sealed class RuleEvaluationTimer(string grain)
{
    private readonly KeyValuePair<string, object?> _tag = new("grain", grain);
    private long _elapsed;
    private int _evaluations;
    private bool _timed;

    /// <summary>The start of a step, or 0 when <paramref name="rules"/> is empty.</summary>
    public static long Start(RuleSet rules) => rules.Rules.Count > 0 ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Ends a step that fed the rules <paramref name="evaluations"/> ticks and bar closes.</summary>
    public void Stop(long started, int evaluations)
    {
        if (started != 0)
        {
            _elapsed += Stopwatch.GetTimestamp() - started;
            _evaluations += evaluations;
            _timed = true;
        }
    }

    /// <summary>Records the batch timed since the last call, if any.</summary>
    public void Record()
    {
        if (!_timed)
        {
            return;
        }

        MonitorMetrics.RuleEvaluationDuration.Record(Stopwatch.GetElapsedTime(0, _elapsed).TotalMilliseconds, _tag);
        MonitorMetrics.RuleEvaluations.Add(_evaluations, _tag);
        (_elapsed, _evaluations, _timed) = (0, 0, false);
    }
}
