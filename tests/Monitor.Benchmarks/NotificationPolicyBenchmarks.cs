using System.Text;
using BenchmarkDotNet.Attributes;
using Monitor.Core.Notifications;
using Monitor.Core.Rules;

namespace Monitor.Benchmarks;

/// <summary>
/// Cost of the notification policy per alert transition: a policy of 100 routes (matchers on rule id, severity and
/// instrument regexes, a quarter with <c>continue</c>), 20 inhibition rules and a mute timing, over 4,000 firing and
/// resolved transitions of 2,000 alerts (200 rules over 20 instruments, seeded, over 30 days), in event time: each
/// transition routed and grouped, and every group flushed at its due times (grouping, inhibition, silences, mute
/// timings, repeats: about ten flushes per transition), as the policy runner and a backtest's replay drive the engine.
/// Mean is nanoseconds per transition.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class NotificationPolicyBenchmarks
{
    public const int Alerts = 2_000;
    public const int Routes = 100;
    public const int InhibitRules = 20;

    private static readonly string[] Instruments =
        [.. Enumerable.Range(0, 10).Select(i => $"COMEX:M{i}"), .. Enumerable.Range(0, 10).Select(i => $"ETF:E{i}")];

    private NotificationPolicy _policy = null!;
    private AlertTransition[] _transitions = [];

    [GlobalSetup]
    public void Setup()
    {
        var read = NotificationPolicyReader.Read(PolicyJson());
        _policy = read.Policy ?? throw new InvalidOperationException(string.Join("; ", read.Problems));
        var random = new Random(20_261_207);
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var transitions = new List<AlertTransition>(Alerts * 2);
        for (int i = 0; i < Alerts; i++)
        {
            var firedAt = start.AddMinutes(random.Next(0, 60 * 24 * 30));
            var severity = (AlertSeverity)random.Next(0, 3);
            var alert = new Alert(
                $"alert-{i}", $"rule-{random.Next(0, 200)}", "bench", RuleType.Threshold, severity, [Instruments[random.Next(Instruments.Length)]],
                AlertState.Firing, null, firedAt, firedAt, null, "bench", new Dictionary<string, double>());
            var resolvedAt = firedAt.AddMinutes(random.Next(1, 60 * 12));
            transitions.Add(new AlertTransition(AlertState.Pending, AlertState.Firing, firedAt, alert));
            transitions.Add(new AlertTransition(AlertState.Firing, AlertState.Resolved, resolvedAt, alert with { State = AlertState.Resolved, ResolvedAt = resolvedAt }));
        }

        _transitions = [.. transitions.OrderBy(t => t.At).ThenBy(t => t.Alert.Id, StringComparer.Ordinal)];
        if (Replay().Counts.Receivers.Values.Sum(c => c.Notifications) == 0)
        {
            throw new InvalidOperationException("the policy sends nothing on this data: nothing would be measured");
        }
    }

    [Benchmark(OperationsPerInvoke = Alerts * 2)]
    public NotificationReplayReport ReplayTransitions() => Replay();

    private NotificationReplayReport Replay()
    {
        var replay = new NotificationReplay(_policy, []);
        foreach (var transition in _transitions)
        {
            replay.Observe(transition);
        }

        return replay.Finish(_transitions[^1].At.AddDays(1));
    }

    /// <summary>100 routes under the root, 20 inhibition rules, receivers per desk, and a weekend mute timing.</summary>
    private static string PolicyJson()
    {
        var json = new StringBuilder();
        json.Append("""{"receivers":[{"name":"root","webhook":{"id":"w"}}""");
        for (int r = 0; r < 10; r++)
        {
            json.Append($$$""",{"name":"desk-{{{r}}}","webhook":{"id":"w{{{r}}}"}}""");
        }

        json.Append("""],"route":{"receiver":"root","groupBy":["ruleId"],"groupWait":"30s","groupInterval":"5m","repeatInterval":"4h","routes":[""");
        for (int i = 0; i < Routes; i++)
        {
            string matcher = (i % 4) switch
            {
                0 => $"ruleId=rule-{i * 2}",
                1 => $"instrument=~COMEX:M{i % 10}|ETF:E{i % 10}",
                2 => $"severity={(i % 3 == 0 ? "critical" : "warning")}",
                _ => $"ruleId=~rule-{i % 10}.*",
            };
            json.Append(i == 0 ? "" : ",").Append($$"""{"matchers":["{{matcher}}"],"receiver":"desk-{{i % 10}}","continue":{{(i % 4 == 1 ? "true" : "false")}}""");
            json.Append(i % 10 == 0 ? ""","muteTimeIntervals":["weekends"]}""" : "}");
        }

        json.Append("]},\"inhibitRules\":[");
        for (int i = 0; i < InhibitRules; i++)
        {
            json.Append(i == 0 ? "" : ",").Append($$"""{"sourceMatchers":["severity=critical","ruleId=~rule-{{i}}.*"],"targetMatchers":["severity=~warning|info"],"equal":["instrument"]}""");
        }

        json.Append("""],"timeIntervals":[{"name":"weekends","weekdays":["saturday","sunday"],"timeZone":"America/New_York"}]}""");
        return json.ToString();
    }
}
