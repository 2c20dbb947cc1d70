using Monitor.Core.Ports;
using Monitor.Grains.Alerts;
using Monitor.Server.Hosting;
using Monitor.Server.Notifications;

namespace Monitor.Server.Api;

/// <summary>
/// What people do with alerts besides acknowledging them (docs/api.md, Working on alerts): assign one to someone,
/// shelve (snooze) it until a time, comment on it; and act on a group of the notification policy as a whole
/// (<c>/api/v1/notifications/groups/{id}</c>: acknowledge, shelve, unshelve). Each needs an API key with the read role, never
/// anonymous, and is recorded in the alert's history under the name given and the key's name.
/// </summary>
public static class AlertHandlingApi
{
    /// <summary>How far ahead a shelf may end: a longer snooze is a silence, which an admin sets.</summary>
    public static readonly TimeSpan MaxShelf = TimeSpan.FromDays(7);

    /// <summary>Comments an alert may collect; a bound on what one key can make the store and the board carry.</summary>
    public const int MaxComments = 500;

    public static IEndpointRouteBuilder MapAlertHandlingApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts/{id}").WithTags("Alerts").RequireRole(Policies.ReadKey).CallsGrains().BindsJsonBody()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        alerts.MapPost("/assign", AssignAsync).Produces<AlertView>();
        alerts.MapPost("/shelve", ShelveAsync).Produces<AlertView>();
        alerts.MapPost("/unshelve", UnshelveAsync).Produces<AlertView>();
        alerts.MapPost("/comments", CommentAsync).Produces<AlertView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);

        var group = app.MapGroup("/api/v1/notifications/groups/{id}").WithTags("Notifications").RequireRole(Policies.ReadKey).CallsGrains().BindsJsonBody()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/ack", AcknowledgeGroupAsync).Produces<AlertGroupView>();
        group.MapPost("/shelve", ShelveGroupAsync).Produces<AlertGroupView>();
        group.MapPost("/unshelve", UnshelveGroupAsync).Produces<AlertGroupView>();
        return app;
    }

    /// <summary><c>assignee</c> null or blank unassigns.</summary>
    public sealed record AssignBody(string? By, string? Assignee);

    public sealed record ShelveBody(string? By, DateTimeOffset? Until, string? Comment);

    public sealed record ByBody(string? By, string? Comment);

    public sealed record CommentBody(string? By, string? Text);

    internal static async Task<IResult> AssignAsync(
        string id, AssignBody? body, AlertPublisher publisher, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        string? by = PersonText.Name(body?.By, "by", "the name of who assigns", problems);
        string? assignee = string.IsNullOrWhiteSpace(body?.Assignee) ? null : PersonText.Name(body.Assignee, "assignee", "whom the alert is assigned to", problems);
        if (problems.Count > 0)
        {
            return AlertsApi.BadRequest(string.Join("; ", problems) + ".");
        }

        var kind = assignee is null ? AlertActivityKind.Unassigned : AlertActivityKind.Assigned;
        return Answer(id, await publisher.RecordActivityAsync(
            id, new AlertActivity(kind, clock.GetUtcNow(), by!, KeyName(context), Assignee: assignee), cancellationToken));
    }

    internal static async Task<IResult> ShelveAsync(
        string id, ShelveBody? body, AlertPublisher publisher, HttpContext context, TimeProvider clock, CancellationToken cancellationToken) =>
        ReadShelf(body, clock.GetUtcNow(), "the name of who shelves", out var activity) is { } problem
            ? problem
            : Answer(id, await publisher.RecordActivityAsync(id, activity! with { KeyName = KeyName(context) }, cancellationToken));

    internal static async Task<IResult> UnshelveAsync(
        string id, ByBody? body, AlertPublisher publisher, HttpContext context, TimeProvider clock, CancellationToken cancellationToken) =>
        ReadUnshelf(body, clock.GetUtcNow(), out var activity) is { } problem
            ? problem
            : Answer(id, await publisher.RecordActivityAsync(id, activity! with { KeyName = KeyName(context) }, cancellationToken));

    internal static async Task<IResult> CommentAsync(
        string id, CommentBody? body, AlertPublisher publisher, IAlertStore store, HttpContext context, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        string? by = PersonText.Name(body?.By, "by", "the name of who comments", problems);
        string? text = PersonText.Comment(body?.Text, "text", required: true, problems);
        if (problems.Count > 0)
        {
            return AlertsApi.BadRequest(string.Join("; ", problems) + ".");
        }

        if (await store.GetAsync(id, cancellationToken) is not { } existing)
        {
            return AlertsApi.UnknownAlert(id);
        }

        if (existing.CommentCount >= MaxComments)
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status409Conflict, "Conflict",
                $"The alert has {MaxComments} comments, the most one alert may have.");
        }

        var alert = await publisher.RecordActivityAsync(
            id, new AlertActivity(AlertActivityKind.Comment, clock.GetUtcNow(), by!, KeyName(context), Text: text), cancellationToken);
        return alert is null
            ? AlertsApi.UnknownAlert(id)
            : TypedResults.Created($"/api/v1/alerts/{Uri.EscapeDataString(id)}", AlertView.From(alert, withTransitions: true));
    }

    /// <summary>Acknowledges every firing alert of the group under one name (one already acknowledged under it stays as it was).</summary>
    internal static async Task<IResult> AcknowledgeGroupAsync(
        string id, ByBody? body, AlertGroups groups, AlertPublisher publisher, HttpContext context, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        string? by = PersonText.Name(body?.By, "by", "the name of who acknowledges", problems);
        string? comment = PersonText.Comment(body?.Comment, "comment", required: false, problems);
        if (problems.Count > 0)
        {
            return AlertsApi.BadRequest(string.Join("; ", problems) + ".");
        }

        return await ForEachFiringAsync(id, groups, alert => publisher.AcknowledgeAsync(alert, by!, KeyName(context), comment, cancellationToken), cancellationToken);
    }

    internal static async Task<IResult> ShelveGroupAsync(
        string id, ShelveBody? body, AlertGroups groups, AlertPublisher publisher, HttpContext context, TimeProvider clock, CancellationToken cancellationToken) =>
        ReadShelf(body, clock.GetUtcNow(), "the name of who shelves", out var activity) is { } problem
            ? problem
            : await ForEachFiringAsync(
                id, groups, alert => publisher.RecordActivityAsync(alert, activity! with { KeyName = KeyName(context) }, cancellationToken), cancellationToken);

    internal static async Task<IResult> UnshelveGroupAsync(
        string id, ByBody? body, AlertGroups groups, AlertPublisher publisher, HttpContext context, TimeProvider clock, CancellationToken cancellationToken) =>
        ReadUnshelf(body, clock.GetUtcNow(), out var activity) is { } problem
            ? problem
            : await ForEachFiringAsync(
                id, groups, alert => publisher.RecordActivityAsync(alert, activity! with { KeyName = KeyName(context) }, cancellationToken), cancellationToken);

    /// <summary>The shelf the body asks for, or the problem: a name, and <c>until</c> ahead of now by at most <see cref="MaxShelf"/>.</summary>
    private static IResult? ReadShelf(ShelveBody? body, DateTimeOffset now, string purpose, out AlertActivity? activity)
    {
        var problems = new List<string>();
        string? by = PersonText.Name(body?.By, "by", purpose, problems);
        string? comment = PersonText.Comment(body?.Comment, "comment", required: false, problems);
        if (body?.Until is not { } until)
        {
            problems.Add("'until' is required: when the shelf ends (an ISO-8601 time with an offset)");
        }
        else if (until <= now || until > now + MaxShelf)
        {
            problems.Add($"'until' must be after now and at most {MaxShelf.TotalDays:0} days ahead (a longer one is a silence, which an admin sets)");
        }

        activity = problems.Count > 0 ? null : new AlertActivity(AlertActivityKind.Shelved, now, by!, null, comment, Until: body!.Until);
        return problems.Count > 0 ? AlertsApi.BadRequest(string.Join("; ", problems) + ".") : null;
    }

    private static IResult? ReadUnshelf(ByBody? body, DateTimeOffset now, out AlertActivity? activity)
    {
        var problems = new List<string>();
        string? by = PersonText.Name(body?.By, "by", "the name of who unshelves", problems);
        string? comment = PersonText.Comment(body?.Comment, "comment", required: false, problems);
        activity = problems.Count > 0 ? null : new AlertActivity(AlertActivityKind.Unshelved, now, by!, null, comment);
        return problems.Count > 0 ? AlertsApi.BadRequest(string.Join("; ", problems) + ".") : null;
    }

    /// <summary>Applies <paramref name="act"/> to each firing alert of the group, then answers the group as it is now.</summary>
    private static async Task<IResult> ForEachFiringAsync(string id, AlertGroups groups, Func<string, Task<StoredAlert?>> act, CancellationToken cancellationToken)
    {
        if (await groups.FindAsync(id, cancellationToken) is not { } group)
        {
            return UnknownGroup(id);
        }

        foreach (var alert in group.Members.Where(a => a.State == "firing"))
        {
            await act(alert.Id);
        }

        return await groups.FindAsync(id, cancellationToken) is { } after ? TypedResults.Ok(after) : UnknownGroup(id);
    }

    private static IResult Answer(string id, StoredAlert? alert) =>
        alert is null ? AlertsApi.UnknownAlert(id) : TypedResults.Ok(AlertView.From(alert, withTransitions: true));

    private static IResult UnknownGroup(string id) => ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found",
        $"There is no alert group '{Monitor.Core.Market.UntrustedText.Printable(id)}' (it may have ended); GET /api/v1/notifications/groups lists them.");

    /// <summary>The API key's name: these routes take a key, so it is always known, and recorded beside the free-text name.</summary>
    private static string? KeyName(HttpContext context) => context.User.Identity?.Name;
}
