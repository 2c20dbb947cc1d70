using Monitor.Core.Backtesting;
using Monitor.Core.Market;
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

/// <summary>Runs backtests over the store on the thread pool, at most <see cref="BacktestOptions.MaxConcurrent"/> at a time per silo.</summary>
public sealed class BacktestRunner(ITickStore ticks, IBarStore bars, IInventoryStore inventory, InstrumentCatalog catalog, BacktestOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.MaxConcurrent));

    public Task<BacktestReport> RunAsync(
        IReadOnlyList<RuleDefinition> rules, DateTimeOffset? from, DateTimeOffset? to, IProgress<double> progress, CancellationToken cancellationToken) =>
        Task.Run(
            async () =>
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var engine = new BacktestEngine(rules, BacktestEngine.IntervalsOf(catalog)) { MaxAlerts = options.MaxAlerts };
                    return await engine.RunAsync(new StoreBacktestSource(ticks, bars, inventory), from, to, progress, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _slots.Release();
                }
            },
            cancellationToken);

    public void Dispose() => _slots.Dispose();
}
