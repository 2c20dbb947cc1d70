using System.Text.Json.Nodes;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Server.Api;

/// <summary>
/// A rule version as <c>GET /api/v1/rules/{id}/versions</c> answers it: <c>{"version","changedAt","changedBy","change",
/// "definition","changes"}</c>, where <c>change</c> is <c>created</c> (the first version, or the first after a deletion),
/// <c>changed</c> or <c>deleted</c> (<c>definition</c> null), and <c>changes</c> lists the fields that differ from the
/// version before (<c>[{"field","from","to"}]</c>, empty unless changed).
/// </summary>
internal static class RuleVersionJson
{
    public static JsonObject Write(StoredRuleVersion version, StoredRuleVersion? previous)
    {
        string change = version.Deleted ? "deleted" : previous is null || previous.Deleted ? "created" : "changed";
        var changes = new JsonArray();
        if (change == "changed")
        {
            foreach (var field in RuleDiff.Between(previous!.Json!, version.Json!))
            {
                changes.Add(new JsonObject { ["field"] = field.Field, ["from"] = field.From, ["to"] = field.To });
            }
        }

        return new JsonObject
        {
            ["version"] = version.Version,
            ["changedAt"] = version.ChangedAt.ToUniversalTime(),
            ["changedBy"] = version.ChangedBy,
            ["change"] = change,
            ["definition"] = version.Json is null ? null : JsonNode.Parse(version.Json),
            ["changes"] = changes,
        };
    }
}
