using System.Globalization;
using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Tests.Rules;

internal enum RuleEventKind
{
    Bar,
    Tick,
    Inventory,
}

/// <summary>One input event for a rule set; <see cref="Arrival"/> orders a script (ties keep insertion order).</summary>
internal readonly record struct RuleEvent(RuleEventKind Kind, InstrumentId Instrument, Bar Bar, Tick Tick, InventoryValue Inventory, long Arrival)
{
    public static RuleEvent Close(InstrumentId instrument, Bar bar) =>
        new(RuleEventKind.Bar, instrument, bar, default, default, bar.Time.UtcTicks + TimeSpan.TicksPerDay);

    public static RuleEvent At(Tick tick) => new(RuleEventKind.Tick, tick.Instrument, default, tick, default, tick.Time.UtcTicks);

    public static RuleEvent Published(InventoryValue value) =>
        new(RuleEventKind.Inventory, value.Instrument, default, default, value, value.PublishedAt.UtcTicks);
}

/// <summary>
/// Builds event streams on daily bars. Bar i opens at <see cref="Day"/>(i) and closes at Day(i + 1). By default an
/// inventory value for day i (asOf day i) is published at 23:00 on day i, so the close of bar i is the first
/// evaluation that sees it.
/// </summary>
internal sealed class MarketScript
{
    public static readonly DateTimeOffset Start = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    private readonly List<RuleEvent> _events = [];

    public static DateTimeOffset Day(double day) => Start.AddDays(day);

    public static DateOnly Date(int day) => DateOnly.FromDateTime(Start.AddDays(day).UtcDateTime);

    public static InstrumentId Id(string instrument) => InstrumentId.Parse(instrument);

    /// <summary>Daily closes from bar <paramref name="fromBar"/> on; <see cref="double.NaN"/> skips a bar (no trade that day).</summary>
    public MarketScript ClosesFrom(string instrument, int fromBar, params double[] closes)
    {
        for (int i = 0; i < closes.Length; i++)
        {
            if (!double.IsNaN(closes[i]))
            {
                double c = closes[i];
                _events.Add(RuleEvent.Close(Id(instrument), new Bar(Day(fromBar + i), c, c, c, c, 1)));
            }
        }

        return this;
    }

    public MarketScript Closes(string instrument, params double[] closes) => ClosesFrom(instrument, 0, closes);

    /// <summary>One value per day from <paramref name="fromDay"/> on (asOf that day, published 23:00 that day); NaN skips a day.</summary>
    public MarketScript Series(string instrument, string series, int fromDay, QuantityUnit unit, params double[] quantities)
    {
        for (int i = 0; i < quantities.Length; i++)
        {
            if (!double.IsNaN(quantities[i]))
            {
                Inventory(instrument, series, fromDay + i, Day(fromDay + i + (23.0 / 24)), quantities[i], unit);
            }
        }

        return this;
    }

    public MarketScript Inventory(string instrument, string series, int asOfDay, DateTimeOffset publishedAt, double quantity, QuantityUnit unit)
    {
        _events.Add(RuleEvent.Published(new InventoryValue(Id(instrument), series, Date(asOfDay), publishedAt, quantity, unit)));
        return this;
    }

    public MarketScript Tick(string instrument, DateTimeOffset time, double price)
    {
        _events.Add(RuleEvent.At(new Tick(Id(instrument), time, price, 1)));
        return this;
    }

    public MarketScript Add(RuleEvent e)
    {
        _events.Add(e);
        return this;
    }

    /// <summary>The events by arrival time; equal times keep the order they were added in.</summary>
    public RuleEvent[] Events() =>
        _events.Select((e, i) => (e, i)).OrderBy(x => x.e.Arrival).ThenBy(x => x.i).Select(x => x.e).ToArray();
}

