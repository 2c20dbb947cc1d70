using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Core.Webhooks;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary>
/// <c>/api/v1/notifications/log</c> (docs/api.md, Notification log), admin only: every notification the policy sent or
/// is sending, newest first, with its attempts, as the webhook deliveries route lists deliveries; one by id; and
/// <c>POST /{id}/resend</c>, which sends it again (same id, a new run of the retry schedule). Receivers' secrets never
/// appear: the outbox holds the rendered message only, and errors are scrubbed of secrets before they are stored.
/// </summary>
public static class NotificationLogApi
{
    private const int MaxLimit = 1000;
    private const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapNotificationLogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/notifications/log").WithTags("Notifications").RequireRole(Policies.Admin);
        api.MapGet("/", ListAsync).Produces<NotificationView[]>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{id}", GetAsync).Produces<NotificationView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/resend", ResendAsync).Produces<NotificationView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record AttemptView(DateTimeOffset At, int? Status, double DurationMs, string? Error);

    /// <summary>A notification: <see cref="Group"/> is its group key, <see cref="Status"/> the group's (firing or resolved),
    /// <see cref="State"/> the outbox's (pending, delivered, failed); <see cref="NextAttemptAt"/> only while pending.</summary>
    public sealed record NotificationView(
        string Id, string Receiver, string Kind, string Group, string Status, IReadOnlyList<string> Alerts, string State,
        DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, IReadOnlyList<AttemptView> Attempts)
    {
        public static NotificationView From(StoredNotification n) => new(
            n.Id, n.Receiver, n.Kind, n.GroupKey, n.Status, n.AlertIds, n.State.ToText(), n.CreatedAt,
            n.State == DeliveryState.Pending ? n.NextAttemptAt : null,
            [.. n.Attempts.Select(a => new AttemptView(a.At, a.Status, Math.Round(a.DurationMs, 3), a.Error))]);
    }

    internal static async Task<IResult> ListAsync(
        string? receiver, string? from, string? to, int? limit, INotificationStore store, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var start = AlertsApi.ParseTime(from, "from", problems);
        var end = AlertsApi.ParseTime(to, "to", problems);
        if (limit is < 1 or > MaxLimit)
        {
            problems.Add($"'limit' must be from 1 to {MaxLimit}");
        }

        if (problems.Count > 0)
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", string.Join("; ", problems) + ".");
        }

        var log = await store.ListAsync(new NotificationLogQuery(string.IsNullOrEmpty(receiver) ? null : receiver, start, end, limit ?? DefaultLimit), cancellationToken);
        return TypedResults.Ok(log.Select(NotificationView.From));
    }

    internal static async Task<IResult> GetAsync(string id, INotificationStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } notification ? TypedResults.Ok(NotificationView.From(notification)) : Unknown(id);

    internal static async Task<IResult> ResendAsync(string id, INotificationStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        await store.ResendAsync(id, clock.GetUtcNow(), cancellationToken) is { } notification
            ? TypedResults.Accepted($"/api/v1/notifications/log/{id}", NotificationView.From(notification))
            : Unknown(id);

    private static IResult Unknown(string id) => ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found",
        $"There is no notification '{UntrustedText.Printable(id)}'; GET /api/v1/notifications/log lists them.");
}
