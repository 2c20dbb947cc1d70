using Monitor.Core.Ports;
using Monitor.Core.Webhooks;
using Monitor.Storage.Tests.Infrastructure;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary>The notification outbox, run against every provider (subclasses at the end of this file). Tests share one
/// database per class; each uses receivers of its own, so none sees another's notifications.</summary>
public abstract class NotificationStoreBehaviourTests<TFixture>(TFixture fixture)
    where TFixture : StoreFixture
{
    private INotificationStore Outbox => fixture.Store.Notifications;

    [Fact]
    public async Task Add_SameIdTwice_StoredOnceWithEveryField()
    {
        string receiver = NewReceiver();
        var notification = New(receiver);

        int first = await Outbox.AddAsync([notification], T0);
        int again = await Outbox.AddAsync([notification with { Payload = "{\"text\":\"changed\"}" }], T0.AddMinutes(1));

        Assert.Equal((1, 0), (first, again));
        var stored = await Outbox.GetAsync(notification.Id);
        Assert.NotNull(stored);
        Assert.Equal(
            (notification.Receiver, notification.Kind, notification.GroupKey, notification.Status, notification.Payload, DeliveryState.Pending, T0, T0, 0),
            (stored.Receiver, stored.Kind, stored.GroupKey, stored.Status, stored.Payload, stored.State, stored.CreatedAt, stored.NextAttemptAt, stored.AttemptCount));
        Assert.Equal(notification.AlertIds, stored.AlertIds);
        Assert.Empty(stored.Attempts);
    }

    [Fact]
    public async Task Claim_LeasedNotification_NotClaimedAgainUntilTheLeaseEnds()
    {
        string receiver = NewReceiver();
        var notification = New(receiver);
        await Outbox.AddAsync([notification], T0);

        var mine = await Outbox.ClaimAsync(receiver, "a", T0, T0.AddSeconds(30), 10);
        var theirs = await Outbox.ClaimAsync(receiver, "b", T0.AddSeconds(10), T0.AddSeconds(40), 10);
        var afterLease = await Outbox.ClaimAsync(receiver, "b", T0.AddSeconds(31), T0.AddSeconds(61), 10);

        Assert.Equal(notification.Id, Assert.Single(mine).Id);
        Assert.Equal(notification.Payload, mine[0].Payload);
        Assert.Empty(theirs);
        Assert.Equal(notification.Id, Assert.Single(afterLease).Id);
        var backlog = Assert.Single(await Outbox.ListBacklogAsync(), b => b.Receiver == receiver);
        Assert.Equal((1, T0.AddSeconds(61)), (backlog.Pending, backlog.NextDueAt));
    }

    [Fact]
    public async Task Record_RetryThenDelivered_AttemptsKeptAndOnlyTheLeaseHolderChangesState()
    {
        string receiver = NewReceiver();
        var notification = New(receiver);
        await Outbox.AddAsync([notification], T0);
        var claimed = Assert.Single(await Outbox.ClaimAsync(receiver, "a", T0, T0.AddSeconds(30), 10));

        await Outbox.RecordAsync("a", [new NotificationOutcome(claimed, new DeliveryAttempt(T0, 503, 12.5, "HTTP 503"), DeliveryState.Pending, T0.AddSeconds(5))]);
        await Outbox.RecordAsync("b", [new NotificationOutcome(claimed, new DeliveryAttempt(T0, 200, 1, null), DeliveryState.Delivered, null)]);
        var retry = Assert.Single(await Outbox.ClaimAsync(receiver, "a", T0.AddSeconds(5), T0.AddSeconds(35), 10));
        await Outbox.RecordAsync("a", [new NotificationOutcome(retry, new DeliveryAttempt(T0.AddSeconds(5), 200, 3, null), DeliveryState.Delivered, null)]);

        var stored = await Outbox.GetAsync(notification.Id);
        Assert.Equal(DeliveryState.Delivered, stored!.State);
        Assert.Equal(2, stored.AttemptCount);
        Assert.Equal([503, 200, 200], stored.Attempts.Select(a => a.Status));
        Assert.Equal("HTTP 503", stored.Attempts[0].Error);
        Assert.DoesNotContain(await Outbox.ListBacklogAsync(), b => b.Receiver == receiver);
    }

    [Fact]
    public async Task Resend_FailedNotification_PendingAgainWithTheSameIdOnANewRun()
    {
        string receiver = NewReceiver();
        var notification = New(receiver);
        await Outbox.AddAsync([notification], T0);
        var claimed = Assert.Single(await Outbox.ClaimAsync(receiver, "a", T0, T0.AddSeconds(30), 10));
        await Outbox.RecordAsync("a", [new NotificationOutcome(claimed, new DeliveryAttempt(T0, 401, 2, "token rejected"), DeliveryState.Failed, null)]);

        var resent = await Outbox.ResendAsync(notification.Id, T0.AddHours(1));

        Assert.Equal((DeliveryState.Pending, 0, T0.AddHours(1)), (resent!.State, resent.AttemptCount, resent.NextAttemptAt));
        Assert.Single(resent.Attempts);
        Assert.Equal(notification.Id, Assert.Single(await Outbox.ClaimAsync(receiver, "b", T0.AddHours(1), T0.AddHours(2), 10)).Id);
        Assert.Null(await Outbox.ResendAsync("ntf_none", T0));
    }

    [Fact]
    public async Task List_ByReceiverAndTime_NewestFirst()
    {
        string receiver = NewReceiver();
        var older = New(receiver);
        var newer = New(receiver);
        await Outbox.AddAsync([older], T0);
        await Outbox.AddAsync([newer], T0.AddMinutes(5));
        await Outbox.AddAsync([New(NewReceiver())], T0.AddMinutes(5));

        var all = await Outbox.ListAsync(new NotificationLogQuery(receiver, null, null, 10));
        var later = await Outbox.ListAsync(new NotificationLogQuery(receiver, T0.AddMinutes(1), T0.AddMinutes(10), 10));
        var limited = await Outbox.ListAsync(new NotificationLogQuery(receiver, null, null, 1));

        Assert.Equal([newer.Id, older.Id], all.Select(n => n.Id));
        Assert.Equal([newer.Id], later.Select(n => n.Id));
        Assert.Equal([newer.Id], limited.Select(n => n.Id));
    }

    private static string NewReceiver() => $"receiver-{Guid.NewGuid():N}";

    private static NewNotification New(string receiver) => new(
        $"ntf_{Guid.NewGuid():N}", receiver, "slack", "{}:{ruleId=\"r\"}", "firing", ["alert-1", "alert-2"], "{\"text\":\"[FIRING:2] r\"}");
}

public sealed class SqliteNotificationStoreTests(SqliteStoreFixture fixture)
    : NotificationStoreBehaviourTests<SqliteStoreFixture>(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresNotificationStoreTests(PostgresStoreFixture fixture)
    : NotificationStoreBehaviourTests<PostgresStoreFixture>(fixture), IClassFixture<PostgresStoreFixture>;
