using Monitor.Core.Expressions;
using Monitor.Core.Market;
using Monitor.Core.Rules;
using Xunit.Abstractions;

namespace Monitor.Core.Tests.Rules;

/// <summary>
/// Evaluation is incremental: 100,000 bars per rule type, with the bytes allocated by every event measured. Events
/// that raise no transition allocate nothing, in either half of the run: a window's ring grows a few times while it
/// fills, and a garbage collection triggered by tests running in parallel can shift the thread's byte count by part
/// of an allocation quantum, so a handful of events may show bytes, never a steady cost per bar. A transition
/// allocates its alert and no more than a few kilobytes. No timing assertions: a rescan of history would show as
/// allocation, or as a run that does not finish.
/// </summary>
public sealed class RuleCostTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(RuleScenarios.TypeData), MemberType = typeof(RuleScenarios))]
    public void HundredThousandBars_AllocateNothingPerBarBesidesTransitions(string type) =>
        AssertIncremental(type, RuleScenarios.Rule(type));

    [Theory]
    [MemberData(nameof(RuleScenarios.ExpressionTypeData), MemberType = typeof(RuleScenarios))]
    public void HundredThousandBars_ExpressionAllocatesNothingPerBarBesidesTransitions(string type) =>
        AssertIncremental(type, ExpressionEquivalent.For(RuleScenarios.Rule(type)));

    /// <summary>
    /// <c>activeWhen</c> is checked at every bar. An expression rule limited to NYSE Arca's session, fed four weeks of
    /// one-minute bars (inside the session six and a half hours of each weekday, outside it the rest of the time),
    /// allocates nothing per bar on either side once its first week has filled the calendar's holidays of the year and
    /// the window's ring.
    /// </summary>
    [Fact]
    public void MinuteBarsInsideAndOutsideActiveWhen_ExpressionAllocatesNothingPerBar()
    {
        var rule = ExpressionEquivalent.For(RuleRunner.Rule("percentMove", """{"input":"COMEX:SI","window":"PT30M","minPct":0.5}""", interval: "1m")) with
        {
            ActiveWhen = RuleActiveTimes.Parse("""{"calendar":"nyse-arca","when":"open"}"""),
        };
        var silver = InstrumentId.Parse("COMEX:SI");
        var set = new RuleSet();
        var transitions = new List<AlertTransition>();
        set.Put(rule, transitions);
        var random = new Random(3);
        double price = 30;
        var monday = new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
        int inside = 0, outside = 0, allocating = 0, raised = 0;
        long quietBytes = 0;
        for (int minute = 0; minute < 4 * 7 * 24 * 60; minute++)
        {
            var time = monday.AddMinutes(minute);
            price *= 1 + (0.004 * (random.NextDouble() - 0.5));
            long before = GC.GetAllocatedBytesForCurrentThread();
            set.OnBarClosed(silver, BarInterval.OneMinute, new Bar(time, price, price, price, price, 1), transitions);
            set.AdvanceTo(time.AddMinutes(1), transitions);
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (minute < 7 * 24 * 60 || transitions.Count > 0)
            {
                raised += transitions.Count;
                transitions.Clear();
                continue;
            }

            bool active = set.Find(rule.Id)!.Status.Outcome != RuleOutcome.Inactive;
            inside += active ? 1 : 0;
            outside += active ? 0 : 1;
            quietBytes += bytes;
            allocating += bytes > 0 ? 1 : 0;
        }

        output.WriteLine($"{inside} bars inside, {outside} outside, {raised} transitions; {quietBytes} B in {allocating} bars without transitions");
        Assert.True(inside > 4_000 && outside > 20_000 && raised > 10, "the scenario does not exercise both sides of activeWhen and the rule");
        Assert.True(allocating <= 10 && quietBytes < inside + outside, $"{quietBytes} B in {allocating} bars without transitions");
    }

    private void AssertIncremental(string type, RuleDefinition rule)
    {
        var events = RuleScenarios.Events(type, 140_000, seed: 11);
        var set = new RuleSet();
        var transitions = new List<AlertTransition>();
        set.Put(rule, transitions);
        int half = events.Length / 2;

        var first = Measure(set, events, 0, half, transitions);
        var second = Measure(set, events, half, events.Length, transitions);

        output.WriteLine($"{type}: {first} | {second}");
        Assert.True(first.Bars + second.Bars >= 100_000);
        Assert.True(first.Transitions > 100 && second.Transitions > 100, "the rule hardly fires: the run measures nothing interesting");
        Assert.True(first.AllocatingQuietEvents <= 50, $"first half: {first.AllocatingQuietEvents} events without a transition allocated");
        Assert.True(second.AllocatingQuietEvents <= 10, $"second half: {second.AllocatingQuietEvents} events without a transition allocated");
        Assert.True(first.QuietBytesPerBar < 1 && second.QuietBytesPerBar < 1, $"{first.QuietBytesPerBar:0.00} and {second.QuietBytesPerBar:0.00} bytes per bar without a transition");
        Assert.True(second.BytesPerTransition < 4_096, $"{second.BytesPerTransition:0} bytes per transition");
    }

    private static Cost Measure(RuleSet set, RuleEvent[] events, int from, int to, List<AlertTransition> transitions)
    {
        int bars = 0;
        int raised = 0;
        int allocating = 0;
        long quiet = 0;
        long loud = 0;
        for (int i = from; i < to; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            RuleRunner.Feed(set, events, i, transitions);
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            bars += events[i].Kind == RuleEventKind.Bar ? 1 : 0;
            if (transitions.Count == 0)
            {
                quiet += bytes;
                allocating += bytes > 0 ? 1 : 0;
            }
            else
            {
                loud += bytes;
                raised += transitions.Count;
                transitions.Clear();
            }
        }

        return new Cost(bars, raised, quiet, allocating, loud);
    }

    private readonly record struct Cost(int Bars, int Transitions, long QuietBytes, int AllocatingQuietEvents, long TransitionBytes)
    {
        public double QuietBytesPerBar => QuietBytes / (double)Bars;

        public double BytesPerTransition => TransitionBytes / (double)Math.Max(1, Transitions);

        public override string ToString() =>
            $"{Bars} bars, {QuietBytes} B in {AllocatingQuietEvents} events without transitions, {Transitions} transitions at {BytesPerTransition:0} B each";
    }
}
