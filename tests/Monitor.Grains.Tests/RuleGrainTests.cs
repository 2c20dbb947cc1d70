using System.Text;
using System.Text.Json;
using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Rules;
using Monitor.Storage;

namespace Monitor.Grains.Tests;

/// <summary>A rule grain over several instruments: how it waits for silent inputs and how it recovers from the stores.</summary>
public sealed class RuleGrainTests : IAsyncLifetime
{
    private static readonly InstrumentId Cash = InstrumentId.Parse("LME:CA.CASH");
    private static readonly InstrumentId Gold = InstrumentId.Parse("COMEX:GC");
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");

    private readonly GrainCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task SilentInput_IsWaitedForUntilItHasBeenIdleForInputIdleAfter()
    {
        var rule = RuleJson.Parse("""
            {"id":"ca-spread","type":"spread","interval":"1m","params":{"near":"LME:CA.CASH","far":"LME:CA","op":"above","value":20}}
            """).Rule!;
        await _cluster.Store.Rules.PutAsync(rule, _cluster.Time.GetUtcNow(), "test");
        var grain = _cluster.Grains.GetGrain<IRuleGrain>(rule.Id);
        await grain.SyncAsync();

        // Three minutes of the cash contract's ticks, with the bars its pipeline closed; the 3-month contract sends nothing.
        await grain.FeedAsync(Feed(Cash, _cluster.Time.GetUtcNow(), minutes: 3));
        var waiting = await grain.GetStatusAsync();
        _cluster.Time.Advance(new RuleGrainOptions().InputIdleAfter - TimeSpan.FromMilliseconds(500));
        var stillWaiting = await grain.GetStatusAsync();
        _cluster.Time.Advance(TimeSpan.FromMilliseconds(500));
        var evaluated = await grain.GetStatusAsync(); // queued behind the idle check the advance fired

        Assert.Equal("none", waiting!.Outcome);
        Assert.Equal("none", stillWaiting!.Outcome);
        Assert.Equal("missingInput", evaluated!.Outcome);
        Assert.Contains("LME:CA", evaluated.Input, StringComparison.Ordinal);
    }

    /// <summary>
    /// A crash before the rule grain first wrote its progress behind: what it saved when the rule was created (no tick
    /// applied yet) is all it finds on activation, and it catches up on every stored tick. Its indicators must then be
    /// rebuilt from the bars before those ticks, not from the newest bars stored, or the replay reads indicator values
    /// from the future and raises alerts the backtest does not.
    /// </summary>
    [Fact]
    public async Task ActivationFromStateSavedBeforeItsFirstTick_RaisesWhatABacktestOfTheStoreRaises()
    {
        var rule = RuleJson.Parse("""
            {"id":"gc-ema-cross","type":"expression","interval":"1m",
             "params":{"condition":"crossesAbove(COMEX:GC@ema(3), COMEX:GC@ema(8)) and COMEX:SI > 0"}}
            """).Rule!;
        await _cluster.Store.Rules.PutAsync(rule, _cluster.Time.GetUtcNow(), "test");
        var grain = _cluster.Grains.GetGrain<IRuleGrain>(rule.Id);
        await grain.SyncAsync();
        await _cluster.Cluster.DeactivateAsync(grain);

        // Four hours of both instruments' ticks and bars, stored as their grains store them; the rule grain heard nothing.
        var start = _cluster.Time.GetUtcNow();
        await StoreAsync(Gold, start, minutes: 240, i => 3_000 + (30 * Math.Sin(i * 2 * Math.PI / 90)));
        await StoreAsync(Silver, start, minutes: 240, i => 40 + Math.Sin(i / 7.0));

        await grain.GetStatusAsync();
        _cluster.Time.Advance(new RuleGrainOptions().InputIdleAfter + TimeSpan.FromMilliseconds(500));
        await grain.GetStatusAsync(); // queued behind the idle check the advance fired

        var stored = (await _cluster.Store.Rules.GetAsync(rule.Id))!.Parse().Rule!;
        var backtest = await new BacktestEngine([stored], BacktestEngine.IntervalsOf(InstrumentCatalog.BuiltIn()))
            .RunAsync(new StoreBacktestSource(_cluster.Store), null, null);
        var live = await _cluster.Store.Alerts.ListAsync(new AlertQuery { RuleId = rule.Id, Limit = 1_000 });
        Assert.True(backtest.Alerts.Count >= 5, $"the scenario raises {backtest.Alerts.Count} alerts: too few to compare");
        Assert.Equal(Json(backtest.Alerts), Json(live.Select(a => a.Alert)));
    }

    /// <summary>Stores a tick every 10 s, priced by its number, and the one-minute bars they close, as an instrument's grain does.</summary>
    private async Task StoreAsync(InstrumentId instrument, DateTimeOffset start, int minutes, Func<int, double> price)
    {
        var pipeline = new InstrumentPipeline(instrument, [BarInterval.OneMinute], []);
        var closed = new List<ClosedBar>();
        var ticks = new List<StoredTick>();
        var bars = new List<Bar>();
        for (int i = 0; i <= minutes * 6; i++)
        {
            var tick = new Tick(instrument, start.AddSeconds(10 * i), price(i), 1, i + 1);
            closed.Clear();
            pipeline.Apply(tick, closed);
            bars.AddRange(closed.Select(c => c.Bar));
            ticks.Add(new StoredTick(i + 1, tick.Time, tick.Price, tick.Volume, tick.Seq, Late: false));
        }

        await _cluster.Store.Ticks.AppendAsync(instrument, ticks.ToArray());
        await _cluster.Store.Bars.UpsertAsync(instrument, BarInterval.OneMinute, bars);
    }

    /// <summary>The alerts as their JSON, ordered by id.</summary>
    private static string[] Json(IEnumerable<Alert> alerts) =>
        [.. alerts.OrderBy(a => a.Id, StringComparer.Ordinal).Select(alert =>
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                AlertJson.Write(writer, alert);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        })];

    /// <summary>A tick every 10 s through a pipeline of one-minute bars, as the instrument's grain feeds them.</summary>
    private static RuleFeed Feed(InstrumentId instrument, DateTimeOffset start, int minutes)
    {
        var pipeline = new InstrumentPipeline(instrument, [BarInterval.OneMinute], []);
        var closed = new List<ClosedBar>();
        var fed = new List<FedTick>();
        for (int i = 0; i <= minutes * 6; i++)
        {
            var tick = new Tick(instrument, start.AddSeconds(10 * i), 9000 + i, 1, i + 1);
            closed.Clear();
            pipeline.Apply(tick, closed);
            fed.Add(new FedTick(tick, i + 1, closed.Count == 0 ? null : [.. closed]));
        }

        return new RuleFeed(instrument, 0, fed.Count, [.. fed]);
    }
}
