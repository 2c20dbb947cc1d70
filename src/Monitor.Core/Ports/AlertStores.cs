using Monitor.Core.Rules;

namespace Monitor.Core.Ports;

/// <summary>
/// A stored rule: <paramref name="Json"/> is the definition as <see cref="RuleJson.Serialize(RuleDefinition)"/> wrote it
/// (parse it with <see cref="Parse"/>). <paramref name="Version"/> counts every change of the rule's history, deletions
/// included (1 when first created; a rule deleted at version 3 and created again is version 5), so a version number
/// names one definition for good; <paramref name="UpdatedAt"/> is when it last changed.
/// </summary>
public sealed record StoredRule(string Id, string Json, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version)
{
    /// <summary>The definition with its <see cref="RuleDefinition.Version"/> (which its alerts record), or the problems if it no longer parses.</summary>
    public RuleParseResult Parse() =>
        RuleJson.Parse(Json) is { Rule: { } rule } parsed ? parsed with { Rule = rule with { Version = Version } } : RuleJson.Parse(Json);
}

/// <summary>What <see cref="IRuleStore.PutAsync"/> stored, and whether the rule was added, left as it was or replaced.</summary>
public sealed record RulePutResult(StoredRule Rule, RuleChange Change);

/// <summary>
/// One version of a rule's history: the definition as stored then (<paramref name="Json"/>, null for the deletion of
/// the rule), when, and by whom (the API key's name; null for versions stored before the history was kept).
/// </summary>
public sealed record StoredRuleVersion(string RuleId, int Version, DateTimeOffset ChangedAt, string? ChangedBy, string? Json)
{
    public bool Deleted => Json is null;
}

/// <summary>Rule definitions (<c>/api/v1/rules</c>) and the history of every change to them.</summary>
public interface IRuleStore
{
    /// <summary>
    /// Inserts or replaces the rule by id, as of <paramref name="at"/>, by <paramref name="changedBy"/>, keeping the
    /// definition as a new version. A definition whose JSON is unchanged is left as it is (<see cref="RuleChange.Unchanged"/>:
    /// same version and update time, no new version), so a repeated PUT changes nothing.
    /// </summary>
    Task<RulePutResult> PutAsync(RuleDefinition rule, DateTimeOffset at, string changedBy, CancellationToken cancellationToken = default);

    /// <summary>Stores the rule as of <paramref name="at"/> unless one with its id exists, in one step (of concurrent
    /// adds of one id, one wins), with its version; null when one exists.</summary>
    Task<StoredRule?> AddAsync(RuleDefinition rule, DateTimeOffset at, string changedBy, CancellationToken cancellationToken = default);

    Task<StoredRule?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every rule, by id (ordinal).</summary>
    Task<IReadOnlyList<StoredRule>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The rules whose inputs read <paramref name="instrument"/> (its price, indicators or inventory), by id (ordinal):
    /// what its grain runs or feeds. Read through an index kept with each change, so an activation reads its own rules,
    /// not all of them.
    /// </summary>
    Task<IReadOnlyList<StoredRule>> ListReadingAsync(Market.InstrumentId instrument, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rule, recording the deletion as its next version; false if there was none. Its alerts and
    /// versions stay (they are history).</summary>
    Task<bool> DeleteAsync(string id, DateTimeOffset at, string changedBy, CancellationToken cancellationToken = default);

    /// <summary>Every version of the rule, newest first, also after it was deleted; empty if the id was never used.</summary>
    Task<IReadOnlyList<StoredRuleVersion>> ListVersionsAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>One version of the rule, or null.</summary>
    Task<StoredRuleVersion?> GetVersionAsync(string id, int version, CancellationToken cancellationToken = default);
}

/// <summary>Who acknowledged an alert, when, and what they said.</summary>
/// <summary>Who acknowledged (<paramref name="By"/>, as they wrote it) and under which API key's name (<paramref name="KeyName"/>,
/// which a client cannot choose).</summary>
public sealed record AlertAcknowledgement(string By, string? Comment, DateTimeOffset At, string? KeyName = null);

/// <summary>One stored state change of an alert; <paramref name="Silenced"/> says whether a silence matched it when recorded.</summary>
public sealed record StoredAlertTransition(AlertState? From, AlertState To, DateTimeOffset At, bool Silenced);

/// <summary>
/// An alert as the store keeps it: the rule engine's view (the latest transition's <see cref="Core.Rules.Alert"/>)
/// plus what the store adds: the acknowledgement and whether it is silenced (the latest transition's flag), and what
/// people did with it (assignment, shelf, comments).
/// <paramref name="Transitions"/> are oldest first, and filled only by <see cref="IAlertStore.GetAsync"/> (empty in lists).
/// </summary>
public sealed record StoredAlert(Alert Alert, AlertAcknowledgement? Acknowledgement, bool Silenced, IReadOnlyList<StoredAlertTransition> Transitions)
{
    /// <summary>Who the alert is assigned to, or null.</summary>
    public AlertAssignment? Assignment { get; init; }

