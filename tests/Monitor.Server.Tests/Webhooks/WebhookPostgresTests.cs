using Microsoft.AspNetCore.Http;
using Monitor.Core.Webhooks;
using Monitor.Server.Webhooks;
using Monitor.Storage;

namespace Monitor.Server.Tests.Webhooks;

/// <summary>The outbox on PostgreSQL: dispatchers of several silos share it, and a killed server loses nothing.</summary>
public sealed class WebhookPostgresTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await TestPostgres.CreateDatabaseAsync("monitor_webhooks");

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_database);

    [Fact]
    public async Task TwoDispatchersOnOneOutbox_EachDeliverySentOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var storeA = await OpenStoreAsync();
        await using var storeB = await OpenStoreAsync();
        var options = DispatcherHarness.Options(o => o.MaxConcurrencyPerWebhook = 4);
        await using var siloA = await DispatcherHarness.StartAsync(options, storeA);
        await using var siloB = await DispatcherHarness.StartAsync(options, storeB);
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await siloA.AddWebhookAsync(receiver.Url, ruleId);
        var start = DateTimeOffset.UtcNow;

        // Alerts are stored through both silos, as instrument grains on either would.
        for (int batch = 0; batch < 20; batch++)
        {
            var store = batch % 2 == 0 ? storeA : storeB;
            await store.Alerts.AppendTransitionsAsync([.. Enumerable.Range(0, 10).Select(i => TestAlerts.Firing(ruleId, start.AddSeconds((batch * 10) + i)))]);
        }

        await Eventually.GetAsync(
            async () => await storeA.Webhooks.ListDeliveriesAsync(webhook.Id, DeliveryState.Delivered, 1000),
            delivered => delivered.Count == 200,
            TimeSpan.FromSeconds(60),
            "all 200 deliveries delivered");
        var received = receiver.Received;
        Assert.Equal(200, received.Count);
        Assert.Equal(200, received.Select(r => r.Id).Distinct().Count());
        Assert.All(received, r => Assert.True(StandardWebhooksVerifier.Verify(webhook.Secret, r)));
    }

    [Fact]
    public async Task KillNineWhileSending_AfterRestartPendingGoOutWithTheSameIdDeliveredNotAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var hang = new TaskCompletionSource();
        await using var store = await OpenStoreAsync();
        string ruleId = TestAlerts.NewRuleId();
        var webhook = await store.Webhooks.CreateAsync(
            new WebhookRequest(receiver.Url, null, new WebhookFilter([ruleId], [], [], WebhookEvents.Default), WebhookSecret.Generate()), DateTimeOffset.UtcNow);
        string directory = Directory.CreateTempSubdirectory("monitor-webhook-crash-").FullName;
        string[] settings =
        [
            "--Monitor:Storage:Provider=postgres",
            $"--ConnectionStrings:Monitor={_database}",
            "--Monitor:Webhooks:AllowPrivateNetworks=true",
            "--Monitor:Webhooks:RetrySchedule=0s,500ms,500ms,500ms",
            "--Monitor:Webhooks:Timeout=3s",
            "--Monitor:Webhooks:PollInterval=200ms",
        ];
        var start = DateTimeOffset.UtcNow;
        string delivered, inFlight, stored;
        try
        {
            await using (var server = await ServerProcess.StartAsync(directory, settings))
            {
                // One delivery goes out and succeeds...
                await store.Alerts.AppendTransitionsAsync([TestAlerts.Firing(ruleId, start)]);
                delivered = (await receiver.WaitForAsync(1)).Single().Id;
                await Eventually.GetAsync(
                    () => store.Webhooks.GetDeliveryAsync(webhook.Id, delivered), d => d?.State == DeliveryState.Delivered, because: "the first delivery recorded");

                // ...the next is in flight (the endpoint does not answer) when the process is killed.
                receiver.Respond = async (_, _) =>
                {
                    await hang.Task.WaitAsync(receiver.Stopping);
                    return Results.Ok();
                };
                await store.Alerts.AppendTransitionsAsync([TestAlerts.Firing(ruleId, start.AddMinutes(1))]);
                inFlight = (await receiver.WaitForAsync(2))[1].Id;
                await server.KillAsync();
            }

            // Stored while no server runs: it waits in the outbox.
            await store.Alerts.AppendTransitionsAsync([TestAlerts.Firing(ruleId, start.AddMinutes(2))]);
            stored = (await store.Webhooks.ListDeliveriesAsync(webhook.Id, DeliveryState.Pending, 10)).Single(d => d.Id != inFlight).Id;
            receiver.Respond = (_, _) => Task.FromResult(Results.Ok());
            hang.SetResult();

            await using (await ServerProcess.StartAsync(directory, settings))
            {
                await Eventually.GetAsync(
                    () => store.Webhooks.ListDeliveriesAsync(webhook.Id, DeliveryState.Delivered, 10),
                    list => list.Count == 3,
                    TimeSpan.FromSeconds(30),
                    "the in-flight delivery (once its lease ran out) and the stored one delivered after the restart");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        var ids = receiver.Received.Select(r => r.Id).ToList();
        Assert.Equal(1, ids.Count(id => id == delivered));
        Assert.True(ids.Count(id => id == inFlight) >= 2, $"the in-flight delivery is sent again with its id: {string.Join(", ", ids)}");
        Assert.Equal(1, ids.Count(id => id == stored));
        Assert.All(receiver.Received, r => Assert.True(StandardWebhooksVerifier.Verify(webhook.Secret, r)));
    }

    private Task<MonitorStore> OpenStoreAsync() =>
        MonitorStore.OpenAsync(new StorageOptions { Provider = StorageOptions.PostgresProvider, ConnectionString = _database });
}
