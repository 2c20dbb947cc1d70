using Monitor.Core.Ports;
using System.Globalization;
using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Core.Rules;
using Monitor.Core.Sources;
using Monitor.Server.Webhooks;
using Monitor.Server.Hosting;
using Monitor.Storage;

namespace Monitor.Server.Sources;

/// <summary>
/// <c>/api/v1/sources</c> (docs/api.md, Data sources): reading needs <c>read</c>, changing <c>admin</c>. Extensions:
/// <c>POST /{id}/pause</c> and <c>/{id}/resume</c> (the <c>enabled</c> flag), and <c>calendar</c> in a definition.
/// </summary>
public static class SourcesApi
{
    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/v1/sources").WithTags("Sources").RequireRole(Policies.Read);
        read.MapGet("/", ListAsync).Produces<SourceView[]>();
        read.MapGet("/{id}", GetAsync).Produces<SourceView>().ProducesProblem(StatusCodes.Status404NotFound);
        read.MapGet("/{id}/files", ListFilesAsync).Produces<FileView[]>().ProducesProblem(StatusCodes.Status404NotFound);
        var admin = app.MapGroup("/api/v1/sources").WithTags("Sources").RequireRole(Policies.Admin);
        admin.MapPost("/", CreateAsync).BindsJsonBody()
            .Produces<SourceView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/{id}", ReplaceAsync).BindsJsonBody()
            .Produces<SourceView>()
            .Produces<SourceView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/{id}", DeleteAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/{id}/fetch", FetchAsync)
            .Produces<StatusView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .CallsGrains();
        admin.MapPost("/{id}/pause", (string id, ISourceStore sources, SourceScheduler scheduler, TimeProvider clock, CancellationToken ct) =>
                SetEnabledAsync(id, false, sources, scheduler, clock, ct))
            .Produces<SourceView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/{id}/resume", (string id, ISourceStore sources, SourceScheduler scheduler, TimeProvider clock, CancellationToken ct) =>
                SetEnabledAsync(id, true, sources, scheduler, clock, ct))
            .Produces<SourceView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record StatusView(
        DateTimeOffset? LastFetchAt, string? LastResult, string? LastError, string? LastActivityDate, DateTimeOffset? NextFetchAt, bool Late)
    {
        public static StatusView From(SourceState s) => new(
            s.LastFetchAt, s.LastResult?.ToText(), s.LastError, s.LastActivityDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), s.NextFetchAt, s.Late);
    }

    public sealed record SourceView(
        string Id, string Kind, string Url, string Schedule, string TimeZone, string? LateAfter, string Calendar, bool Enabled, JsonElement Mapping, StatusView Status)
    {
        public static SourceView From(StoredSource s)
        {
            var d = s.Definition;
            using var mapping = JsonDocument.Parse(d.Mapping);
            return new(
                d.Id, d.Kind, d.Url, d.Schedule, d.TimeZone, d.LateAfter is { } after ? RuleWindow.FromDuration(after).Text : null, d.Calendar, d.Enabled,
                mapping.RootElement.Clone(), StatusView.From(s.State));
        }
    }

    public sealed record FileView(string Sha256, string Url, DateTimeOffset FetchedAt, int HttpStatus, long Bytes, string Result, string? ActivityDate, string? Detail)
    {
        public static FileView From(ArchivedFile f) => new(
            f.Sha256, f.Url, f.FetchedAt, f.HttpStatus, f.Bytes, f.Result.ToText(), f.ActivityDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), f.Detail);
    }

    internal static async Task<IResult> ListAsync(ISourceStore sources, CancellationToken cancellationToken) =>
        TypedResults.Ok((await sources.ListAsync(cancellationToken)).Select(SourceView.From));

    internal static async Task<IResult> GetAsync(string id, ISourceStore sources, CancellationToken cancellationToken) =>
        await sources.GetAsync(id, cancellationToken) is { } source ? TypedResults.Ok(SourceView.From(source)) : Unknown(id);

    internal static async Task<IResult> ListFilesAsync(string id, ISourceStore sources, CancellationToken cancellationToken) =>
        await sources.GetAsync(id, cancellationToken) is null
            ? Unknown(id)
            : TypedResults.Ok((await sources.ListFilesAsync(id, cancellationToken)).Select(FileView.From));

    internal static async Task<IResult> CreateAsync(
        SourceBody? body, ISourceStore sources, SourceScheduler scheduler, [FromKeyedServices(SourceSetup.GuardKey)] WebhookAddressGuard guard,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (definition, problem) = await ValidateAsync(body, null, guard, cancellationToken);
        if (definition is null)
        {
            return BadRequest(problem!);
        }

        var now = clock.GetUtcNow();
        var state = Scheduled(definition, SourceState.Empty, now);
        if (!await sources.AddAsync(definition, now, state.NextFetchAt, SourceSchedule.DueAt(definition, state), cancellationToken))
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status409Conflict, "Conflict",
                $"A source '{definition.Id}' exists already; PUT /api/v1/sources/{definition.Id} replaces it.");
        }

        scheduler.Wake();
        return TypedResults.Created($"/api/v1/sources/{definition.Id}", SourceView.From((await sources.GetAsync(definition.Id, cancellationToken))!));
    }

    /// <summary>Replaces a source's definition (its status and archive stay), or adds it.</summary>
    internal static async Task<IResult> ReplaceAsync(
        string id, SourceBody? body, ISourceStore sources, SourceScheduler scheduler, [FromKeyedServices(SourceSetup.GuardKey)] WebhookAddressGuard guard,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (definition, problem) = await ValidateAsync(body, id, guard, cancellationToken);
        if (definition is null)
        {
            return BadRequest(problem!);
        }

        var existing = await sources.GetAsync(id, cancellationToken);
        var now = clock.GetUtcNow();
        var state = Scheduled(definition, existing?.State ?? SourceState.Empty, now);
        var due = SourceSchedule.DueAt(definition, state);
        bool added = existing is null && await sources.AddAsync(definition, now, state.NextFetchAt, due, cancellationToken);
        if (!added && !await sources.ReplaceAsync(definition, now, state.NextFetchAt, due, cancellationToken))
        {
            return Unknown(id); // deleted meanwhile
        }

        scheduler.Wake();
        var view = SourceView.From((await sources.GetAsync(id, cancellationToken))!);
        return added ? TypedResults.Created($"/api/v1/sources/{id}", view) : TypedResults.Ok(view);
    }

    internal static async Task<IResult> DeleteAsync(string id, ISourceStore sources, CancellationToken cancellationToken) =>
        await sources.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : Unknown(id);

    internal static async Task<IResult> SetEnabledAsync(
        string id, bool enabled, ISourceStore sources, SourceScheduler scheduler, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await sources.GetAsync(id, cancellationToken) is not { } existing)
        {
            return Unknown(id);
        }

        var definition = existing.Definition with { Enabled = enabled };
        var now = clock.GetUtcNow();
        var state = Scheduled(definition, existing.State, now);
        if (!await sources.ReplaceAsync(definition, now, state.NextFetchAt, SourceSchedule.DueAt(definition, state), cancellationToken))
        {
            return Unknown(id);
        }

        scheduler.Wake();
        return TypedResults.Ok(SourceView.From((await sources.GetAsync(id, cancellationToken))!));
    }

    /// <summary>Fetches the source now, paused or not, and answers its status once the file is handled.</summary>
    internal static async Task<IResult> FetchAsync(
        string id, ISourceStore sources, SourceRunner runner, SourceScheduler scheduler, SourceOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        string owner = $"{scheduler.Owner}/api/{Guid.NewGuid():N}";
        var now = clock.GetUtcNow();
        if (await sources.ClaimAsync(id, owner, now, now + options.Lease, cancellationToken) is not { } source)
        {
            return await sources.GetAsync(id, cancellationToken) is null
                ? Unknown(id)
                : ProblemDetailsWriter.Result(StatusCodes.Status409Conflict, "Conflict", $"Source '{UntrustedText.Printable(id)}' is being fetched right now; try again in a moment.");
        }

        var state = await runner.RunAsync(source, owner, fetchNow: true, cancellationToken);
        scheduler.Wake();
        return TypedResults.Ok(StatusView.From(state));
    }

    /// <summary>The state with its next fetch: on the schedule from now while enabled, none while paused.</summary>
    private static SourceState Scheduled(SourceDefinition definition, SourceState state, DateTimeOffset now) =>
        state with { NextFetchAt = definition.Enabled ? SourceSchedule.NextFetchAt(definition, now) : null };

    private static async Task<(SourceDefinition? Definition, string? Problem)> ValidateAsync(
        SourceBody? body, string? routeId, WebhookAddressGuard guard, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return (null, "The body must be a JSON object such as {\"id\":\"cme-silver\",\"kind\":\"cme-stocks\",\"url\":\"https://www.cmegroup.com/delivery_reports/Silver_stocks.xls\",\"schedule\":\"30 16-23 * * 1-5\",\"timeZone\":\"America/Chicago\"}.");
        }

        var problems = new List<string>();
        if (routeId is not null && body.Id is not null && body.Id != routeId)
        {
            problems.Add($"'id' '{UntrustedText.Printable(body.Id)}' differs from the id in the path, '{UntrustedText.Printable(routeId)}'");
        }

        var definition = (body with { Id = body.Id ?? routeId }).ToDefinition(problems);
        if (definition is not null)
        {
            // Refused when its host is (or resolves to) an internal address. A host that does not resolve now is accepted:
            // a source may be set up before its network is reachable, and every connection is checked again.
            try
            {
                await guard.ResolveAsync(new Uri(definition.Url).Host, cancellationToken);
            }
            catch (WebhookAddressRefusedException refused)
            {
                problems.Add($"'url' {refused.Message}");
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }

        return problems.Count > 0 ? (null, string.Join("; ", problems) + ".") : (definition, null);
    }

    private static IResult Unknown(string id) => ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found",
        $"There is no source '{UntrustedText.Printable(id)}'; GET /api/v1/sources lists them.");

    private static IResult BadRequest(string detail) => ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", detail);
}
