using System.Globalization;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Alerts;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary><c>/api/v1/alerts</c> and <c>/api/v1/silences</c> (docs/api.md, Rules).</summary>
public static class AlertsApi
{
    private const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts").WithTags("Alerts").RequireRole(Policies.Read);
        alerts.MapGet("/", ListAsync).Produces<AlertView[]>().ProducesProblem(StatusCodes.Status400BadRequest);
        alerts.MapGet("/{id}", GetAsync).Produces<AlertView>().ProducesProblem(StatusCodes.Status404NotFound);

        // The read role is enough to acknowledge (a desk acknowledges from the board), but it takes a key: the
        // acknowledgement is recorded under the key's name, which a free-text 'by' cannot forge.
        alerts.MapPost("/{id}/ack", AcknowledgeAsync).RequireRole(Policies.ReadKey).CallsGrains().BindsJsonBody()
            .Produces<AlertView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var silences = app.MapGroup("/api/v1/silences").WithTags("Alerts");
        silences.MapGet("/", ListSilencesAsync).RequireRole(Policies.Read)
            .Produces<Silence[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        silences.MapPost("/", CreateSilenceAsync).RequireRole(Policies.Admin).BindsJsonBody()
            .Produces<Silence>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        silences.MapDelete("/{id}", DeleteSilenceAsync).RequireRole(Policies.Admin)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record AcknowledgeBody(string? By, string? Comment);

    /// <summary>A silence; <c>MatchEverything</c> confirms one with neither rule nor instrument, which silences every alert.</summary>
    public sealed record SilenceBody(
        string? RuleId, string? Instrument, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Comment, bool? MatchEverything = null);

    internal static async Task<IResult> ListAsync(
        string? ruleId, string? instrument, string? state, string? from, string? to, int? limit, string[]? label, IAlertStore alerts,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var labels = LabelSelectors.Parse(label, out string? labelProblem);
        if (labelProblem is not null)
        {
            problems.Add(labelProblem);
        }

        AlertState? parsedState = null;
        if (state is not null)
        {
            if (RuleText.TryParse<AlertState>(state, out var s))
            {
                parsedState = s;
            }
            else
            {
                problems.Add($"'state' '{UntrustedText.Printable(state)}' is not one of {RuleText.Choices<AlertState>()}");
            }
        }

        var start = ParseTime(from, "from", problems);
        var end = ParseTime(to, "to", problems);
        if (limit is < 1 or > MaxLimit)
        {
            problems.Add($"'limit' must be from 1 to {MaxLimit}");
        }

        if (problems.Count > 0)
        {
            return BadRequest(string.Join("; ", problems) + ".");
        }

        var query = new AlertQuery
        {
            RuleId = ruleId, Instrument = instrument, State = parsedState, From = start, To = end, Limit = limit ?? AlertQuery.DefaultLimit, Labels = labels!,
        };
        var list = await alerts.ListAsync(query, cancellationToken);
        return TypedResults.Ok(list.Select(a => AlertView.From(a, withTransitions: false)));
    }

    internal static async Task<IResult> GetAsync(string id, IAlertStore alerts, CancellationToken cancellationToken) =>
        await alerts.GetAsync(id, cancellationToken) is { } alert
            ? TypedResults.Ok(AlertView.From(alert, withTransitions: true))
            : UnknownAlert(id);

    internal static async Task<IResult> AcknowledgeAsync(
        string id, AcknowledgeBody? body, AlertPublisher alerts, HttpContext context, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        string? by = PersonText.Name(body?.By, "by", "the name of who acknowledges", problems);
        string? comment = PersonText.Comment(body?.Comment, "comment", required: false, problems);
        if (problems.Count > 0)
        {
            return BadRequest(string.Join("; ", problems) + ".");
        }

        // The route takes a key, so the key's name is always known: recorded beside the free-text 'by'.
        if (await alerts.AcknowledgeAsync(id, by!, context.User.Identity?.Name, comment, cancellationToken) is not { } alert)
        {
            return UnknownAlert(id);
        }

        return TypedResults.Ok(AlertView.From(alert, withTransitions: false));
    }

    internal static async Task<IResult> ListSilencesAsync(string? activeAt, ISilenceStore silences, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var at = ParseTime(activeAt, "activeAt", problems);
        return problems.Count > 0 ? BadRequest(problems[0] + ".") : TypedResults.Ok(await silences.ListAsync(at, cancellationToken));
    }

    internal static async Task<IResult> CreateSilenceAsync(
        SilenceBody? body, ISilenceStore silences, InstrumentCatalog catalog, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (body is null)
        {
            return BadRequest("The body must be a JSON object such as {\"ruleId\":\"silver-etf-divergence\",\"startsAt\":\"...\",\"endsAt\":\"...\",\"comment\":\"known roll\"}.");
        }

        if (body.StartsAt is null || body.EndsAt is null)
        {
            problems.Add("'startsAt' and 'endsAt' are required (ISO-8601 times with an offset)");
        }
        else if (body.EndsAt <= body.StartsAt)
        {
            problems.Add("'endsAt' must be after 'startsAt'");
        }

        if (body.Instrument is not null)
        {
            if (!InstrumentId.TryParse(body.Instrument, out var instrument, out string idError))
            {
                problems.Add($"'instrument': {idError}");
            }
            else if (!catalog.TryGet(instrument, out _))
            {
                problems.Add($"'instrument': there is no instrument '{instrument}' (GET /api/v1/instruments lists them), so the silence would match nothing");
            }
        }
        else if (body.RuleId is null && body.MatchEverything != true)
        {
            problems.Add("a silence with neither 'ruleId' nor 'instrument' silences every alert; confirm that with \"matchEverything\":true");
        }

        PersonText.Comment(body.Comment, "comment", required: false, problems);

        if (problems.Count > 0)
        {
            return BadRequest(string.Join("; ", problems) + ".");
        }

        var silence = await silences.CreateAsync(
            new SilenceRequest(body.RuleId, body.Instrument, body.StartsAt!.Value, body.EndsAt!.Value, body.Comment ?? "", context.User.Identity?.Name ?? "anonymous"),
            clock.GetUtcNow(),
            cancellationToken);
        return TypedResults.Created($"/api/v1/silences/{silence.Id}", silence);
    }

    internal static async Task<IResult> DeleteSilenceAsync(string id, ISilenceStore silences, CancellationToken cancellationToken) =>
        await silences.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found", $"There is no silence '{UntrustedText.Printable(id)}'.");

    internal static DateTimeOffset? ParseTime(string? text, string name, List<string> problems)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        problems.Add($"'{name}' '{UntrustedText.Printable(text)}' is not an ISO-8601 time");
        return null;
    }

    internal static IResult UnknownAlert(string id) => ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found",
        $"There is no alert '{UntrustedText.Printable(id)}'; GET /api/v1/alerts lists them.");

    internal static IResult BadRequest(string detail) => ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", detail);
}
