using System.Data.Common;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage;

/// <summary>
/// The alerts table's columns for what people did with an alert (its current assignment and shelf, its number of
/// comments), named alike in SQLite and PostgreSQL and read alike; the history itself is the alert_activity table.
/// </summary>
internal static class AlertHandlingColumns
{
    public const string Names =
        "assignee, assigned_by, assigned_key, assigned_at, shelved_until, shelved_by, shelved_key, shelved_at, comment_count";

    /// <summary>Whether an activity of this kind changes what the notification policy decides (a shelf stops repeats),
    /// so it goes to the policy's inbox as an acknowledgement does.</summary>
    public static bool ConcernsPolicy(AlertActivityKind kind) => kind is AlertActivityKind.Shelved or AlertActivityKind.Unshelved;

    /// <summary>
    /// The <c>SET</c> list that applies an activity of <paramref name="kind"/> to its alert's columns; its values come
    /// from the parameters <paramref name="parameter"/> names for <c>assignee</c>, <c>by</c>, <c>key</c>, <c>at</c> and
    /// <c>until</c> (each provider spells parameters its own way).
    /// </summary>
    public static string Assignments(AlertActivityKind kind, Func<string, string> parameter) => kind switch
    {
        AlertActivityKind.Assigned =>
            $"assignee = {parameter("assignee")}, assigned_by = {parameter("by")}, assigned_key = {parameter("key")}, assigned_at = {parameter("at")}",
        AlertActivityKind.Unassigned => "assignee = NULL, assigned_by = NULL, assigned_key = NULL, assigned_at = NULL",
        AlertActivityKind.Shelved =>
            $"shelved_until = {parameter("until")}, shelved_by = {parameter("by")}, shelved_key = {parameter("key")}, shelved_at = {parameter("at")}",
        AlertActivityKind.Unshelved => "shelved_until = NULL, shelved_by = NULL, shelved_key = NULL, shelved_at = NULL",
        AlertActivityKind.Comment => "comment_count = comment_count + 1",
        _ => throw new ArgumentException($"{kind} is recorded with the acknowledgement, not as an activity of its own", nameof(kind)),
    };

    public static AlertActivityKind ParseKind(string text) =>
        RuleText.TryParse(text, out AlertActivityKind kind) ? kind : throw new InvalidDataException($"stored alert activity '{text}' is unknown");

    /// <summary><paramref name="alert"/> with the columns of <see cref="Names"/> read from <paramref name="first"/> on;
    /// <paramref name="time"/> reads a nullable time column as the provider stores it.</summary>
    public static StoredAlert Read(StoredAlert alert, DbDataReader reader, int first, Func<DbDataReader, int, DateTimeOffset?> time)
    {
        string? Text(int offset) => reader.IsDBNull(first + offset) ? null : reader.GetString(first + offset);
        return alert with
        {
            Assignment = Text(0) is { } assignee ? new AlertAssignment(assignee, Text(1)!, Text(2), time(reader, first + 3)!.Value) : null,
            Shelf = time(reader, first + 4) is { } until ? new AlertShelf(until, Text(5)!, Text(6), time(reader, first + 7)!.Value) : null,
            CommentCount = reader.GetInt32(first + 8),
        };
    }
}
