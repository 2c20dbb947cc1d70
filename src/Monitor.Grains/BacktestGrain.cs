using Microsoft.Extensions.Logging;
using Monitor.Core.Backtesting;
using Monitor.Core.Rules;

namespace Monitor.Grains;

/// <summary>
/// One backtest (docs/api.md, Backtests), keyed by its id. The grain is the job's single owner in the cluster: it keeps
/// the request and, once done, the report in grain storage, so any silo answers for it. The work runs on the
/// silo's <see cref="BacktestRunner"/>, off the grain's turn, so progress can be read while it runs.
/// </summary>
[Alias("Monitor.IBacktestGrain")]
public interface IBacktestGrain : IGrainWithStringKey
{
    /// <summary>Starts the backtest; a second start of the same id changes nothing.</summary>
    [Alias("Start")]
    Task StartAsync(BacktestRequest request);

    /// <summary>The backtest as JSON (state, progress, and when completed the report), or null if none has this id.</summary>
    [Alias("Get")]
    Task<string?> GetAsync();
}

/// <summary>What a backtest runs: the rules (as <see cref="RuleJson.Serialize(IEnumerable{RuleDefinition})"/> writes a list), the
/// range, the notification policy to replay over its transitions (a checked policy document), if any, and the stored
/// version of each rule that has one (by id), which the alerts record as live ones do.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.BacktestRequest")]
public sealed record BacktestRequest(
    [property: Id(0)] string RulesJson,
    [property: Id(1)] DateTimeOffset? From,
    [property: Id(2)] DateTimeOffset? To,
    [property: Id(3)] string? PolicyJson = null,
    [property: Id(4)] IReadOnlyDictionary<string, int>? Versions = null)
{
    public static BacktestRequest For(IReadOnlyList<RuleDefinition> rules, DateTimeOffset? from, DateTimeOffset? to, string? policyJson) =>
        new(RuleJson.Serialize(rules), from, to, policyJson,
            rules.Where(r => r.Version > 0).ToDictionary(r => r.Id, r => r.Version, StringComparer.Ordinal));

    public IReadOnlyList<RuleDefinition> Rules() =>
        [.. RuleJson.ParseList(RulesJson).Rules.Select(r => Versions is not null && Versions.TryGetValue(r.Id, out int v) ? r with { Version = v } : r)];
}

[GenerateSerializer, Alias("Monitor.BacktestGrainState")]
public sealed class BacktestGrainState
{
    [Id(0)] public BacktestRequest? Request { get; set; }

    /// <summary><see cref="BacktestReportJson.Running"/>, <see cref="BacktestReportJson.Completed"/> or <see cref="BacktestReportJson.Failed"/>.</summary>
    [Id(1)] public string? State { get; set; }

    /// <summary>The report's JSON when completed; why it failed when failed.</summary>
    [Id(2)] public string? Result { get; set; }
}

public sealed class BacktestGrain(
    [PersistentState("backtest", MonitorGrainStorage.Name)] IPersistentState<BacktestGrainState> state,
    BacktestRunner runner,
    ILogger<BacktestGrain> logger) : Grain, IBacktestGrain, IDisposable
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(200);

    private readonly ProgressValue _progress = new();
    private readonly CancellationTokenSource _stopping = new();
    private IReadOnlyList<RuleDefinition> _rules = [];
    private Task<BacktestReport>? _job;
    private IGrainTimer? _watch;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A job that was running when its silo stopped or died starts again here.
        if (state.State.State == BacktestReportJson.Running)
        {
            Launch();
        }

        return Task.CompletedTask;
    }

    /// <summary>A job still running stops here; its state stays running, so the next activation runs it again.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _stopping.CancelAsync();

    public void Dispose() => _stopping.Dispose();

    public async Task StartAsync(BacktestRequest request)
    {
        if (state.State.State is not null)
        {
            return;
        }

        state.State.Request = request;
        state.State.State = BacktestReportJson.Running;
        await state.WriteStateAsync();
        Launch();
    }

    public Task<string?> GetAsync()
    {
        var request = state.State.Request;
        string? json = state.State.State switch
        {
            null => null,
            BacktestReportJson.Completed => state.State.Result,
            BacktestReportJson.Failed => BacktestReportJson.Serialize(BacktestReportJson.Failed, _progress.Value, Rules(), request!.From, request.To, state.State.Result),
            _ => BacktestReportJson.Serialize(BacktestReportJson.Running, _progress.Value, Rules(), request!.From, request.To),
        };
        return Task.FromResult(json);
    }

    private IReadOnlyList<RuleDefinition> Rules()
    {
        if (_rules.Count == 0 && state.State.Request is { } request)
        {
            _rules = request.Rules();
        }

        return _rules;
    }

    private void Launch()
    {
        var request = state.State.Request!;
        _job = runner.RunAsync(Rules(), request.From, request.To, request.PolicyJson, _progress, _stopping.Token);
        _watch = this.RegisterGrainTimer(FinishWhenDoneAsync, new GrainTimerCreationOptions(WatchInterval, WatchInterval) { KeepAlive = true });
    }

    /// <summary>On the grain's turn: once the job is over, keeps its report (or why it failed).</summary>
    private async Task FinishWhenDoneAsync(CancellationToken cancellationToken)
    {
        if (_job is not { IsCompleted: true } job || _stopping.IsCancellationRequested)
        {
            return;
        }

        _watch?.Dispose();
        if (job.IsCompletedSuccessfully)
        {
            state.State.State = BacktestReportJson.Completed;
            state.State.Result = BacktestReportJson.Serialize(job.Result);
        }
        else
        {
            var error = job.Exception?.GetBaseException();
            logger.LogWarning(error, "Backtest {Id} failed", this.GetPrimaryKeyString());
            state.State.State = BacktestReportJson.Failed;
            state.State.Result = error?.Message ?? "the backtest was cancelled";
        }

        await state.WriteStateAsync(cancellationToken);
    }

    /// <summary>The share done, written by the job's thread and read by the grain's.</summary>
    private sealed class ProgressValue : IProgress<double>
    {
        private double _value;

        public double Value => Volatile.Read(ref _value);

        public void Report(double value) => Volatile.Write(ref _value, value);
    }
}
