using Monitor.Core.Webhooks;
using System.Text.Json.Nodes;
using Monitor.Core.Alerts;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Storage.Tests.Infrastructure;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary>The webhook store and its outbox, run against every provider (subclasses at the end of this file). Tests share
/// one database per class; every webhook filters on rule ids of its own test, so tests never see each other's deliveries.</summary>
public abstract class WebhookStoreBehaviourTests<TFixture>(TFixture fixture)
    where TFixture : StoreFixture
{
    private static readonly TimeSpan NoDelay = TimeSpan.Zero;

    private IWebhookStore Webhooks => fixture.Store.Webhooks;

    private IAlertStore Alerts => fixture.Store.Alerts;

    [Fact]
    public async Task CreateUpdateRotateDelete_RoundTripsEveryField()
    {
        var filter = new WebhookFilter([NewRuleId()], ["COMEX:SI"], ["critical"], [WebhookEvents.Firing]);
        var created = await Webhooks.CreateAsync(new WebhookRequest("https://example.com/hook", "desk bot", filter, "whsec_AAAA"), T0);

        var disabled = await Webhooks.UpdateAsync(created.Id, new WebhookChange(Enabled: false), T0.AddMinutes(1));
        var enabled = await Webhooks.UpdateAsync(created.Id, new WebhookChange(Url: "https://example.com/other", Enabled: true), T0.AddMinutes(2));
        var rotated = await Webhooks.RotateSecretAsync(created.Id, "whsec_BBBB", T0.AddDays(1), T0.AddMinutes(3));

        Assert.Equal((true, "whsec_AAAA", "desk bot", T0, T0), (created.Enabled, created.Secret, created.Description, created.CreatedAt, created.UpdatedAt));
        Assert.False(disabled!.Enabled);
        Assert.Equal("disabled through the API", disabled.DisabledReason);
        Assert.True(enabled!.Enabled);
        Assert.Null(enabled.DisabledReason);
        Assert.Equal("https://example.com/other", enabled.Url);
        Assert.Equal(["whsec_BBBB", "whsec_AAAA"], rotated!.SigningSecretsAt(T0.AddHours(23)));
        Assert.Equal(["whsec_BBBB"], rotated.SigningSecretsAt(T0.AddDays(1)));
        var stored = await Webhooks.GetAsync(created.Id);
        Assert.Equal(rotated!, stored!, new WebhookComparer());
        Assert.Contains(await Webhooks.ListAsync(), w => w.Id == created.Id);

        Assert.True(await Webhooks.DeleteAsync(created.Id));
        Assert.False(await Webhooks.DeleteAsync(created.Id));
        Assert.Null(await Webhooks.GetAsync(created.Id));
        Assert.Null(await Webhooks.UpdateAsync(created.Id, new WebhookChange(Enabled: true), T0));
    }

    [Fact]
    public async Task AppendFiring_MatchingWebhook_OneDeliveryWithStableIdAndContractBody()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        var firing = Firing(ruleId);

        await Alerts.AppendTransitionsAsync([firing]);

        var delivery = Assert.Single(await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10));
        Assert.Equal(AlertConsequences.DeliveryId(webhook.Id, firing.Alert.Id, WebhookEvents.Firing), delivery.Id);
        Assert.StartsWith("msg_", delivery.Id, StringComparison.Ordinal);
        Assert.Equal((WebhookEvents.Firing, firing.Alert.Id, DeliveryState.Pending, 0), (delivery.Event, delivery.AlertId, delivery.State, delivery.AttemptCount));
        Assert.Empty(delivery.Attempts);
        var body = JsonNode.Parse(delivery.Payload)!;
        Assert.Equal("alert.firing", body["type"]!.GetValue<string>());
        Assert.Equal(firing.At, body["timestamp"]!.GetValue<DateTimeOffset>());
        var alert = body["data"]!["alert"]!;
        Assert.Equal(firing.Alert.Id, alert["id"]!.GetValue<string>());
        Assert.Equal("firing", alert["state"]!.GetValue<string>());
        Assert.False(alert["silenced"]!.GetValue<bool>());
        Assert.Null(alert["acknowledgedBy"]);
    }

    [Fact]
    public async Task AppendEpisode_DefaultFilter_FiringAndResolvedNotPendingAndNothingTwice()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        var episode = AlertStoreBehaviourTests<TFixture>.Episode(ruleId, ["COMEX:SI"], T0);

        await Alerts.AppendTransitionsAsync(episode);
        await Alerts.AppendTransitionsAsync(episode);

        var deliveries = await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10);
        Assert.Equal([WebhookEvents.Resolved, WebhookEvents.Firing], deliveries.OrderByDescending(d => d.Event, StringComparer.Ordinal).Select(d => d.Event));
    }

    [Fact]
    public async Task AppendResolved_AlertThatNeverFired_NoDelivery()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        var pending = AlertStoreBehaviourTests<TFixture>.NewAlert(ruleId, ["COMEX:SI"], T0, AlertState.Pending);
        var resolved = pending with { State = AlertState.Resolved, ResolvedAt = T0.AddHours(1) };

        await Alerts.AppendTransitionsAsync([new(null, AlertState.Pending, T0, pending), new(AlertState.Pending, AlertState.Resolved, T0.AddHours(1), resolved)]);

        Assert.Empty(await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10));
    }

    [Fact]
    public async Task AppendFiring_Silenced_RecordedButNoDelivery()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        await fixture.Store.Silences.CreateAsync(new SilenceRequest(ruleId, null, T0.AddDays(-1), T0.AddDays(1), "maintenance", "ops"), T0);

        var recorded = await Alerts.AppendTransitionsAsync([Firing(ruleId)]);

        Assert.True(Assert.Single(recorded).Silenced);
        Assert.Empty(await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10));
    }

    [Fact]
    public async Task AppendFiring_Filters_OnlyMatchingAndEnabledWebhooksGetIt()
    {
        string ruleId = NewRuleId();
        var firing = Firing(ruleId, ["COMEX:SI", "ETF:SLV"]); // severity critical
        var matching = new[]
        {
            await NewWebhookAsync(ruleId),
            await NewWebhookAsync(ruleId, instruments: ["ETF:SLV"]),
            await NewWebhookAsync(ruleId, severities: ["critical", "warning"]),
            await NewWebhookAsync(ruleId, events: [WebhookEvents.Firing]),
        };
        var other = new[]
        {
            await NewWebhookAsync(NewRuleId()),
            await NewWebhookAsync(ruleId, instruments: ["COMEX:GC"]),
            await NewWebhookAsync(ruleId, severities: ["info"]),
            await NewWebhookAsync(ruleId, events: [WebhookEvents.Resolved]),
            await NewWebhookAsync(ruleId),
        };
        await Webhooks.UpdateAsync(other[^1].Id, new WebhookChange(Enabled: false), T0);

        await Alerts.AppendTransitionsAsync([firing]);

        foreach (var webhook in matching)
        {
            Assert.Single(await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10));
        }

        foreach (var webhook in other)
        {
            Assert.Empty(await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10));
        }
    }

    [Fact]
    public async Task Claim_TwoOwnersAtOnce_EachDeliveryToOneOwnerUntilTheLeaseEnds()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        await Alerts.AppendTransitionsAsync([.. Enumerable.Range(0, 20).Select(i => Firing(ruleId, start: T0.AddMinutes(i)))]);
        var now = DateTimeOffset.UtcNow;

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Webhooks.ClaimAsync(webhook.Id, $"owner-{i}", now, NoDelay, now.AddMinutes(1), 8)));
        var again = await Webhooks.ClaimAsync(webhook.Id, "owner-late", now, NoDelay, now.AddMinutes(1), 100);
        var afterLease = await Webhooks.ClaimAsync(webhook.Id, "owner-next", now.AddMinutes(2), NoDelay, now.AddMinutes(3), 100);

        var ids = claims.SelectMany(claim => claim).Select(d => d.Id).ToList();
        Assert.Equal(20, ids.Count);
        Assert.Equal(20, ids.Distinct().Count());
        Assert.Empty(again);
        Assert.Equal(ids.Order(StringComparer.Ordinal), afterLease.Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Claim_FirstAttemptDelay_WaitsThatLongAfterCreation()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        await Alerts.AppendTransitionsAsync([Firing(ruleId)]);
        var created = Assert.Single(await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10)).CreatedAt;

        var early = await Webhooks.ClaimAsync(webhook.Id, "a", created.AddSeconds(4), TimeSpan.FromSeconds(5), created.AddMinutes(1), 10);
        var due = await Webhooks.ClaimAsync(webhook.Id, "a", created.AddSeconds(5), TimeSpan.FromSeconds(5), created.AddMinutes(1), 10);
        var backlog = Assert.Single(await Webhooks.ListBacklogAsync(TimeSpan.FromSeconds(5)), b => b.WebhookId == webhook.Id);

        Assert.Empty(early);
        Assert.Single(due);
        Assert.Equal(new WebhookBacklog(webhook.Id, 1, created.AddMinutes(1)), backlog);
    }

    [Fact]
    public async Task Record_SuccessRetryAndFailure_StatesAttemptsAndDisabledWebhook()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        await Alerts.AppendTransitionsAsync([Firing(ruleId, start: T0), Firing(ruleId, start: T0.AddHours(1)), Firing(ruleId, start: T0.AddHours(2))]);
        var now = DateTimeOffset.UtcNow;
        var claimed = (await Webhooks.ClaimAsync(webhook.Id, "me", now, NoDelay, now.AddMinutes(1), 10)).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        var ok = new DeliveryAttempt(now, 200, 12.5, null);
        var bad = new DeliveryAttempt(now, 500, 3, "HTTP 500 Internal Server Error");

        await Webhooks.RecordAsync("someone-else", [new DeliveryOutcome(claimed[0], bad, DeliveryState.Failed, null, "ignored")]);
        await Webhooks.RecordAsync("me", [
            new DeliveryOutcome(claimed[0], ok, DeliveryState.Delivered, null, null),
            new DeliveryOutcome(claimed[1], bad, DeliveryState.Pending, now.AddSeconds(5), null),
            new DeliveryOutcome(claimed[2], bad, DeliveryState.Failed, null, "it is gone"),
        ]);

        var byId = (await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10)).ToDictionary(d => d.Id);
        Assert.Equal(DeliveryState.Delivered, byId[claimed[0].Id].State);
        Assert.Equal([500, 200], byId[claimed[0].Id].Attempts.Select(a => a.Status));
        Assert.Equal((DeliveryState.Pending, 1, Micro(now.AddSeconds(5))), (byId[claimed[1].Id].State, byId[claimed[1].Id].AttemptCount, byId[claimed[1].Id].NextAttemptAt));
        Assert.Equal(new DeliveryAttempt(Micro(now), 500, 3, "HTTP 500 Internal Server Error"), Assert.Single(byId[claimed[1].Id].Attempts));
        Assert.Equal(DeliveryState.Failed, byId[claimed[2].Id].State);
        var disabled = await Webhooks.GetAsync(webhook.Id);
        Assert.Equal((false, "it is gone"), (disabled!.Enabled, disabled.DisabledReason));
        Assert.DoesNotContain(await Webhooks.ListBacklogAsync(NoDelay), b => b.WebhookId == webhook.Id);
        Assert.Equal([claimed[2].Id], (await Webhooks.ListDeliveriesAsync(webhook.Id, DeliveryState.Failed, 10)).Select(d => d.Id));
    }

    [Fact]
    public async Task Redeliver_OneAndFailedInRange_BackToPendingSameIdNewRun()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        await Alerts.AppendTransitionsAsync([Firing(ruleId, start: T0), Firing(ruleId, start: T0.AddHours(1))]);
        var now = DateTimeOffset.UtcNow;
        var claimed = await Webhooks.ClaimAsync(webhook.Id, "me", now, NoDelay, now.AddMinutes(1), 10);
        var failed = new DeliveryAttempt(now, 503, 1, "HTTP 503");
        await Webhooks.RecordAsync("me", [.. claimed.Select(d => new DeliveryOutcome(d, failed, DeliveryState.Failed, null, null))]);
        var created = (await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10)).Select(d => d.CreatedAt).ToList();

        var one = await Webhooks.RedeliverAsync(webhook.Id, claimed[0].Id, now.AddMinutes(1));
        int none = await Webhooks.RedeliverFailedAsync(webhook.Id, created.Max().AddTicks(10), created.Max().AddHours(1), now);
        int rest = await Webhooks.RedeliverFailedAsync(webhook.Id, created.Min(), created.Max().AddTicks(10), now.AddMinutes(2));

        Assert.Equal((claimed[0].Id, DeliveryState.Pending, 0, Micro(now.AddMinutes(1))), (one!.Id, one.State, one.AttemptCount, one.NextAttemptAt));
        Assert.Single(one.Attempts);
        Assert.Equal(0, none);
        Assert.Equal(1, rest);
        Assert.All(await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10), d => Assert.Equal(DeliveryState.Pending, d.State));
        Assert.Null(await Webhooks.RedeliverAsync(webhook.Id, "msg_unknown", now));
    }

    [Fact]
    public async Task Delete_WithDeliveries_RemovesThemToo()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        await Alerts.AppendTransitionsAsync([Firing(ruleId)]);

        await Webhooks.DeleteAsync(webhook.Id);

        Assert.Empty(await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10));
        Assert.DoesNotContain(await Webhooks.ListBacklogAsync(NoDelay), b => b.WebhookId == webhook.Id);
    }

    [Fact]
    public async Task ListDeliveries_NewestFirstWithLimit()
    {
        string ruleId = NewRuleId();
        var webhook = await NewWebhookAsync(ruleId);
        for (int i = 0; i < 3; i++)
        {
            await Alerts.AppendTransitionsAsync([Firing(ruleId, start: T0.AddHours(i))]);
        }

        var all = await Webhooks.ListDeliveriesAsync(webhook.Id, null, 10);
        var two = await Webhooks.ListDeliveriesAsync(webhook.Id, null, 2);

        Assert.Equal(all.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id, StringComparer.Ordinal).Select(d => d.Id), all.Select(d => d.Id));
        Assert.Equal(all.Take(2).Select(d => d.Id), two.Select(d => d.Id));
    }

    [Fact]
    public async Task WaitForDeliveries_AlertWithDeliveryStored_WakesAtOnce()
    {
        string ruleId = NewRuleId();
        await NewWebhookAsync(ruleId);
        await Webhooks.WaitForDeliveriesAsync(TimeSpan.Zero); // consume an earlier test's wake-up

        var wait = Webhooks.WaitForDeliveriesAsync(TimeSpan.FromMinutes(5));
        await Alerts.AppendTransitionsAsync([Firing(ruleId)]);

        await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AppendInventory_RestatementStoredWithOneDeliveryPerWebhookThatNamesTheEventForItsInstrument_WithTheContractBodyOnce()
    {
        var instrument = NewInstrument();
        var asked = await NewWebhookAsync(NewRuleId(), [instrument.Value], events: [WebhookEvents.Firing, WebhookEvents.InventoryRestated]);
        var byDefault = await NewWebhookAsync(NewRuleId(), [instrument.Value]);
        var otherInstrument = await NewWebhookAsync(NewRuleId(), ["COMEX:SI"], events: [WebhookEvents.InventoryRestated]);
        var value = new InventoryValue(instrument, "registered", new DateOnly(2026, 1, 13), T0, 900, QuantityUnit.TroyOunce) { Location = "Brink's" };
        var restatement = new InventoryRestatement(value, 1000);
        InventoryRevision[] restated = [new(value, InventoryChange.Restated, 1000)];

        int added = await Alerts.AppendInventoryAsync(restated, T0);
        int again = await Alerts.AppendInventoryAsync(restated, T0);

        Assert.Equal((1, 0), (added, again));
        Assert.Equal([900.0, 900.0], (await fixture.Store.Inventory.ReadAsync(instrument, "registered", "Brink's", value.AsOf, value.AsOf, allVersions: true)).Select(v => v.Value.Quantity));
        Assert.Empty(await Webhooks.ListDeliveriesAsync(byDefault.Id, null, 10));
        Assert.Empty(await Webhooks.ListDeliveriesAsync(otherInstrument.Id, null, 10));
        var delivery = Assert.Single(await Webhooks.ListDeliveriesAsync(asked.Id, null, 10));
        Assert.Equal(
            (AlertConsequences.DeliveryId(asked.Id, restatement.Subject, WebhookEvents.InventoryRestated), WebhookEvents.InventoryRestated, restatement.Subject, DeliveryState.Pending),
            (delivery.Id, delivery.Event, delivery.AlertId, delivery.State));
        var body = JsonNode.Parse(delivery.Payload)!;
        Assert.Equal(("inventory.restated", T0), (body["type"]!.GetValue<string>(), body["timestamp"]!.GetValue<DateTimeOffset>()));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$"""
                {"instrument":"{{instrument}}","series":"registered","location":"Brink's","asOf":"2026-01-13","previous":1000,"quantity":900,"unit":"oz"}
                """),
            body["data"]), body["data"]!.ToJsonString());
    }

    /// <summary>
    /// A restatement and its delivery are written in one transaction: when the delivery cannot be written, the new value
    /// is not stored either (the client is not told it was, and sends it again), so no stored restatement lacks its delivery.
    /// </summary>
    [Fact]
    public async Task AppendInventory_DeliveryCannotBeWritten_StoresNeitherTheRestatementNorAnyDelivery()
    {
        var instrument = NewInstrument();
        var asked = await NewWebhookAsync(NewRuleId(), [instrument.Value], events: [WebhookEvents.InventoryRestated]);
        var value = new InventoryValue(instrument, "registered", new DateOnly(2026, 1, 13), T0, 900, QuantityUnit.TroyOunce);

        await fixture.FailWebhookDeliveriesAsync(true);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => Alerts.AppendInventoryAsync([new(value, InventoryChange.Restated, 1000)], T0));
        }
        finally
        {
            await fixture.FailWebhookDeliveriesAsync(false);
        }

        Assert.Empty(await fixture.Store.Inventory.ReadAsync(instrument, "registered", null, value.AsOf, value.AsOf, allVersions: true));
        Assert.Empty(await Webhooks.ListDeliveriesAsync(asked.Id, null, 10));
    }

    private static InstrumentId NewInstrument() => InstrumentId.Parse($"T:R{Guid.NewGuid():N}"[..18].ToUpperInvariant());

    internal static string NewRuleId() => AlertStoreBehaviourTests<TFixture>.NewRuleId();

    /// <summary>A transition to firing of a new alert of <paramref name="ruleId"/> (severity critical).</summary>
    internal static AlertTransition Firing(string ruleId, string[]? instruments = null, DateTimeOffset? start = null)
    {
        var alert = AlertStoreBehaviourTests<TFixture>.NewAlert(ruleId, instruments ?? ["COMEX:SI"], start ?? T0, AlertState.Firing);
        return new AlertTransition(null, AlertState.Firing, alert.StartedAt, alert);
    }

    private static DateTimeOffset Micro(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    private Task<Webhook> NewWebhookAsync(string ruleId, string[]? instruments = null, string[]? severities = null, string[]? events = null) =>
        Webhooks.CreateAsync(
            new WebhookRequest(
                "https://example.com/hook",
                null,
                new WebhookFilter([ruleId], instruments ?? [], severities ?? [], events ?? WebhookEvents.Default),
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            T0);

    /// <summary>Compares webhooks by value, the filter's lists by content.</summary>
    private sealed class WebhookComparer : IEqualityComparer<Webhook>
    {
        public bool Equals(Webhook? x, Webhook? y) =>
            x is not null && y is not null
            && WebhookFilterJson.Serialize(x.Filter) == WebhookFilterJson.Serialize(y.Filter)
            && x with { Filter = y.Filter } == y;

        public int GetHashCode(Webhook obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}

public sealed class SqliteWebhookStoreTests(SqliteStoreFixture fixture)
    : WebhookStoreBehaviourTests<SqliteStoreFixture>(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresWebhookStoreTests(PostgresStoreFixture fixture)
    : WebhookStoreBehaviourTests<PostgresStoreFixture>(fixture), IClassFixture<PostgresStoreFixture>;
