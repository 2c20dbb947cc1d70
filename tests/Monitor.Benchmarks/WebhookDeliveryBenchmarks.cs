using Monitor.Core.Webhooks;
using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Server.Webhooks;
using Monitor.Storage;

namespace Monitor.Benchmarks;

/// <summary>
/// Throughput of the webhook dispatcher: 10,000 deliveries already in the outbox (stored untimed, as alert
/// transitions through <see cref="IAlertStore.AppendTransitionsAsync"/>) sent to a Kestrel receiver on loopback that
/// answers 204, signed, each recorded as delivered. The invocation starts the dispatcher and ends when the receiver
/// has counted 10,000 requests and the outbox has no pending delivery left. Mean is the time per delivery
/// (deliveries/s = 1e9 / Mean), spread over <see cref="Webhooks"/> webhooks with the default 16 attempts in flight per webhook. PostgreSQL runs only when
/// MONITOR_BENCH_POSTGRES is set.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, warmupCount: 1, iterationCount: 5)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Each iteration's dispatcher and sender are disposed in [IterationCleanup].")]
public class WebhookDeliveryBenchmarks
{
    public const int Deliveries = 10_000;

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-bench-webhooks-").FullName;
    private WebApplication? _receiver;
    private string _url = "";
    private int _received;
    private TaskCompletionSource _allReceived = new();
    private MonitorStore? _store;
    private string? _database;
    private WebhookSender? _sender;
    private WebhookDispatcher? _dispatcher;

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = StorageOptions.SqliteProvider;

    [Params(1, 10)]
    public int Webhooks { get; set; }

    public static IEnumerable<string> Providers() => BenchmarkPostgres.Providers();

    [GlobalSetup]
    public void StartReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/hook/{n}", () =>
        {
            if (Interlocked.Increment(ref _received) == Deliveries)
            {
                _allReceived.TrySetResult();
            }

            return Results.NoContent();
        });
        _receiver.StartAsync().GetAwaiter().GetResult();
        _url = _receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    [IterationSetup]
    public void FillOutbox()
    {
        if (Provider == StorageOptions.PostgresProvider)
        {
            (_database, string connectionString) = BenchmarkPostgres.CreateDatabase();
            _store = MonitorStore.OpenPostgresAsync(connectionString).GetAwaiter().GetResult();
        }
        else
        {
            _store = MonitorStore.OpenSqlite(Path.Combine(_directory, $"{Guid.NewGuid():N}.db"));
        }

        for (int w = 0; w < Webhooks; w++)
        {
            var filter = new WebhookFilter([$"rule-{w}"], [], [], WebhookEvents.Default);
            _store.Webhooks.CreateAsync(new WebhookRequest($"{_url}/hook/{w}", null, filter, WebhookSecret.Generate()), DateTimeOffset.UtcNow).GetAwaiter().GetResult();
        }

        var start = DateTimeOffset.UtcNow;
        foreach (var batch in Enumerable.Range(0, Deliveries).Select(i => Firing($"rule-{i % Webhooks}", start.AddSeconds(i))).Chunk(100))
        {
            _store.Alerts.AppendTransitionsAsync(batch).GetAwaiter().GetResult();
        }

        _received = 0;
        _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new WebhookOptions { AllowPrivateNetworks = true };
        _sender = new WebhookSender(new WebhookAddressGuard(allowPrivateNetworks: true), options.Timeout, TimeProvider.System);
        _dispatcher = new WebhookDispatcher(
            _store.Webhooks, _sender, new WebhookRetryPolicy(options.RetrySchedule, Random.Shared.NextDouble), options, TimeProvider.System, NullLogger<WebhookDispatcher>.Instance);
    }

    [Benchmark(OperationsPerInvoke = Deliveries)]
    public async Task SendTheOutbox()
    {
        await _dispatcher!.StartAsync(CancellationToken.None);
        // Polling the outbox from the start would load the database the dispatcher uses: wait for the receiver to
        // count every delivery, then for the last ones to be recorded.
        await _allReceived.Task;
        while ((await _store!.Webhooks.ListBacklogAsync(TimeSpan.Zero)).Count > 0)
        {
            await Task.Delay(5);
        }
    }

    [IterationCleanup]
    public void CloseStore()
    {
        _dispatcher!.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _dispatcher.Dispose();
        _sender!.Dispose();
        var delivered = _store!.Webhooks.ListAsync().GetAwaiter().GetResult()
            .Sum(w => _store.Webhooks.ListDeliveriesAsync(w.Id, DeliveryState.Delivered, Deliveries).GetAwaiter().GetResult().Count);
        if (delivered != Deliveries)
        {
            throw new InvalidOperationException($"{delivered} of {Deliveries} deliveries delivered");
        }

        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_database is not null)
        {
            BenchmarkPostgres.DropDatabase(_database);
            _database = null;
        }
    }

    [GlobalCleanup]
    public void StopReceiver()
    {
        _receiver!.StopAsync().GetAwaiter().GetResult();
        _receiver.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    private static AlertTransition Firing(string ruleId, DateTimeOffset startedAt)
    {
        string[] instruments = ["COMEX:SI"];
        var alert = new Alert(
            AlertId.Create(ruleId, instruments, startedAt), ruleId, ruleId, RuleType.Threshold, AlertSeverity.Warning, instruments,
            AlertState.Firing, null, startedAt, startedAt, null, "COMEX:SI above 80", new Dictionary<string, double> { ["value"] = 81 });
        return new AlertTransition(null, AlertState.Firing, startedAt, alert);
    }
}
