using System.Text.Json;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Server.Hosting;
using Monitor.Server.Notifications;

namespace Monitor.Server.Api;

/// <summary>
/// <c>/api/v1/notifications</c> (docs/api.md, Notification policy): the policy, admin only; <c>GET /groups</c> (read)
/// lists the groups the policy holds now (acknowledged or shelved as a whole through <see cref="AlertHandlingApi"/>). Extensions: <c>?dryRun=true</c> on <c>PUT</c> checks without applying, and
/// <c>DELETE</c> removes the policy (webhooks then get every transition their filters match again).
/// </summary>
public static class NotificationsApi
{
    private const int MaxPolicyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/notifications").WithTags("Notifications");
        api.MapGet("/", GetAsync).RequireRole(Policies.Admin).Produces<JsonElement>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/", PutAsync).RequireRole(Policies.Admin)
            .Produces<PolicyApplied>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapDelete("/", DeleteAsync).RequireRole(Policies.Admin).Produces(StatusCodes.Status204NoContent);
        api.MapGet("/groups", GroupsAsync).RequireRole(Policies.Read).Produces<AlertGroupView[]>();
        return app;
    }

    /// <summary>A problem found in a policy that did not stop it: a warning.</summary>
    public sealed record PolicyWarning(string Path, string Message);

    /// <summary>What <c>PUT</c> answers: when the policy took effect (null on a dry run) and its warnings.</summary>
    public sealed record PolicyApplied(bool Applied, DateTimeOffset? UpdatedAt, IReadOnlyList<PolicyWarning> Warnings);

    internal static async Task<IResult> GetAsync(INotificationPolicyStore policies, IReceiverSecrets secrets, CancellationToken cancellationToken) =>
        await policies.GetAsync(cancellationToken) is { } stored
            ? Results.Text(secrets.Mask(JsonElementOf(stored.Document)).GetRawText(), "application/json")
            : NoPolicy();

    private static JsonElement JsonElementOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    internal static async Task<IResult> PutAsync(
        HttpContext context, bool? dryRun, INotificationPolicyStore policies, IRuleStore rules, IEnumerable<IPolicyCheck> checks, IReceiverSecrets secrets,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadAsync(context.Request, MaxPolicyBytes, "A notification policy", cancellationToken);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            // A secret sent back masked (as GET shows it) keeps the stored one of the receiver of the same name.
            var previous = await policies.GetAsync(cancellationToken) is { } stored ? JsonElementOf(stored.Document) : (JsonElement?)null;
            var root = secrets.KeepSecrets(previous, document.RootElement);
            var problems = Check(root, checks, await KnownLabelsAsync(rules, cancellationToken));
            var errors = problems.Where(p => p.Severity == PolicyProblemSeverity.Error).ToList();
            var warnings = problems.Where(p => p.Severity == PolicyProblemSeverity.Warning).Select(p => new PolicyWarning(p.Path, p.Message)).ToList();
            if (errors.Count > 0)
            {
                return JsonBody.Invalid("Invalid notification policy", $"The policy has {errors.Count} problem(s): ", errors.Select(p => (p.Path, p.Message)));
            }

            if (dryRun == true)
            {
                return TypedResults.Ok(new PolicyApplied(false, null, warnings));
            }

            var at = clock.GetUtcNow();
            await policies.SaveAsync(root.GetRawText(), context.User.Identity?.Name, at, cancellationToken);
            return TypedResults.Ok(new PolicyApplied(true, at, warnings));
        }
    }

    internal static async Task<IResult> DeleteAsync(INotificationPolicyStore policies, TimeProvider clock, CancellationToken cancellationToken)
    {
        await policies.SaveAsync(null, null, clock.GetUtcNow(), cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<IResult> GroupsAsync(AlertGroups groups, CancellationToken cancellationToken) =>
        TypedResults.Ok(await groups.ListAsync(cancellationToken));

    /// <summary>
    /// Every problem of the policy: its structure (<see cref="NotificationPolicyReader"/>, with a warning for labels
    /// not in <paramref name="knownLabels"/>), then the registered checks (receiver settings, templates).
    /// </summary>
    internal static List<PolicyProblem> Check(JsonElement root, IEnumerable<IPolicyCheck> checks, IReadOnlySet<string> knownLabels)
    {
        var read = NotificationPolicyReader.Read(root, knownLabels);
        var problems = read.Problems.ToList();
        if (read.Policy is { } policy)
        {
            problems.AddRange(checks.SelectMany(check => check.Check(policy)));
        }

        return problems;
    }

    /// <summary>The labels alerts can have: the built-in ones and every label of a stored rule.</summary>
    private static async Task<IReadOnlySet<string>> KnownLabelsAsync(IRuleStore rules, CancellationToken cancellationToken)
    {
        var known = AlertLabels.BuiltIn.ToHashSet(StringComparer.Ordinal);
        foreach (var stored in await rules.ListAsync(cancellationToken))
        {
            if (RuleJson.Parse(stored.Json).Rule is { } rule)
            {
                known.UnionWith(rule.Labels.Select(l => l.Key));
            }
        }

        return known;
    }

    private static IResult NoPolicy() => ProblemDetailsWriter.Result(
        StatusCodes.Status404NotFound, "No notification policy",
        "No notification policy is in force: each webhook gets each transition its filter matches. Set one with PUT /api/v1/notifications.");
}
