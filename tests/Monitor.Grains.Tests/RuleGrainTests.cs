using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
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
        var rule = await PutRuleAsync("""
            {"id":"ca-spread","type":"spread","interval":"1m","params":{"near":"LME:CA.CASH","far":"LME:CA","op":"above","value":20}}
            """);
        var grain = _cluster.Grains.GetGrain<IRuleGrain>(rule.Id);

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
        var rule = await PutRuleAsync("""
            {"id":"gc-ema-cross","type":"expression","interval":"1m",
             "params":{"condition":"crossesAbove(COMEX:GC@ema(3), COMEX:GC@ema(8)) and COMEX:SI > 0"}}
            """);
        var grain = _cluster.Grains.GetGrain<IRuleGrain>(rule.Id);
        await _cluster.Cluster.DeactivateAsync(grain);

        // Four hours of both instruments' ticks and bars, stored as their grains store them; the rule grain heard nothing.
        await Side(Gold, rule, grain, i => 3_000 + (30 * Math.Sin(i * 2 * Math.PI / 90))).StoreAsync(0, (240 * 6) + 1);
        await Side(Silver, rule, grain, i => 40 + Math.Sin(i / 7.0)).StoreAsync(0, (240 * 6) + 1);

        await grain.GetStatusAsync();
        _cluster.Time.Advance(new RuleGrainOptions().InputIdleAfter + TimeSpan.FromMilliseconds(500));
        await grain.GetStatusAsync(); // queued behind the idle check the advance fired

        await AssertRaisesWhatABacktestOfTheStoreRaisesAsync(rule.Id);
    }

    /// <summary>
    /// The instruments' feeds as their grains send them: of silver, read only through an indicator, the rule grain gets
    /// the bars and no tick; of gold, its clock, the bars and the ticks that opened each and set its close. What it raises is what a
    /// backtest of the store raises.
    /// </summary>
    [Fact]
    public async Task FedBarsAndTheTicksOpeningThemAndSettingTheirCloses_RaisesWhatABacktestOfTheStoreRaises()
    {
        var rule = await PutRuleAsync("""
            {"id":"gc-ema-cross-si-sma","type":"expression","interval":"1m",
             "params":{"condition":"crossesAbove(COMEX:GC@ema(3), COMEX:GC@ema(8)) and COMEX:SI@sma(3) > 0"}}
            """);
        var grain = new ForwardingRuleGrain(_cluster.Grains.GetGrain<IRuleGrain>(rule.Id));
        var inputs = new[] { Side(Gold, rule, grain, i => 3_000 + (30 * Math.Sin(i * 2 * Math.PI / 90))), Side(Silver, rule, grain, i => 40 + Math.Sin(i / 7.0)) };

        // Four hours, a tick of each every 10 s; each minute both grains store what came and feed the rule grain.
        for (int minute = 0; minute < 240; minute++)
        {
            foreach (var input in inputs)
            {
                await input.StoreAsync(minute * 6, 6);
                await input.FeedAsync();
            }
        }

        _cluster.Time.Advance(new RuleGrainOptions().InputIdleAfter + TimeSpan.FromMilliseconds(500));
        await grain.GetStatusAsync(); // queued behind the idle check the advance fired

        var silver = grain.Feeds.Where(f => f.Instrument == Silver).ToList();
        Assert.All(silver, f => Assert.Empty(f.Ticks));
        Assert.Equal(239, silver.Sum(f => f.Bars.Length));
        var gold = grain.Feeds.Where(f => f.Instrument == Gold).ToList();
        Assert.True(gold.Sum(f => f.Ticks.Length) <= 2 * 240, "gold's feed carries more than the ticks opening each bar and setting its close");
        await AssertRaisesWhatABacktestOfTheStoreRaisesAsync(rule.Id);
    }

    /// <summary>
    /// Silver's grain stored its ticks, but its feed is late past <see cref="RuleGrainOptions.InputIdleAfter"/> (a busy
    /// silo): before the rule grain evaluates gold's ticks without waiting for silver, it reads silver's stored ticks and
    /// merges them in, so it raises what a backtest of the store raises. The late feed then changes nothing.
    /// </summary>
    [Fact]
    public async Task FeedLateWhileItsTicksAreStored_TheStoredTicksAreMergedIn_RaisingWhatABacktestOfTheStoreRaises()
    {
        var rule = await PutRuleAsync("""
            {"id":"gsr-above-80","type":"expression","interval":"1m","evaluate":"tick","params":{"condition":"COMEX:GC / COMEX:SI > 80"}}
            """);
        var grain = _cluster.Grains.GetGrain<IRuleGrain>(rule.Id);
        var late = new ForwardingRuleGrain(grain) { Holding = true };
        var gold = Side(Gold, rule, grain, i => 2_400 + (60 * Math.Sin(i * 2 * Math.PI / 12)));
        var silver = Side(Silver, rule, late, i => 30 + (0.5 * Math.Cos(i * 2 * Math.PI / 9)), offset: 5);
        var reads = () => (_cluster.GrainTicks.Reads(Gold), _cluster.GrainTicks.Reads(Silver));
        var (goldReads, silverReads) = reads();

        // Half an hour of both, stored; gold's feed arrives, silver's does not.
        await gold.StoreAsync(0, 180);
        await silver.StoreAsync(0, 180);
        await gold.FeedAsync();
        await silver.FeedAsync();
        _cluster.Time.Advance(new RuleGrainOptions().InputIdleAfter + TimeSpan.FromMilliseconds(500));
        await grain.GetStatusAsync(); // queued behind the idle check the advance fired
        await late.ReleaseAsync();

        await AssertRaisesWhatABacktestOfTheStoreRaisesAsync(rule.Id);
        Assert.Equal((goldReads, silverReads + 1), reads());
    }

    /// <summary>
    /// The rule grain reads ticks from the store only to fill a gap: nothing while the feeds come, once for a lost feed,
    /// once per input on an activation with ticks stored past its progress, and nothing on one without.
    /// </summary>
    [Fact]
    public async Task CatchUp_ReadsTheStoreOncePerGap_AndNeverWhileTheFeedsCome()
    {
        var rule = await PutRuleAsync("""
            {"id":"gsr-above-80-on-close","type":"expression","interval":"1m","params":{"condition":"COMEX:GC / COMEX:SI > 80"}}
            """);
        var grain = _cluster.Grains.GetGrain<IRuleGrain>(rule.Id);
        var lossy = new ForwardingRuleGrain(grain);
        var gold = Side(Gold, rule, lossy, i => 2_400 + (60 * Math.Sin(i * 2 * Math.PI / 12)));
        var silver = Side(Silver, rule, grain, i => 30 + (0.5 * Math.Cos(i * 2 * Math.PI / 9)), offset: 5);
        var reads = () => (_cluster.GrainTicks.Reads(Gold), _cluster.GrainTicks.Reads(Silver));
        async Task MinutesAsync(int from, int count, bool feed = true)
        {
            for (int minute = from; minute < from + count; minute++)
            {
                foreach (var input in new[] { gold, silver })
                {
                    await input.StoreAsync(minute * 6, 6);
                    if (feed)
                    {
                        await input.FeedAsync();
                    }
                }
            }
        }

        // Deactivated before its first tick: the activation reads what was stored since once per input.
        await _cluster.Cluster.DeactivateAsync(grain);
        await MinutesAsync(0, 10, feed: false);
        await grain.GetStatusAsync();
        Assert.Equal((1, 1), reads());

        int probes = _cluster.GrainTicks.MarkProbes(Gold) + _cluster.GrainTicks.MarkProbes(Silver);
        await MinutesAsync(10, 20);
        Assert.Equal((1, 1), reads());
        Assert.Equal(probes, _cluster.GrainTicks.MarkProbes(Gold) + _cluster.GrainTicks.MarkProbes(Silver));

        // A feed of gold is lost: the next one shows the gap, read once.
        lossy.Losing = true;
        await MinutesAsync(30, 1);
        lossy.Losing = false;
        await MinutesAsync(31, 9);
        Assert.Equal((2, 1), reads());

        // Restarted with nothing stored past its progress (all of it released: nothing waits for a feed): nothing read.
        // With ticks stored meanwhile: once per input.
        _cluster.Time.Advance(new RuleGrainOptions().InputIdleAfter + TimeSpan.FromMilliseconds(500));
        await grain.GetStatusAsync(); // queued behind the idle check the advance fired
        await _cluster.Cluster.DeactivateAsync(grain);
        await grain.GetStatusAsync();
        Assert.Equal((2, 1), reads());
        await _cluster.Cluster.DeactivateAsync(grain);
        await MinutesAsync(40, 10, feed: false);
        await grain.GetStatusAsync();
        Assert.Equal((3, 2), reads());

        await MinutesAsync(50, 10);
        _cluster.Time.Advance(new RuleGrainOptions().InputIdleAfter + TimeSpan.FromMilliseconds(500));
        await grain.GetStatusAsync(); // queued behind the idle check the advance fired
        Assert.Equal((3, 2), reads());
        await AssertRaisesWhatABacktestOfTheStoreRaisesAsync(rule.Id);
    }

    /// <summary>Stores a rule and has its grain read it.</summary>
    private async Task<RuleDefinition> PutRuleAsync(string json)
    {
        var rule = RuleJson.Parse(json).Rule!;
        await _cluster.Store.Rules.PutAsync(rule, _cluster.Time.GetUtcNow(), "test");
        await _cluster.Grains.GetGrain<IRuleGrain>(rule.Id).SyncAsync();
        return rule;
    }

    private async Task AssertRaisesWhatABacktestOfTheStoreRaisesAsync(string ruleId)
    {
        var stored = (await _cluster.Store.Rules.GetAsync(ruleId))!.Parse().Rule!;
        var backtest = await new BacktestEngine([stored], BacktestEngine.IntervalsOf(InstrumentCatalog.BuiltIn()))
            .RunAsync(new StoreBacktestSource(_cluster.Store), null, null);
        var live = await _cluster.Store.Alerts.ListAsync(new AlertQuery { RuleId = ruleId, Limit = 1_000 });
        Assert.True(backtest.Alerts.Count >= 5, $"the scenario raises {backtest.Alerts.Count} alerts: too few to compare");
        Assert.Equal(Json(backtest.Alerts), Json(live.Select(a => a.Alert)));
    }

    /// <summary>An instrument's grain feeding <paramref name="grain"/>, its ticks every 10 s from the cluster's start, <paramref name="offset"/> later.</summary>
    private InstrumentSide Side(InstrumentId instrument, RuleDefinition rule, IRuleGrain grain, Func<int, double> price, int offset = 0) =>
        new(instrument, rule, grain, _cluster.Store, _cluster.Time.GetUtcNow().AddSeconds(offset), price);

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

    /// <summary>A tick every 10 s through a pipeline of one-minute bars, as the instrument's grain feeds them to a rule on its ticks.</summary>
    private static RuleFeed Feed(InstrumentId instrument, DateTimeOffset start, int minutes)
    {
        var pipeline = new InstrumentPipeline(instrument, [BarInterval.OneMinute], []);
        var closed = new List<ClosedBar>();
        var ticks = new List<FedTick>();
        var bars = new List<FedBar>();
        for (int i = 0; i <= minutes * 6; i++)
        {
            var tick = new Tick(instrument, start.AddSeconds(10 * i), 9000 + i, 1, i + 1);
            closed.Clear();
            pipeline.Apply(tick, closed);
            bars.AddRange(closed.Select(c => new FedBar(c.Bar, i + 1, tick.Time)));
            ticks.Add(new FedTick(tick, i + 1));
        }

        return new RuleFeed(instrument, 0, ticks.Count, [.. bars], [.. ticks]);
    }

    /// <summary>Passes feeds on to a grain and keeps them; or holds them back (a late feed), or loses them (a silo that died on the way).</summary>
    private sealed class ForwardingRuleGrain(IRuleGrain grain) : IRuleGrain
    {
        private readonly List<RuleFeed> _held = [];

        public List<RuleFeed> Feeds { get; } = [];

        public bool Holding { get; set; }

        public bool Losing { get; set; }

        public Task FeedAsync(RuleFeed feed)
        {
            Feeds.Add(feed);
            if (Losing)
            {
                return Task.FromException(new InvalidOperationException("the feed was lost"));
            }

            if (Holding)
            {
                _held.Add(feed);
                return Task.CompletedTask;
            }

            return grain.FeedAsync(feed);
        }

        /// <summary>Sends the feeds held back, and those to come at once.</summary>
        public async Task ReleaseAsync()
        {
            Holding = false;
            foreach (var feed in _held)
            {
                await grain.FeedAsync(feed);
            }

            _held.Clear();
        }

        public Task FeedInventoryAsync(InventoryBatch batch) => grain.FeedInventoryAsync(batch);

        public Task SyncAsync() => grain.SyncAsync();

        public Task<RuleStatusView?> GetStatusAsync() => grain.GetStatusAsync();
    }

    /// <summary>
    /// An instrument's grain as rule grains see it: a tick every 10 s from <paramref name="start"/>, priced by its
    /// number, through its pipeline of one-minute bars; the ticks and the bars they close stored as the grain stores
    /// them, and its <see cref="RuleGrainFeed"/> to the rule's grain.
    /// </summary>
    private sealed class InstrumentSide
    {
        private readonly InstrumentId _instrument;
        private readonly MonitorStore _store;
        private readonly DateTimeOffset _start;
        private readonly Func<int, double> _price;
        private readonly InstrumentPipeline _pipeline;
        private readonly RuleGrainFeed _feed;

        public InstrumentSide(InstrumentId instrument, RuleDefinition rule, IRuleGrain grain, MonitorStore store, DateTimeOffset start, Func<int, double> price)
        {
            (_instrument, _store, _start, _price) = (instrument, store, start, price);
            _pipeline = new InstrumentPipeline(instrument, [BarInterval.OneMinute], []);
            _feed = new RuleGrainFeed(instrument, _ => grain, new FakeTimeProvider(start), NullLogger.Instance);
            _feed.Track(rule.Id, rule);
            _feed.UpdateReaders(lastIndex: 0);
        }

        /// <summary>Stores <paramref name="count"/> ticks from tick number <paramref name="from"/> (stored index from + 1) and the bars they close.</summary>
        public async Task StoreAsync(int from, int count)
        {
            var closed = new List<ClosedBar>();
            var ticks = new List<StoredTick>();
            var bars = new List<Bar>();
            for (int i = from; i < from + count; i++)
            {
                var tick = new Tick(_instrument, _start.AddSeconds(10 * i), _price(i), 1, i + 1);
                closed.Clear();
                _pipeline.Apply(tick, closed);
                bars.AddRange(closed.Select(c => c.Bar));
                ticks.Add(new StoredTick(i + 1, tick.Time, tick.Price, tick.Volume, tick.Seq, Late: false));
                _feed.Stored(tick, i + 1, applied: true, closed);
            }

            await _store.Ticks.AppendAsync(_instrument, ticks.ToArray());
            await _store.Bars.UpsertAsync(_instrument, BarInterval.OneMinute, bars);
        }

        /// <summary>Feeds the rule's grain what was stored since the last feed, as the grain's timer does.</summary>
        public Task FeedAsync() => _feed.FeedIfDue();
    }
}