/// <summary>Runs rules over event streams, with or without restarts, and describes what they raised.</summary>
internal static class RuleRunner
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static RuleDefinition Rule(
        string type,
        string parameters,
        int pendingBars = 0,
        int keepFiringBars = 0,
        string evaluate = "bar",
        string interval = "1d",
        string id = "rule-1")
    {
        string json = $$"""
            {"id":"{{id}}","name":"Test {{type}}","type":"{{type}}","severity":"warning","interval":"{{interval}}",
             "pendingBars":{{pendingBars}},"keepFiringBars":{{keepFiringBars}},"evaluate":"{{evaluate}}","params":
            """ + parameters + "}";
        var result = RuleJson.Parse(json);
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        return result.Rule!;
    }

    public static List<AlertTransition> Run(RuleDefinition rule, IEnumerable<RuleEvent> events) => Run(rule, events, out _);

    public static List<AlertTransition> Run(RuleDefinition rule, IEnumerable<RuleEvent> events, out RuleSet set)
    {
        set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(rule, output);
        var list = events as IReadOnlyList<RuleEvent> ?? events.ToArray();
        for (int i = 0; i < list.Count; i++)
        {
            Feed(set, list, i, output);
        }

        return output;
    }

    /// <summary>Feeds event <paramref name="i"/>; after the last event of an instant, advances the rule set to it.</summary>
    public static void Feed(RuleSet set, IReadOnlyList<RuleEvent> events, int i, List<AlertTransition> output)
    {
        Feed(set, events[i], output);
        if (i == events.Count - 1 || events[i + 1].Arrival != events[i].Arrival)
        {
            set.AdvanceTo(new DateTimeOffset(events[i].Arrival, TimeSpan.Zero), output);
        }
    }

    public static void Feed(RuleSet set, in RuleEvent e, List<AlertTransition> output)
    {
        switch (e.Kind)
        {
            case RuleEventKind.Bar:
                set.OnBarClosed(e.Instrument, BarInterval.OneDay, e.Bar, output);
                break;
            case RuleEventKind.Tick:
                set.OnTick(e.Tick, output);
                break;
            default:
                set.OnInventory(e.Inventory, output);
                break;
        }
    }

    /// <summary>
    /// Runs the rule, and before every <paramref name="every"/>-th event saves the rule set's state, round-trips it
    /// through JSON (as a grain's storage would), builds a fresh rule set from it and warms its indicators up, as the
    /// grains do, with the stored bars <see cref="RuleSet.WarmUpRange"/> asks for. <paramref name="restoredMidEpisode"/>
    /// counts restores that had an open alert.
    /// </summary>
    public static List<AlertTransition> RunWithRestarts(RuleDefinition rule, IReadOnlyList<RuleEvent> events, int every, out int restoredMidEpisode)
    {
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        var bars = new List<RuleEvent>();
        set.Put(rule, output);
        restoredMidEpisode = 0;
        for (int i = 0; i < events.Count; i++)
        {
            if (i > 0 && i % every == 0)
            {
                var saved = JsonSerializer.Deserialize<RuleSetState>(JsonSerializer.Serialize(set.SaveState(), Json), Json)!;
                restoredMidEpisode += saved.Rules.Count(r => r.Episode is not null);
                set = new RuleSet();
                set.Put(rule, output);
                set.RestoreState(saved, output);
                foreach (var stored in bars.GroupBy(b => b.Instrument))
                {
                    var range = set.WarmUpRange(stored.Key, BarInterval.OneDay);
                    foreach (var bar in stored.Where(b => b.Bar.Time >= range.From).TakeLast(range.Limit))
                    {
                        set.WarmUp(bar.Instrument, BarInterval.OneDay, bar.Bar);
                    }
                }
            }

            Feed(set, events, i, output);
            if (events[i].Kind == RuleEventKind.Bar)
            {
                bars.Add(events[i]);
            }
        }

        return output;
    }

    /// <summary>Every field of a transition, for comparing runs.</summary>
    public static string Describe(AlertTransition t)
    {
        var a = t.Alert;
        string values = string.Join(",", a.Values.OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value:R}")));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{t.From}->{t.To} at {t.At:O} id={a.Id} rule={a.RuleId} {a.Type} {a.Severity} [{string.Join(",", a.Instruments)}] {a.State} " +
            $"dir={a.Direction} started={a.StartedAt:O} fired={a.FiredAt:O} resolved={a.ResolvedAt:O} '{a.Message}' {values}");
    }

    /// <summary>"firing@12": the state reached and the bar whose close it happened at (bar i closes at Day(i + 1)).</summary>
    public static string[] Summary(IEnumerable<AlertTransition> transitions) =>
        transitions.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.To.ToText()}@{BarAt(t.At)}")).ToArray();

    public static string BarAt(DateTimeOffset time)
    {
        double bar = (time - MarketScript.Start).TotalDays - 1;
        return bar == Math.Floor(bar) ? bar.ToString(CultureInfo.InvariantCulture) : bar.ToString("0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>The status of the rule after the events.</summary>
    public static RuleStatus StatusAfter(RuleDefinition rule, IEnumerable<RuleEvent> events)
    {
        Run(rule, events, out var set);
        return set.Find(rule.Id)!.Status;
    }
}
