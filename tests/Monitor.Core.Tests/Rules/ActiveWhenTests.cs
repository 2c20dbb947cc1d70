using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Tests.Rules;

/// <summary>
/// <c>activeWhen</c>: a percent move on an ETF over 15 minutes of one-minute bars, limited to NYSE Arca's session
/// (09:30-16:00 New York, 14:30-21:00 UTC in January). Friday 24 January 2025 closes at 100; Monday 27 January opens at
/// 112.
/// </summary>
public sealed class ActiveWhenTests
{
    private const string Session = """{"calendar":"nyse-arca","when":"open"}""";
    private static readonly InstrumentId Slv = InstrumentId.Parse("ETF:SLV");
    private static readonly DateTimeOffset FridayOpen = new(2025, 1, 24, 14, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FridayClose = new(2025, 1, 24, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MondayOpen = new(2025, 1, 27, 14, 30, 0, TimeSpan.Zero);

    [Fact]
    public void WeekendGap_WithoutActiveWhenComparedAsIfAMinute_WithItTheWindowStartsAgainMonday()
    {
        var bars = Minutes(FridayOpen, FridayClose, 100).Concat(Minutes(MondayOpen, MondayOpen.AddHours(1), 112)).ToList();

        var always = Run(Move(activeWhen: null), bars);
        var inSession = Run(Move(Session), bars);

        // The bar of 09:30 closes at 09:31: against Friday's close, as of fifteen minutes before.
        var gap = always[0];
        Assert.Equal(MondayOpen.AddMinutes(1), gap.At);
        Assert.Equal("ETF:SLV +12.0% over 15m (100.00 to 112.00)", gap.Alert.Message);
        Assert.Empty(inSession);
    }

    [Fact]
    public void AlertFiringAtTheClose_ResolvesWhenTheSessionEnds_AndAfterHoursBarsRaiseNothing()
    {
        // A 12% move ten minutes before Friday's close, then after-hours bars until 22:00 UTC.
        var bars = Minutes(FridayOpen, FridayClose.AddMinutes(-10), 100).Concat(Minutes(FridayClose.AddMinutes(-10), FridayClose.AddHours(1), 112)).ToList();
        var set = new RuleSet();

        var transitions = Run(Move(Session), bars, set);

        Assert.Equal(
            [$"firing at {FridayClose.AddMinutes(-9):HH:mm}", $"resolved at {FridayClose:HH:mm}"],
            transitions.Select(t => $"{t.To.ToText()} at {t.At:HH:mm}"));
        var status = set.Find("slv-move")!.Status;
        Assert.Equal(RuleOutcome.Inactive, status.Outcome);
        Assert.Equal(FridayClose.AddHours(1), status.At);
        Assert.Equal($"outside activeWhen {Session}: the rule raises nothing now", status.Describe());
    }

    [Fact]
    public void RestoredOverTheWeekend_ContinuesAsIfNeverStopped()
    {
        var friday = Minutes(FridayOpen, FridayClose, 100).ToList();
        var monday = Minutes(MondayOpen, MondayOpen.AddHours(1), 112).ToList();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        Run(Move(Session), friday, set);

        var saved = JsonSerializer.Deserialize<RuleSetState>(JsonSerializer.Serialize(set.SaveState()))!;
        var restored = new RuleSet();
        restored.Put(Move(Session), output);
        restored.RestoreState(saved, output);
        Feed(restored, monday, output);

        Assert.Equal(FridayClose.AddTicks(-1), saved.Rules.Single().ActiveThrough);
        Assert.Empty(output);
        Assert.Equal(RuleOutcome.ConditionFalse, restored.Find("slv-move")!.Status.Outcome);
    }

    [Fact]
    public void RecurringWindow_MinutesOutsideBetweenTwoBars_EndTheEpisode()
    {
        // Active on weekdays 10:00 to 11:00 and 11:05 to 12:00 UTC: the five minutes between break the stretch.
        const string Hours = """{"weekdays":["monday:friday"],"times":[{"start":"10:00","end":"11:00"},{"start":"11:05","end":"12:00"}]}""";
        var day = new DateTimeOffset(2025, 1, 27, 10, 0, 0, TimeSpan.Zero);
        var bars = Minutes(day, day.AddMinutes(50), 100).Concat(Minutes(day.AddMinutes(50), day.AddMinutes(59), 112))
            .Concat(Minutes(day.AddMinutes(65), day.AddMinutes(90), 112)).ToList();

        var transitions = Run(Move(Hours), bars);

        Assert.Equal(["firing at 10:51", "resolved at 11:00"], transitions.Select(t => $"{t.To.ToText()} at {t.At:HH:mm}"));
    }

    [Fact]
    public void Json_RoundTripsAsWritten_AndEveryProblemIsNamedByItsPath()
    {
        var rule = Move("""{"weekdays":["monday:friday"], "timeZone":"America/New_York","times":[{"start":"09:30","end":"16:00"}]}""");
        string written = RuleJson.Serialize(rule);

        Assert.Contains("""
            "activeWhen":{"weekdays":["monday:friday"],"timeZone":"America/New_York","times":[{"start":"09:30","end":"16:00"}]}
            """.Trim(), written, StringComparison.Ordinal);
        Assert.Equal(written, RuleJson.Serialize(RuleJson.Parse(written).Rule!));
        Assert.NotEqual(Move(null).Fingerprint(), rule.Fingerprint());

        var bad = RuleJson.Parse(MoveJson("""{"name":"x","calendar":"nasdaq","timeZone":"Europe/Atlantis","times":[{"start":"17:00","end":"09:00"}]}"""));
        Assert.Null(bad.Rule);
        Assert.Equal(
            ["activeWhen.calendar", "activeWhen.name", "activeWhen.timeZone", "activeWhen.when"],
            bad.Problems.Select(p => p.Field).Order(StringComparer.Ordinal));
        Assert.Contains("'Europe/Atlantis' is not a time zone", bad.Problems.Single(p => p.Field == "activeWhen.timeZone").Message, StringComparison.Ordinal);
        Assert.Contains("nyse-arca", bad.Problems.Single(p => p.Field == "activeWhen.calendar").Message, StringComparison.Ordinal);
        Assert.Equal("activeWhen", Assert.Single(RuleJson.Parse(MoveJson("\"always\"")).Problems).Field);
    }

    private static RuleDefinition Move(string? activeWhen) => RuleJson.Parse(MoveJson(activeWhen)).Rule
        ?? throw new InvalidOperationException(string.Join("; ", RuleJson.Parse(MoveJson(activeWhen)).Problems));

    private static string MoveJson(string? activeWhen) =>
        """{"id":"slv-move","type":"percentMove","interval":"1m","params":{"input":"ETF:SLV","window":"PT15M","minPct":10}"""
        + (activeWhen is null ? "}" : $",\"activeWhen\":{activeWhen}}}");

    /// <summary>One-minute bars opening from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), all at <paramref name="price"/>.</summary>
    private static IEnumerable<Bar> Minutes(DateTimeOffset from, DateTimeOffset to, double price)
    {
        for (var open = from; open < to; open = open.AddMinutes(1))
        {
            yield return new Bar(open, price, price, price, price, 1);
        }
    }

    private static List<AlertTransition> Run(RuleDefinition rule, IReadOnlyList<Bar> bars, RuleSet? set = null)
    {
        set ??= new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(rule, output);
        Feed(set, bars, output);
        return output;
    }

    /// <summary>Each bar at its close, then the rule set advanced to it, as a grain does after each batch.</summary>
    private static void Feed(RuleSet set, IEnumerable<Bar> bars, List<AlertTransition> output)
    {
        foreach (var bar in bars)
        {
            set.OnBarClosed(Slv, BarInterval.OneMinute, bar, output);
            set.AdvanceTo(bar.Time.AddMinutes(1), output);
        }
    }
}