    /// <summary>The alert's shelf (snooze), or null; it holds while <see cref="AlertShelf.Until"/> is ahead.</summary>
    public AlertShelf? Shelf { get; init; }

    /// <summary>How many comments the alert has.</summary>
    public int CommentCount { get; init; }

    /// <summary>What people did with the alert (acknowledgements, assignments, shelves, comments), oldest first; filled
    /// only by <see cref="IAlertStore.GetAsync"/>.</summary>
    public IReadOnlyList<AlertActivity> Activity { get; init; } = [];

    /// <summary>Whether the alert is shelved at <paramref name="at"/>.</summary>
    public bool IsShelvedAt(DateTimeOffset at) => Shelf is { } shelf && at < shelf.Until;
}

/// <summary>The alert is assigned to <paramref name="Assignee"/>, since <paramref name="At"/>, by <paramref name="By"/>
/// under the API key named <paramref name="KeyName"/>.</summary>
public sealed record AlertAssignment(string Assignee, string By, string? KeyName, DateTimeOffset At);

/// <summary>The alert is shelved (snoozed) until <paramref name="Until"/>, since <paramref name="At"/>, by
/// <paramref name="By"/> under the API key named <paramref name="KeyName"/>.</summary>
public sealed record AlertShelf(DateTimeOffset Until, string By, string? KeyName, DateTimeOffset At);

/// <summary>What someone did with an alert (<see cref="AlertActivity"/>).</summary>
public enum AlertActivityKind
{
    Acknowledged,
    Assigned,
    Unassigned,
    Shelved,
    Unshelved,
    Comment,
}

/// <summary>
/// One entry of an alert's history of what people did with it: who (<paramref name="By"/>, as they wrote it, and the
/// API key's name, which a client cannot choose), when, and what: <paramref name="Text"/> is a comment's text or an
/// acknowledgement's or shelf's comment, <paramref name="Assignee"/> whom it was assigned to, <paramref name="Until"/>
/// when a shelf ends.
/// </summary>
public sealed record AlertActivity(
    AlertActivityKind Kind, DateTimeOffset At, string By, string? KeyName, string? Text = null, string? Assignee = null, DateTimeOffset? Until = null);

/// <summary>A transition <see cref="IAlertStore.AppendTransitionsAsync"/> stored for the first time, whether a silence matched it
/// (push it to clients either way; send it to webhooks only when not silenced), and its alert as stored after it
/// (without transitions).</summary>
public sealed record RecordedAlertTransition(AlertTransition Transition, bool Silenced, StoredAlert Alert);

/// <summary>
/// The filters of <c>GET /api/v1/alerts</c>. <see cref="Instrument"/> matches any of an alert's instruments;
/// <see cref="From"/> (inclusive) and <see cref="To"/> (exclusive) bound its <c>startedAt</c>.
/// </summary>
public sealed record AlertQuery
{
    public const int DefaultLimit = 100;

    public string? RuleId { get; init; }

    public string? Instrument { get; init; }

