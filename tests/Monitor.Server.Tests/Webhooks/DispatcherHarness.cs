using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Core.Webhooks;
using Monitor.Server.Webhooks;
using Monitor.Storage;

namespace Monitor.Server.Tests.Webhooks;

/// <summary>
/// A real <see cref="WebhookDispatcher"/> with its sender and SSRF guard over a real store (SQLite in a temporary
/// directory unless given one), running as it does in the server. Alerts go in through
/// <see cref="IAlertStore.AppendTransitionsAsync"/>, the point where the live rules store them.
/// </summary>
internal sealed class DispatcherHarness : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly bool _ownsStore;
    private readonly WebhookSender _sender;

    private DispatcherHarness(MonitorStore store, WebhookOptions options, TimeProvider clock, Func<double> jitter, string? directory, bool ownsStore)
    {
        Store = store;
        _directory = directory;
        _ownsStore = ownsStore;
        _sender = new WebhookSender(new WebhookAddressGuard(options.AllowPrivateNetworks), options.Timeout, clock);
        Dispatcher = new WebhookDispatcher(
            store.Webhooks, _sender, new WebhookRetryPolicy(options.RetrySchedule, jitter), options, clock, NullLogger<WebhookDispatcher>.Instance);
    }

    public MonitorStore Store { get; }

    public WebhookDispatcher Dispatcher { get; }

    public IWebhookStore Webhooks => Store.Webhooks;

    /// <summary>Options for tests: loopback allowed, a fast schedule and poll, unless <paramref name="configure"/> says otherwise.</summary>
    public static WebhookOptions Options(Action<WebhookOptions>? configure = null)
    {
        var options = new WebhookOptions
        {
            AllowPrivateNetworks = true,
            RetrySchedule = RetrySchedule.Parse("0s,100ms,100ms"),
            Timeout = TimeSpan.FromSeconds(5),
            PollInterval = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        Assert.Empty(options.Validate());
        return options;
    }

    /// <summary>Starts a dispatcher on <paramref name="clock"/> (the system's unless given; a store of its own then runs on
    /// it too) with <paramref name="jitter"/> as its retry policy's random numbers (random unless given).</summary>
    public static async Task<DispatcherHarness> StartAsync(
        WebhookOptions options, MonitorStore? store = null, TimeProvider? clock = null, Func<double>? jitter = null)
    {
        clock ??= TimeProvider.System;
        string? directory = store is null ? Directory.CreateTempSubdirectory("monitor-webhooks-").FullName : null;
        var harness = new DispatcherHarness(
            store ?? MonitorStore.OpenSqlite(Path.Combine(directory!, "monitor.db"), clock), options, clock, jitter ?? Random.Shared.NextDouble, directory, store is null);
        await harness.Dispatcher.StartAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>A webhook to <paramref name="url"/> for the alerts of <paramref name="ruleIds"/>.</summary>
    public Task<Webhook> AddWebhookAsync(string url, params string[] ruleIds) =>
        Webhooks.CreateAsync(new WebhookRequest(url, null, new WebhookFilter(ruleIds, [], [], WebhookEvents.Default), WebhookSecret.Generate()), DateTimeOffset.UtcNow);

    /// <summary>Stores a new alert of <paramref name="ruleId"/> as firing; returns its id.</summary>
    public async Task<string> FireAsync(string ruleId, DateTimeOffset? startedAt = null)
    {
        var transition = TestAlerts.Firing(ruleId, startedAt ?? DateTimeOffset.UtcNow);
        await Store.Alerts.AppendTransitionsAsync([transition]);
        return transition.Alert.Id;
    }

    public Task<StoredDelivery> WaitForDeliveryAsync(string webhookId, Func<StoredDelivery, bool> done, string because) =>
        Eventually.GetAsync(
            async () => (await Webhooks.ListDeliveriesAsync(webhookId, null, 1000)).FirstOrDefault(done),
            delivery => delivery is not null,
            TimeSpan.FromSeconds(20),
            because)!;

    public async ValueTask DisposeAsync()
    {
        await Dispatcher.StopAsync(CancellationToken.None);
        Dispatcher.Dispose();
        _sender.Dispose();
        if (_ownsStore)
        {
            await Store.DisposeAsync();
        }

        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>Alerts as the rule engine raises them, for driving the outbox.</summary>
internal static class TestAlerts
{
    public static string NewRuleId() => $"rule-{Guid.NewGuid():N}";

    public static AlertTransition Firing(string ruleId, DateTimeOffset startedAt, string instrument = "COMEX:SI")
    {
        string[] instruments = [instrument];
        var alert = new Alert(
            AlertId.Create(ruleId, instruments, startedAt), ruleId, $"{ruleId} name", RuleType.Threshold, AlertSeverity.Warning, instruments,
            AlertState.Firing, null, startedAt, startedAt, null, $"{instrument} above 80", new Dictionary<string, double> { ["value"] = 81 });
        return new AlertTransition(null, AlertState.Firing, startedAt, alert);
    }
}
