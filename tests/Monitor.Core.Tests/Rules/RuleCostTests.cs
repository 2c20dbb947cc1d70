using Monitor.Core.Expressions;
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
