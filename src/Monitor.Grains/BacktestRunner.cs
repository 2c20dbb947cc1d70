using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Storage;

namespace Monitor.Grains;

/// <summary>Limits on backtests run by the service (<c>Monitor:Backtests</c>).</summary>
public sealed class BacktestOptions
{
    /// <summary>Backtests one silo runs at once; more wait their turn (reported as running at progress 0).</summary>
    public int MaxConcurrent { get; set; } = 1;

    /// <summary>A backtest raising more alerts fails (its report is kept in grain storage).</summary>
    public int MaxAlerts { get; set; } = 100_000;
}

/// <summary>
/// Runs backtests over the store on the thread pool, at most <see cref="BacktestOptions.MaxConcurrent"/> at a time per
/// silo; with a notification policy, replays it over the transitions with the stored silences.
/// </summary>
public sealed class BacktestRunner(
    ITickStore ticks, IBarStore bars, IInventoryStore inventory, ISilenceStore silences, InstrumentCatalog catalog, BacktestOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.MaxConcurrent));

    public Task<BacktestReport> RunAsync(
        IReadOnlyList<RuleDefinition> rules, DateTimeOffset? from, DateTimeOffset? to, string? policyJson, IProgress<double> progress, CancellationToken cancellationToken) =>
        Task.Run(
            async () =>
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var notifications = policyJson is null ? null : new NotificationReplay(
                        NotificationPolicyReader.Read(policyJson).Policy ?? throw new InvalidOperationException("the backtest's notification policy has errors"),
                        await silences.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false));
                    var running = ForEachRules.Expand(rules, catalog.All.Select(d => d.Id)).ToList();
                    var engine = new BacktestEngine(running, BacktestEngine.IntervalsOf(catalog)) { MaxAlerts = options.MaxAlerts, Notifications = notifications };
                    // Derived series are computed from their inputs, as live, so a backtest can also run one defined after the data.
                    var source = DerivedSeriesSource.Over(new StoreBacktestSource(ticks, bars, inventory), catalog);
                    return await engine.RunAsync(source, from, to, progress, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _slots.Release();
                }
            },
            cancellationToken);

    public void Dispose() => _slots.Dispose();
}
