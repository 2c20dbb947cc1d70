using Monitor.Core.Webhooks;
using System.Text.Json.Serialization;
using Monitor.Core.Market;
using Monitor.Core.Rules;
using Monitor.Server.Hosting;
using Monitor.Server.Api;

namespace Monitor.Server.Webhooks;

/// <summary>
/// <c>/api/v1/webhooks</c> (docs/api.md, Webhooks), admin only. Extensions: <c>GET</c> and <c>PATCH /{id}</c> (change
/// the URL, description or filter; <c>"enabled":true</c> re-enables a disabled webhook), <c>GET /{id}/deliveries/{deliveryId}</c>,
/// and <c>POST /{id}/deliveries/redeliver-failed</c> for every failed delivery created in a time range.
/// </summary>
public static class WebhooksApi
{
    private const int MaxUrlLength = 2000;
    private const int MaxDescriptionLength = 500;
    private const int MaxFilterItems = 100;
    private const int MaxLimit = 1000;
    private const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireRole(Policies.Admin);
        api.MapPost("/", CreateAsync).BindsJsonBody().Produces<WebhookView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/", ListAsync).Produces<WebhookView[]>();
        api.MapGet("/{id}", GetAsync).Produces<WebhookView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPatch("/{id}", UpdateAsync).BindsJsonBody()
            .Produces<WebhookView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{id}", DeleteAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/rotate-secret", RotateSecretAsync).Produces<WebhookView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/deliveries", ListDeliveriesAsync)
            .Produces<DeliveryView[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/deliveries/{deliveryId}", GetDeliveryAsync).Produces<DeliveryView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/deliveries/{deliveryId}/redeliver", RedeliverAsync)
            .Produces<DeliveryView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id}/deliveries/redeliver-failed", RedeliverFailedAsync).BindsJsonBody()
            .Produces<RedeliveredView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public sealed record FilterBody(string[]? RuleIds, string[]? Instruments, string[]? Severities, string[]? Events);

    public sealed record WebhookBody(string? Url, string? Description, FilterBody? Filter, bool? Enabled);

    public sealed record TimeRangeBody(DateTimeOffset? From, DateTimeOffset? To);

    /// <summary>A webhook as the API shows it; <see cref="Secret"/> only when created or rotated (it is shown once).</summary>
    public sealed record WebhookView(
        string Id, string Url, string? Description, WebhookFilter Filter, bool Enabled, string? DisabledReason, DateTimeOffset? DisabledAt,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PreviousSecretExpiresAt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret)
    {
        public static WebhookView From(Webhook w, bool withSecret = false) => new(
            w.Id, w.Url, w.Description, w.Filter, w.Enabled, w.DisabledReason, w.DisabledAt, w.CreatedAt, w.UpdatedAt,
            w.PreviousSecret is null ? null : w.PreviousSecretExpiresAt, withSecret ? w.Secret : null);
    }

    /// <summary>How many failed deliveries a redeliver-failed request sent again.</summary>
    public sealed record RedeliveredView(int Redelivered);

    public sealed record AttemptView(DateTimeOffset At, int? Status, double DurationMs, string? Error);

    /// <summary>A delivery: <see cref="Id"/> is its <c>webhook-id</c>; <see cref="NextAttemptAt"/> only while pending.</summary>
    public sealed record DeliveryView(
        string Id, string Event, string AlertId, string State, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, IReadOnlyList<AttemptView> Attempts)
    {
        public static DeliveryView From(StoredDelivery d) => new(
            d.Id, d.Event, d.AlertId, d.State.ToText(), d.CreatedAt, d.State == DeliveryState.Pending ? d.NextAttemptAt : null,
            [.. d.Attempts.Select(a => new AttemptView(a.At, a.Status, Math.Round(a.DurationMs, 3), a.Error))]);
    }

    internal static async Task<IResult> CreateAsync(
        WebhookBody? body, IWebhookStore webhooks, WebhookAddressGuard guard, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return BadRequest("The body must be a JSON object such as {\"url\":\"https://example.com/hooks/monitor\",\"filter\":{\"events\":[\"alert.firing\"]}}.");
        }

        var problems = new List<string>();
        if (body.Url is null)
        {
            problems.Add("'url' is required: the http or https URL to POST alerts to");
        }

        var (url, filter) = await ValidateAsync(body, guard, problems, cancellationToken);
        if (problems.Count > 0)
        {
            return BadRequest(string.Join("; ", problems) + ".");
        }

        var webhook = await webhooks.CreateAsync(
            new WebhookRequest(url!, body.Description, filter ?? ToFilter(new FilterBody(null, null, null, null)), WebhookSecret.Generate()),
            clock.GetUtcNow(),
            cancellationToken);
        return TypedResults.Created($"/api/v1/webhooks/{webhook.Id}", WebhookView.From(webhook, withSecret: true));
    }

    internal static async Task<IResult> ListAsync(IWebhookStore webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok((await webhooks.ListAsync(cancellationToken)).Select(w => WebhookView.From(w)));

    internal static async Task<IResult> GetAsync(string id, IWebhookStore webhooks, CancellationToken cancellationToken) =>
        await webhooks.GetAsync(id, cancellationToken) is { } webhook ? TypedResults.Ok(WebhookView.From(webhook)) : UnknownWebhook(id);

    internal static async Task<IResult> UpdateAsync(
        string id, WebhookBody? body, IWebhookStore webhooks, WebhookAddressGuard guard, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return BadRequest("The body must be a JSON object with the fields to change, such as {\"enabled\":true}.");
        }

        var problems = new List<string>();
        var (url, filter) = await ValidateAsync(body, guard, problems, cancellationToken);
        if (problems.Count > 0)
        {
            return BadRequest(string.Join("; ", problems) + ".");
        }

        return await webhooks.UpdateAsync(id, new WebhookChange(url, body.Description, filter, body.Enabled), clock.GetUtcNow(), cancellationToken) is { } webhook
            ? TypedResults.Ok(WebhookView.From(webhook))
            : UnknownWebhook(id);
    }

    internal static async Task<IResult> DeleteAsync(string id, IWebhookStore webhooks, CancellationToken cancellationToken) =>
        await webhooks.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : UnknownWebhook(id);

    internal static async Task<IResult> RotateSecretAsync(string id, IWebhookStore webhooks, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await webhooks.RotateSecretAsync(id, WebhookSecret.Generate(), now + WebhookOptions.RotationOverlap, now, cancellationToken) is { } webhook
            ? TypedResults.Ok(WebhookView.From(webhook, withSecret: true))
            : UnknownWebhook(id);
    }

    internal static async Task<IResult> ListDeliveriesAsync(string id, string? state, int? limit, IWebhookStore webhooks, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        DeliveryState? parsedState = null;
        if (state is not null)
        {
            if (RuleText.TryParse<DeliveryState>(state, out var s))
            {
                parsedState = s;
            }
            else
            {
                problems.Add($"'state' '{UntrustedText.Printable(state)}' is not one of {RuleText.Choices<DeliveryState>()}");
            }
        }

        if (limit is < 1 or > MaxLimit)
        {
            problems.Add($"'limit' must be from 1 to {MaxLimit}");
        }

        if (problems.Count > 0)
        {
            return BadRequest(string.Join("; ", problems) + ".");
        }

        if (await webhooks.GetAsync(id, cancellationToken) is null)
        {
            return UnknownWebhook(id);
        }

        var deliveries = await webhooks.ListDeliveriesAsync(id, parsedState, limit ?? DefaultLimit, cancellationToken);
        return TypedResults.Ok(deliveries.Select(DeliveryView.From));
    }

    internal static async Task<IResult> GetDeliveryAsync(string id, string deliveryId, IWebhookStore webhooks, CancellationToken cancellationToken) =>
        await webhooks.GetDeliveryAsync(id, deliveryId, cancellationToken) is { } delivery
            ? TypedResults.Ok(DeliveryView.From(delivery))
            : await UnknownDeliveryAsync(id, deliveryId, webhooks, cancellationToken);

    internal static async Task<IResult> RedeliverAsync(
        string id, string deliveryId, IWebhookStore webhooks, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await EnabledOrProblemAsync(id, webhooks, cancellationToken) is { } problem)
        {
            return problem;
        }

        return await webhooks.RedeliverAsync(id, deliveryId, clock.GetUtcNow(), cancellationToken) is { } delivery
            ? TypedResults.Accepted($"/api/v1/webhooks/{id}/deliveries/{delivery.Id}", DeliveryView.From(delivery))
            : await UnknownDeliveryAsync(id, deliveryId, webhooks, cancellationToken);
    }

    internal static async Task<IResult> RedeliverFailedAsync(
        string id, TimeRangeBody? body, IWebhookStore webhooks, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (body?.From is not { } from || body.To is not { } to || to <= from)
        {
            return BadRequest("The body must name the range of delivery creation times, 'to' after 'from': {\"from\":\"2026-01-14T00:00:00Z\",\"to\":\"2026-01-15T00:00:00Z\"}.");
        }

        if (await EnabledOrProblemAsync(id, webhooks, cancellationToken) is { } problem)
        {
            return problem;
        }

        int count = await webhooks.RedeliverFailedAsync(id, from, to, clock.GetUtcNow(), cancellationToken);
        return TypedResults.Accepted($"/api/v1/webhooks/{id}/deliveries", new RedeliveredView(count));
    }

    /// <summary>Checks the URL (scheme, SSRF guard) and the filter of <paramref name="body"/>; nulls for what it does not set.</summary>
    private static async Task<(string? Url, WebhookFilter? Filter)> ValidateAsync(
        WebhookBody body, WebhookAddressGuard guard, List<string> problems, CancellationToken cancellationToken)
    {
        string? url = null;
        if (body.Url is not null)
        {
            if (body.Url.Length > MaxUrlLength || !Uri.TryCreate(body.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                problems.Add($"'url' '{UntrustedText.Printable(LoggedUrl.Redact(body.Url))}' must be an absolute http or https URL of at most {MaxUrlLength} characters");
            }
            else if (uri.UserInfo.Length > 0)
            {
                // Credentials in a URL end up in logs and are never sent (no Authorization header is made of them):
                // the signature is what proves a delivery came from us.
                problems.Add("'url' must not hold a user name or password; verify deliveries by their webhook-signature, or put a token in the path");
            }
            else if (await guard.CheckAsync(uri, cancellationToken) is { } refusal)
            {
                problems.Add($"'url' is refused: {refusal}");
            }
            else
            {
                url = uri.AbsoluteUri;
            }
        }

        if (body.Description is { Length: > MaxDescriptionLength })
        {
            problems.Add($"'description' may be at most {MaxDescriptionLength} characters");
        }

        if (body.Filter is not { } filter)
        {
            return (url, null);
        }

        foreach (var (name, items) in new[] { ("ruleIds", filter.RuleIds), ("instruments", filter.Instruments), ("severities", filter.Severities), ("events", filter.Events) })
        {
            if (items is { Length: > MaxFilterItems })
            {
                problems.Add($"'filter.{name}' may list at most {MaxFilterItems} items");
            }
        }

        foreach (string instrument in filter.Instruments ?? [])
        {
            if (!InstrumentId.TryParse(instrument, out _, out string error))
            {
                problems.Add($"'filter.instruments': {error}");
            }
        }

        foreach (string severity in filter.Severities ?? [])
        {
            if (!RuleText.TryParse<AlertSeverity>(severity, out _))
            {
                problems.Add($"'filter.severities' has '{UntrustedText.Printable(severity)}'; severities are {RuleText.Choices<AlertSeverity>()}");
            }
        }

        foreach (string eventType in filter.Events ?? [])
        {
            if (!WebhookEvents.All.Contains(eventType, StringComparer.Ordinal))
            {
                problems.Add($"'filter.events' has '{UntrustedText.Printable(eventType)}'; events are {string.Join(", ", WebhookEvents.All)}");
            }
        }

        if ((filter.RuleIds ?? []).Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("'filter.ruleIds' may not have empty ids");
        }

        return (url, ToFilter(filter));
    }

    /// <summary>Empty lists match anything, except events: a webhook that names none gets <c>alert.firing</c> and <c>alert.resolved</c>.</summary>
    private static WebhookFilter ToFilter(FilterBody filter) => new(
        filter.RuleIds ?? [],
        filter.Instruments ?? [],
        filter.Severities ?? [],
        filter.Events is { Length: > 0 } events ? [.. events.Distinct(StringComparer.Ordinal)] : WebhookEvents.Default);

    private static async Task<IResult?> EnabledOrProblemAsync(string id, IWebhookStore webhooks, CancellationToken cancellationToken) =>
        await webhooks.GetAsync(id, cancellationToken) switch
        {
            null => UnknownWebhook(id),
            { Enabled: false } disabled => ProblemDetailsWriter.Result(StatusCodes.Status409Conflict, "Webhook disabled",
                $"Webhook '{id}' is disabled ({disabled.DisabledReason}); re-enable it with PATCH /api/v1/webhooks/{id} {{\"enabled\":true}} first."),
            _ => null,
        };

    private static async Task<IResult> UnknownDeliveryAsync(string id, string deliveryId, IWebhookStore webhooks, CancellationToken cancellationToken) =>
        await webhooks.GetAsync(id, cancellationToken) is null
            ? UnknownWebhook(id)
            : ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found",
                $"Webhook '{id}' has no delivery '{UntrustedText.Printable(deliveryId)}'; GET /api/v1/webhooks/{id}/deliveries lists them.");

    private static IResult UnknownWebhook(string id) => ProblemDetailsWriter.Result(StatusCodes.Status404NotFound, "Not found",
        $"There is no webhook '{UntrustedText.Printable(id)}'; GET /api/v1/webhooks lists them.");

    private static IResult BadRequest(string detail) => ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", detail);
}
