using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;
using Monitor.Grains.Rules;
using Monitor.Storage;

namespace Monitor.Grains.Tests;

/// <summary>Where an instrument grain runs the rules that read its instrument, and their warm-up, without a silo.</summary>
public sealed class InstrumentRulesTests : IAsyncLifetime
{
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly InstrumentRun _run = new(new InstrumentPipeline(Silver, [BarInterval.OneMinute], []));
    private readonly RuleGrainFeed _feed;
    private readonly InstrumentRules _rules;
    private TemporaryStore _temporary = null!;

    public InstrumentRulesTests()
    {
        _feed = new RuleGrainFeed(Silver, _ => new RecordingRuleGrain(), new FakeTimeProvider(Start), NullLogger.Instance);
        _rules = new InstrumentRules(_run, _feed);
    }

    private MonitorStore Store => _temporary.Store;

    public async Task InitializeAsync() => _temporary = await TemporaryStore.OpenAsync();

    public async Task DisposeAsync() => await _temporary.DisposeAsync();

    [Fact]
    public async Task RuleOverThisInstrumentAlone_RunsHere_OneOverSeveral_InItsRuleGrain_UntilDeleted()
    {
        _rules.Load([Rule("local", "threshold", """{"input":"COMEX:SI","op":"above","value":1}""")]);
        await _rules.SyncAsync("spread", Rule("spread", "spread", """{"near":"COMEX:SI","far":"COMEX:GC","op":"above","value":1}"""), Store.Bars, lastIndex: 0);
        var before = (Local: _run.Find("local") is not null, Spread: _run.Find("spread") is not null, _feed.HasTickReaders);

        await _rules.SyncAsync("local", null, Store.Bars, lastIndex: 0);
        await _rules.SyncAsync("spread", null, Store.Bars, lastIndex: 0);

        Assert.Equal((true, false, true), before);
        Assert.Empty(_run.Rules);
        Assert.False(_feed.HasTickReaders);
    }

    [Fact]
    public async Task RuleAddedLive_IsWarmedUpFromStoredBars_SoItsIndicatorHasAValueAtTheFirstClose()
    {
        await Store.Bars.UpsertAsync(Silver, BarInterval.OneMinute, [.. Enumerable.Range(0, 3).Select(i => new Bar(Start.AddMinutes(i), 40, 40, 40, 40, 1))]);

        await _rules.SyncAsync("sma", Rule("sma", "threshold", """{"input":"COMEX:SI@sma(3)","op":"above","value":35}"""), Store.Bars, lastIndex: 0);
        _run.Apply(new Tick(Silver, Start.AddMinutes(3), 40, 1, 1));
        _run.Apply(new Tick(Silver, Start.AddMinutes(4), 40, 1, 2));
        _run.EndBatch();

        var fired = Assert.Single(_run.Transitions, t => t.To == AlertState.Firing);
        Assert.Equal(Start.AddMinutes(4), fired.At);
    }

    private static RuleDefinition Rule(string id, string type, string parameters) =>
        RuleJson.Parse($$"""{"id":"{{id}}","type":"{{type}}","interval":"1m","params":{{parameters}} }""").Rule!;
}
