using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Server.Notifications;
using Monitor.Server.Tests.Webhooks;
using Monitor.Server.Webhooks;
using Monitor.Storage;

namespace Monitor.Server.Tests.Notifications;

/// <summary>
/// The receivers' side of notifications as the server runs it: a real store (SQLite in a temporary directory), the
/// outbox that renders notifications, the senders of every kind (HTTP ones through the address guard, email through
/// MailKit) and the dispatcher, on <paramref name="clock"/>; the policy in force is read from JSON by the policy's own
/// reader. Every log line is kept in <see cref="Logs"/>.
/// </summary>
internal sealed class NotificationHarness : IAsyncDisposable
{
    private readonly string _directory;
    private readonly WebhookSender _webhookSender;
    private readonly HttpNotificationPoster _poster;

    private NotificationHarness(string policyJson, TimeProvider clock, WebhookOptions options)
    {
        _directory = Directory.CreateTempSubdirectory("monitor-notify-").FullName;
        Clock = clock;
        Store = MonitorStore.OpenSqlite(Path.Combine(_directory, "monitor.db"), clock);
        Policy = new FixedPolicy(Read(policyJson));
        var guard = new WebhookAddressGuard(options.AllowPrivateNetworks);
        _webhookSender = new WebhookSender(guard, options.Timeout, clock);
        _poster = new HttpNotificationPoster(new GuardedHttp(guard, options.Timeout, clock, "Monitor-Notifications"));
        INotificationSender[] senders =
        [
            new SlackSender(_poster), new TeamsSender(_poster), new TelegramSender(_poster), new EmailSender(options.Timeout, clock),
            new WebhookReceiverSender(Store.Webhooks, _webhookSender, clock),
        ];
        Outbox = new NotificationOutbox(Store.Notifications, Policy, clock, Logs.For<NotificationOutbox>());
        Dispatcher = new NotificationDispatcher(
            Store.Notifications, Policy, senders, new WebhookRetryPolicy(options.RetrySchedule, () => 0.5), options, clock, Logs.For<NotificationDispatcher>());
    }

    public TimeProvider Clock { get; }

    public MonitorStore Store { get; }

    public FixedPolicy Policy { get; }

    public NotificationOutbox Outbox { get; }

    public NotificationDispatcher Dispatcher { get; }

    public CapturedLogs Logs { get; } = new();

    /// <summary>Starts the dispatcher; on a fake <paramref name="clock"/> it polls only every hour, so it sleeps until the next retry.</summary>
    public static async Task<NotificationHarness> StartAsync(string policyJson, TimeProvider? clock = null, string retrySchedule = "0s,5s,1m")
    {
        var options = new WebhookOptions
        {
            AllowPrivateNetworks = true,
            RetrySchedule = RetrySchedule.Parse(retrySchedule),
            Timeout = TimeSpan.FromSeconds(10),
            PollInterval = clock is null ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromHours(1),
        };
        var harness = new NotificationHarness(policyJson, clock ?? TimeProvider.System, options);
        await harness.Dispatcher.StartAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>The policy <paramref name="json"/> reads to; fails the test with the reader's problems if it has errors.</summary>
    public static NotificationPolicy Read(string json)
    {
        var result = NotificationPolicyReader.Read(json);
        return result.Policy ?? throw new InvalidOperationException(string.Join("; ", result.Problems));
    }

    /// <summary>A notification as the policy emits it: for <paramref name="receiver"/>, about firing alerts of <paramref name="ruleId"/>.</summary>
    public static Notification Notification(string receiver, string ruleId, int alerts = 2, NotificationStatus status = NotificationStatus.Firing)
    {
        var at = new DateTimeOffset(2026, 1, 14, 15, 30, 0, TimeSpan.Zero);
        var stored = Enumerable.Range(0, alerts)
            .Select(i => TestAlerts.Firing(ruleId, at.AddMinutes(-i), i % 2 == 0 ? "COMEX:SI" : "ETF:SLV").Alert)
            .Select(a => status == NotificationStatus.Resolved ? a with { State = AlertState.Resolved, ResolvedAt = at } : a)
            .Select(a => new StoredAlert(a, null, false, []))
            .ToList();
        return new Notification(
            $"ntf_{Guid.NewGuid():N}", receiver, $"{{}}:{{ruleId=\"{ruleId}\"}}", new Dictionary<string, string> { ["ruleId"] = ruleId },
            status, status == NotificationStatus.Firing ? NotificationReason.First : NotificationReason.Resolved, stored, at);
    }

    public Task<StoredNotification> WaitForAsync(string id, Func<StoredNotification, bool> done, string because) =>
        Eventually.GetAsync(() => Store.Notifications.GetAsync(id), n => n is not null && done(n), TimeSpan.FromSeconds(30), because)!;

    /// <summary>Waits until the dispatcher sleeps until <paramref name="at"/> on its clock.</summary>
    public Task WaitForSleepUntilAsync(DateTimeOffset at) =>
        Eventually.GetAsync(() => Task.FromResult(Dispatcher.SleepingUntil), until => until == at, TimeSpan.FromSeconds(20), $"the dispatcher asleep until {at:O}");

    public async ValueTask DisposeAsync()
    {
        await Dispatcher.StopAsync(CancellationToken.None);
        Dispatcher.Dispose();
        _webhookSender.Dispose();
        _poster.Dispose();
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The policy in force, set by the test.</summary>
    internal sealed class FixedPolicy(NotificationPolicy policy) : IPolicyInForce
    {
        public NotificationPolicy? Current { get; set; } = policy;

        public Task<NotificationPolicy?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(Current);
    }
}

/// <summary>Every line logged through the loggers it hands out, formatted, with exceptions.</summary>
internal sealed class CapturedLogs
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger<T> For<T>() => new Logger<T>(_lines);

    private sealed class Logger<T>(ConcurrentQueue<string> lines) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
