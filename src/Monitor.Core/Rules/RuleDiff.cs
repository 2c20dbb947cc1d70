using System.Text.Json.Nodes;

namespace Monitor.Core.Rules;

/// <summary>One field that differs between two versions of a rule: its path (<c>params.minPct</c>, <c>labels.desk</c>) and its values before and after (null: absent).</summary>
public sealed record RuleFieldChange(string Field, JsonNode? From, JsonNode? To);

/// <summary>
/// What changed between two versions of a rule, field by field, from their stored JSON: objects (<c>params</c>,
/// <c>labels</c>) are compared member by member, anything else as a whole. Fields come in the order of the newer
/// definition, then the fields it dropped.
/// </summary>
public static class RuleDiff
{
    public static IReadOnlyList<RuleFieldChange> Between(string beforeJson, string afterJson)
    {
        ArgumentNullException.ThrowIfNull(beforeJson);
        ArgumentNullException.ThrowIfNull(afterJson);
        var changes = new List<RuleFieldChange>();
        Compare("", JsonNode.Parse(beforeJson), JsonNode.Parse(afterJson), changes);
        return changes;
    }

    private static void Compare(string path, JsonNode? before, JsonNode? after, List<RuleFieldChange> changes)
    {
        if (before is JsonObject from && after is JsonObject to)
        {
            foreach (var (name, value) in to)
            {
                Compare(Join(path, name), from[name], value, changes);
            }

            foreach (var (name, value) in from)
            {
                if (!to.ContainsKey(name))
                {
                    changes.Add(new RuleFieldChange(Join(path, name), value?.DeepClone(), null));
                }
            }
        }
        else if (!JsonNode.DeepEquals(before, after))
        {
            changes.Add(new RuleFieldChange(path, before?.DeepClone(), after?.DeepClone()));
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