    public AlertState? State { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Labels the alert must carry, each key with exactly this value (keys distinct).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Only the alerts with these ids (null: any).</summary>
    public IReadOnlyCollection<string>? Ids { get; init; }

    /// <summary>At most this many (at least 1).</summary>
    public int Limit { get; init; } = DefaultLimit;
}

/// <summary>
/// Alerts and their transitions. Nothing acknowledged is lost: an alert is stored before it is pushed or sent, and alert
/// ids are deterministic, so recording is idempotent per transition and a restart that replays an episode raises
/// nothing twice.
/// </summary>
public interface IAlertStore
{
    /// <summary>
    /// Records transitions in one transaction: each one not stored yet (the key is alert id, <c>To</c> state and
    /// <c>At</c>) is appended, and its alert's stored view becomes the transition's <see cref="AlertTransition.Alert"/>
    /// unless a later transition is already stored (later by time, then pending &lt; firing &lt; resolved). A transition
    /// is silenced when a silence active at its <c>At</c> matches its alert (<see cref="Silence.Matches"/>).
    /// Returns the transitions that were new, in the order given; re-appending stored ones returns nothing and
    /// changes nothing. Acknowledgements survive later transitions.
    /// </summary>
    Task<IReadOnlyList<RecordedAlertTransition>> AppendTransitionsAsync(IReadOnlyList<AlertTransition> transitions, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores inventory changes (new values and restatements, as <see cref="InventoryStoreExtensions.ClassifyAsync"/>
    /// finds them) as <see cref="IInventoryStore.AppendAsync"/> does and, in the same transaction, the
    /// <c>inventory.restated</c> webhook deliveries of the restatements (which webhooks, with which body:
    /// <see cref="Alerts.AlertConsequences"/>), so a restatement is never stored without its deliveries, whatever fails
    /// when. Returns how many deliveries were new: their ids are deterministic, so the same restatement adds none again.
    /// </summary>
    Task<int> AppendInventoryAsync(IReadOnlyList<Market.InventoryRevision> changes, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>The alert with its transitions, or null if unknown.</summary>
    Task<StoredAlert?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Alerts matching the query, newest first (by <c>startedAt</c>, then id, both descending).</summary>
    Task<IReadOnlyList<StoredAlert>> ListAsync(AlertQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Acknowledges the alert; null if unknown. Acknowledging again under the same name changes nothing (the first
    /// time and comment stand, so a retried request is harmless); another name takes the acknowledgement over (the
    /// alert shows who owns it now). Names compare ordinally.
    /// </summary>
    Task<StoredAlert?> AcknowledgeAsync(
        string id, string by, string? comment, DateTimeOffset at, string? keyName = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records what someone did with the alert (any kind but <see cref="AlertActivityKind.Acknowledged"/>, which
    /// <see cref="AcknowledgeAsync"/> records) in its history and applies it, in one transaction: an assignment replaces
    /// the last, unassigning or unshelving clears it, a shelf replaces the last (and, like an acknowledgement, is handed
    /// to the notification policy in force), a comment is counted. Returns the alert as stored after it; null if unknown.
    /// </summary>
    Task<StoredAlert?> RecordActivityAsync(string id, AlertActivity activity, CancellationToken cancellationToken = default);
}

/// <summary>What <c>POST /api/v1/silences</c> asks for, plus who asked. With neither rule nor instrument it silences every alert.</summary>
public sealed record SilenceRequest(string? RuleId, string? Instrument, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Comment, string CreatedBy);

/// <summary>A stored silence: active from <see cref="StartsAt"/> (inclusive) to <see cref="EndsAt"/> (exclusive).</summary>
public sealed record Silence(
    string Id, string? RuleId, string? Instrument, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Comment, string CreatedBy, DateTimeOffset CreatedAt)
{
    public bool IsActiveAt(DateTimeOffset at) => StartsAt <= at && at < EndsAt;

    /// <summary>Whether this silence covers <paramref name="alert"/> at <paramref name="at"/>: active then, and its rule id
    /// (when set) is the alert's and its instrument (when set) one of the alert's. Ids and instruments compare ordinally.</summary>
    public bool Matches(Alert alert, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return IsActiveAt(at)
            && (RuleId is null || string.Equals(RuleId, alert.RuleId, StringComparison.Ordinal))
            && (Instrument is null || alert.Instruments.Contains(Instrument, StringComparer.Ordinal));
    }

    /// <summary>Whether any of <paramref name="silences"/> matches <paramref name="alert"/> at <paramref name="at"/>.</summary>
    public static bool AnyMatches(IEnumerable<Silence> silences, Alert alert, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(silences);
        return silences.Any(silence => silence.Matches(alert, at));
    }
}

/// <summary>Silences (<c>/api/v1/silences</c>): matching alerts are still recorded, shown as silenced, and not sent.</summary>
public interface ISilenceStore
{
    /// <summary>Stores a silence under a new GUID id, as of <paramref name="at"/>. Throws <see cref="ArgumentException"/>
    /// unless it ends after it starts.</summary>
    Task<Silence> CreateAsync(SilenceRequest request, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Every silence, or those active at <paramref name="activeAt"/>; by start time, then id.</summary>
    Task<IReadOnlyList<Silence>> ListAsync(DateTimeOffset? activeAt = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the silence; false if there was none. Alerts already recorded keep their silenced flag.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);
}
