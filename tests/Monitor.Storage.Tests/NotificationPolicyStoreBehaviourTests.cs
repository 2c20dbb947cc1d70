using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Core.Webhooks;
using Monitor.Storage.Tests.Infrastructure;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary>The notification policy's store, against every provider (subclasses at the end). The policy is one per
/// database, so each test class has a database of its own and each test starts by setting or removing the policy.</summary>
public abstract class NotificationPolicyStoreBehaviourTests<TFixture>(TFixture fixture)
    where TFixture : StoreFixture
{
    private const string Policy = """{"receivers":[{"name":"desk"}],"route":{"receiver":"desk"}}""";

    private INotificationPolicyStore Policies => fixture.Store.NotificationPolicy;

    [Fact]
    public async Task PolicyInForce_TransitionsAndAcknowledgementsGoToTheInboxNotToWebhooks()
    {
        await Policies.SaveAsync(null, null, T0);
        string ruleId = AlertStoreBehaviourTests<TFixture>.NewRuleId();
        var webhook = await fixture.Store.Webhooks.CreateAsync(
            new WebhookRequest("https://example.com/hook", null, new WebhookFilter([ruleId], [], [], WebhookEvents.All), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), T0);
        await Policies.SaveAsync(Policy, "admin", T0);

        var episode = AlertStoreBehaviourTests<TFixture>.Episode(ruleId, ["COMEX:SI"], T0);
        await fixture.Store.Alerts.AppendTransitionsAsync(episode[..2]);
        await fixture.Store.Alerts.AcknowledgeAsync(episode[0].Alert.Id, "ann", null, T0.AddDays(1).AddHours(1));
        await fixture.Store.Alerts.AppendTransitionsAsync(episode[2..]);

        var inbox = await Policies.ReadInboxAsync(100);
        Assert.Equal([T0.AddDays(1), T0.AddDays(1).AddHours(1), T0.AddDays(2)], inbox.Select(e => e.At));
        Assert.All(inbox, e => Assert.Equal(episode[0].Alert.Id, e.AlertId));
        Assert.Empty(await fixture.Store.Webhooks.ListDeliveriesAsync(webhook.Id, null, 10));
        var stored = await Policies.GetAsync();
        Assert.Equal((Policy, T0, "admin"), (stored!.Document, stored.UpdatedAt, stored.UpdatedBy));

        await Policies.SaveAsync(null, null, T0.AddDays(3));
        Assert.Null(await Policies.GetAsync());
        Assert.Empty(await Policies.ReadInboxAsync(100));
        await fixture.Store.Alerts.AppendTransitionsAsync(AlertStoreBehaviourTests<TFixture>.Episode(ruleId, ["COMEX:GC"], T0)[..2]);
        Assert.Single(await fixture.Store.Webhooks.ListDeliveriesAsync(webhook.Id, null, 10), d => d.Event == WebhookEvents.Firing);
        Assert.Empty(await Policies.ReadInboxAsync(100));
    }

    [Fact]
    public async Task Lease_IsOneOwnersUntilItEnds_AndOnlyItsOwnerCommits()
    {
        await Policies.SaveAsync(null, null, T0);
        await Policies.SaveAsync(Policy, null, T0);
        var firing = AlertStoreBehaviourTests<TFixture>.Episode(AlertStoreBehaviourTests<TFixture>.NewRuleId(), ["COMEX:SI"], T0)[..2];
        await fixture.Store.Alerts.AppendTransitionsAsync(firing);
        await fixture.Store.Alerts.AppendTransitionsAsync(
            AlertStoreBehaviourTests<TFixture>.Episode(AlertStoreBehaviourTests<TFixture>.NewRuleId(), ["COMEX:GC"], T0)[..2]);
        var inbox = await Policies.ReadInboxAsync(100);
        Assert.Equal(2, inbox.Count);

        var later = T0.AddHours(1);
        Assert.True(await Policies.TryLeaseAsync("a", later, later.AddSeconds(30)));
        Assert.False(await Policies.TryLeaseAsync("b", later.AddSeconds(29), later.AddSeconds(59)));
        Assert.True(await Policies.TryLeaseAsync("a", later.AddSeconds(10), later.AddSeconds(40)));
        Assert.True(await Policies.CommitAsync("a", "{\"step\":1}", [inbox[0].Sequence]));

        Assert.True(await Policies.TryLeaseAsync("b", later.AddSeconds(40), later.AddSeconds(70)));
        Assert.False(await Policies.CommitAsync("a", "{\"step\":2}", [inbox[1].Sequence]));
        Assert.Equal("{\"step\":1}", await Policies.ReadStateAsync());
        Assert.Equal([inbox[1].Sequence], (await Policies.ReadInboxAsync(100)).Select(e => e.Sequence));
        Assert.True(await Policies.CommitAsync("b", "{\"step\":2}", [inbox[1].Sequence]));
        Assert.Empty(await Policies.ReadInboxAsync(100));
        Assert.Equal("{\"step\":2}", await Policies.ReadStateAsync());
    }
}

public sealed class SqliteNotificationPolicyStoreTests(SqliteStoreFixture fixture)
    : NotificationPolicyStoreBehaviourTests<SqliteStoreFixture>(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresNotificationPolicyStoreTests(PostgresStoreFixture fixture)
    : NotificationPolicyStoreBehaviourTests<PostgresStoreFixture>(fixture), IClassFixture<PostgresStoreFixture>;
