using System.Security.Cryptography;
using System.Text;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.MarketScript;

namespace Monitor.Core.Tests.Rules;

/// <summary>The lifecycle on its own: one condition result per evaluation in, transitions out.</summary>
public sealed class AlertStateMachineTests
{
    private static readonly string[] Instruments = ["COMEX:SI", "ETF:SLV"];

    private static AlertStateMachine Machine(int pending = 0, int keep = 0) =>
        new(RuleRunner.Rule("threshold", """{"input":"COMEX:SI","op":"above","value":1}""", pending, keep) with { Id = "r" }, Instruments);

    /// <summary>Steps the machine through a pattern: T true, F false, - no result, B/U true bearish/bullish.</summary>
    private static List<AlertTransition> Steps(AlertStateMachine machine, string pattern)
    {
        var output = new List<AlertTransition>();
        for (int i = 0; i < pattern.Length; i++)
        {
            bool? condition = pattern[i] switch
            {
                'F' => false,
                '-' => null,
                _ => true,
            };
            string? direction = pattern[i] switch
            {
                'B' => "bearish",
                'U' => "bullish",
                _ => null,
            };
            machine.Step(Day(i + 1), condition, direction, new Details($"value {i}"), output);
        }

        return output;
    }

    private static string[] Summary(List<AlertTransition> transitions) => RuleRunner.Summary(transitions);

    [Fact]
    public void PendingBarsZero_FiresAtOnceInOneTransition()
    {
        var transitions = Steps(Machine(), "FFTTF");

        Assert.Equal(["firing@2", "resolved@4"], Summary(transitions));
        Assert.Null(transitions[0].From);
        Assert.Equal(transitions[0].Alert.StartedAt, transitions[0].Alert.FiredAt);
    }

    [Fact]
    public void PendingBars_FireAtTheNthFurtherTrueEvaluation()
    {
        Assert.Equal(["pending@0", "firing@2"], Summary(Steps(Machine(pending: 2), "TTTT")));
        Assert.Equal(["pending@0", "firing@3"], Summary(Steps(Machine(pending: 3), "TTTT")));
    }

    [Fact]
    public void ConditionClearingWhilePending_ResolvesWithoutFiring()
    {
        var transitions = Steps(Machine(pending: 2), "TTFTTT");

        Assert.Equal(["pending@0", "resolved@2", "pending@3", "firing@5"], Summary(transitions));
        Assert.Null(transitions[1].Alert.FiredAt);
        Assert.Equal(AlertState.Pending, transitions[1].From);
        Assert.NotEqual(transitions[0].Alert.Id, transitions[2].Alert.Id);
    }

    [Fact]
    public void KeepFiringBars_ResolveAtTheNextFalseAfterThem()
    {
        Assert.Equal(["firing@0", "resolved@3"], Summary(Steps(Machine(keep: 2), "TFFFF")));
        Assert.Equal(["firing@0", "resolved@1"], Summary(Steps(Machine(keep: 0), "TFFFF")));
    }

    [Fact]
    public void TrueWhileKeepingFiring_ResetsTheCount()
    {
        Assert.Equal(["firing@0", "resolved@9"], Summary(Steps(Machine(keep: 2), "TFFTFFTFFF")));
    }

    [Fact]
    public void EvaluationsWithoutAResult_NeitherAdvanceNorResolve()
    {
        Assert.Equal(["pending@0", "firing@5"], Summary(Steps(Machine(pending: 2), "T---TT")));
        Assert.Equal(["firing@0", "resolved@6"], Summary(Steps(Machine(keep: 1), "TF----F")));
    }

    [Fact]
    public void DirectionChange_EndsTheEpisodeAndStartsAnother()
    {
        var transitions = Steps(Machine(keep: 3), "BBUU");

        Assert.Equal(["firing@0", "resolved@2", "firing@2"], Summary(transitions));
        Assert.Equal("bearish", transitions[1].Alert.Direction);
        Assert.Equal("bullish", transitions[2].Alert.Direction);
    }

    [Fact]
    public void Message_StatesTheNumbersAtFiring_AndResolvedKeepsThem()
    {
        var transitions = Steps(Machine(pending: 1), "TTTF");

        Assert.Equal("value 0", transitions[0].Alert.Message);
        Assert.Equal("value 1", transitions[1].Alert.Message);
        Assert.Equal("value 1", transitions[2].Alert.Message);
        Assert.Equal(1, transitions[2].Alert.Values["n"]);
    }

    [Fact]
    public void Id_IsSha256OfRuleInstrumentsAndStart()
    {
        var transitions = Steps(Machine(), "T");

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes("r|COMEX:SI,ETF:SLV|2025-01-07T00:00:00.0000000Z"));
        Assert.Equal(Convert.ToHexStringLower(hash)[..32], transitions[0].Alert.Id);
        Assert.Equal(transitions[0].Alert.Id, Steps(Machine(), "T")[0].Alert.Id);
        Assert.Equal(
            AlertId.Create("r", Instruments, Day(1)),
            AlertId.Create("r", Instruments, Day(1).ToOffset(TimeSpan.FromHours(2))));
        Assert.NotEqual(AlertId.Create("r", Instruments, Day(1)), AlertId.Create("r", Instruments, Day(1).AddTicks(1)));
        Assert.NotEqual(AlertId.Create("r", Instruments, Day(1)), AlertId.Create("r2", Instruments, Day(1)));
    }

    [Fact]
    public void SaveAndRestore_ContinuesThePendingCount()
    {
        var machine = Machine(pending: 2);
        var first = Steps(machine, "TT");
        var saved = machine.SaveState();

        var restored = Machine(pending: 2);
        restored.RestoreState(saved);
        var output = new List<AlertTransition>();
        restored.Step(Day(3), true, null, new Details("value 2"), output);

        Assert.Equal(AlertState.Firing, Assert.Single(output).To);
        Assert.Equal(first[0].Alert.Id, output[0].Alert.Id);
    }

    private sealed class Details(string message) : IAlertDetails
    {
        public string Describe() => message;

        public void CopyValues(IDictionary<string, double> values) => values["n"] = double.Parse(message[6..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
