using System.Text.Json.Serialization;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Grains.Alerts;

/// <summary>One state change of an alert as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.TransitionView")]
public sealed record TransitionView(
    [property: Id(0)] string? From, [property: Id(1)] string To, [property: Id(2)] DateTimeOffset At, [property: Id(3)] bool Silenced);

/// <summary>
/// An alert as stored, as the API and the hub show it: the fields of <see cref="AlertJson"/> plus the acknowledgement
/// and the silenced flag; <c>Transitions</c> only on <c>GET /api/v1/alerts/{id}</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Monitor.AlertView")]
public sealed record AlertView(
    [property: Id(0)] string Id,
    [property: Id(1)] string RuleId,
    [property: Id(2)] string RuleName,
    [property: Id(3)] string Type,
    [property: Id(4)] string Severity,
    [property: Id(5)] IReadOnlyList<string> Instruments,
    [property: Id(6)] string State,
    [property: Id(7)] string? Direction,
    [property: Id(8)] DateTimeOffset StartedAt,
    [property: Id(9)] DateTimeOffset? FiredAt,
    [property: Id(10)] DateTimeOffset? ResolvedAt,
    [property: Id(11)] string Message,
    [property: Id(12)] IReadOnlyDictionary<string, double> Values,
    [property: Id(13)] string? AcknowledgedBy,
    [property: Id(14)] DateTimeOffset? AcknowledgedAt,
    [property: Id(15)] string? AcknowledgeComment,
    [property: Id(16)] bool Silenced,
    [property: Id(17)] IReadOnlyList<TransitionView>? Transitions,
    [property: Id(18)] string? AcknowledgedByKey,
    [property: Id(19)] int RuleVersion,
    [property: Id(20)] IReadOnlyDictionary<string, string> Labels,
    [property: Id(21)] IReadOnlyList<AlertInputView> Inputs,
    [property: Id(22)] AlertAssignmentView? Assignment,
    [property: Id(23)] AlertShelfView? Shelf,
    [property: Id(24)] int CommentCount,
    [property: Id(25), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<AlertActivityView>? Activity)
{
    public static AlertView From(StoredAlert stored, bool withTransitions)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var a = stored.Alert;
        return new AlertView(
            a.Id, a.RuleId, a.RuleName, a.Type.ToText(), a.Severity.ToText(), a.Instruments, a.State.ToText(), a.Direction,
            a.StartedAt, a.FiredAt, a.ResolvedAt, a.Message,
            a.Values.Where(v => double.IsFinite(v.Value)).ToDictionary(v => v.Key, v => v.Value),
            stored.Acknowledgement?.By, stored.Acknowledgement?.At, stored.Acknowledgement?.Comment, stored.Silenced,
            withTransitions ? [.. stored.Transitions.Select(t => new TransitionView(t.From?.ToText(), t.To.ToText(), t.At, t.Silenced))] : null,
            stored.Acknowledgement?.KeyName,
            a.RuleVersion,
            a.Labels.ToDictionary(StringComparer.Ordinal),
            [.. a.Inputs.Select(AlertInputView.From)],
            stored.Assignment is { } assigned ? new AlertAssignmentView(assigned.Assignee, assigned.By, assigned.KeyName, assigned.At) : null,
            stored.Shelf is { } shelf ? new AlertShelfView(shelf.Until, shelf.By, shelf.KeyName, shelf.At) : null,
            stored.CommentCount,
            withTransitions ? [.. stored.Activity.Select(AlertActivityView.From)] : null);
    }
}

/// <summary>Whom an alert is assigned to, by whom (the name given and the API key's name) and since when.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.AlertAssignmentView")]
public sealed record AlertAssignmentView(
    [property: Id(0)] string Assignee, [property: Id(1)] string By, [property: Id(2)] string? ByKey, [property: Id(3)] DateTimeOffset At);

/// <summary>An alert's shelf (snooze): until when, by whom and since when. It holds while <c>Until</c> is ahead.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.AlertShelfView")]
public sealed record AlertShelfView(
    [property: Id(0)] DateTimeOffset Until, [property: Id(1)] string By, [property: Id(2)] string? ByKey, [property: Id(3)] DateTimeOffset At);

/// <summary>One entry of an alert's history of what people did with it (<see cref="AlertActivity"/>), as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.AlertActivityView")]
public sealed record AlertActivityView(
    [property: Id(0)] string Kind,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string By,
    [property: Id(3)] string? ByKey,
    [property: Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text,
    [property: Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Assignee,
    [property: Id(6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? Until)
{
    public static AlertActivityView From(AlertActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return new(activity.Kind.ToText(), activity.At, activity.By, activity.KeyName, activity.Text, activity.Assignee, activity.Until);
    }
}

/// <summary>One of an alert's inputs as the API shows it (<see cref="AlertInput"/>); <c>asOf</c> and <c>publishedAt</c> for inventory only.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.AlertInputView")]
public sealed record AlertInputView(
    [property: Id(0)] string Series,
    [property: Id(1)] double? Value,
    [property: Id(2)] string? Unit,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? AsOf,
    [property: Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PublishedAt)
{
    public static AlertInputView From(AlertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new(input.Series, double.IsFinite(input.Value) ? input.Value : null, input.Unit, input.At, input.AsOf, input.PublishedAt);
    }
}

/// <summary>The hub's <c>Alert</c> message: the alert as stored and the transition it entered (pending, firing,
/// resolved or acknowledged). Built once where the alert is stored; each silo's relay forwards it as it is.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.AlertMessage")]
public sealed record AlertMessage([property: Id(0)] string Transition, [property: Id(1)] AlertView Alert)
{
    public const string Acknowledged = "acknowledged";
}
