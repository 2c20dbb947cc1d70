using Monitor.Core.Expressions;
using System.Globalization;
using Monitor.Core.Rules;
using Monitor.Core.Tests.Rules;

namespace Monitor.Core.Tests.Expressions;

/// <summary>
/// Every built-in rule type written as an expression raises the same alerts (ids, states, times) on the same data:
/// the generated markets of <see cref="RuleScenarios"/>, long enough for hundreds of episodes each.
/// </summary>
public sealed class BuiltInParityTests
{
    [Theory]
    [MemberData(nameof(RuleScenarios.ExpressionTypeData), MemberType = typeof(RuleScenarios))]
    public void BuiltInWrittenAsExpression_RaisesTheSameAlerts(string type)
    {
        var builtIn = RuleScenarios.Rule(type);
        var expression = ExpressionEquivalent.For(builtIn);
        var events = RuleScenarios.Events(type, 3_000, seed: 5);

        var expected = RuleRunner.Run(builtIn, events).Select(Shape).ToArray();
        var actual = RuleRunner.Run(expression, events).Select(Shape).ToArray();

        Assert.True(expected.Length > 20, $"{type}: only {expected.Length} transitions; the comparison shows little");
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(RuleScenarios.ExpressionTypeData), MemberType = typeof(RuleScenarios))]
    public void ExpressionWithRestarts_RaisesWhatItRaisesWithout(string type)
    {
        var expression = ExpressionEquivalent.For(RuleScenarios.Rule(type));
        var events = RuleScenarios.Events(type, 1_500, seed: 8);

        var straight = RuleRunner.Run(expression, events).Select(RuleRunner.Describe).ToArray();
        var restarted = RuleRunner.RunWithRestarts(expression, events, every: 41, out int midEpisode).Select(RuleRunner.Describe).ToArray();

        Assert.Equal(straight, restarted);
        Assert.True(midEpisode > 0, "no restore happened while an alert was open");
    }

    /// <summary>What must agree: the alert's identity, state and times (messages and values are each type's own).</summary>
    private static string Shape(AlertTransition t) => string.Create(
        CultureInfo.InvariantCulture,
        $"{t.From}->{t.To} at {t.At:O} id={t.Alert.Id} [{string.Join(",", t.Alert.Instruments)}] started={t.Alert.StartedAt:O} fired={t.Alert.FiredAt:O} resolved={t.Alert.ResolvedAt:O}");
}
