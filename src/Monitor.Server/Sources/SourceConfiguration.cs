using Monitor.Core.Ports;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Monitor.Core.Sources;

namespace Monitor.Server.Sources;

/// <summary>
/// The sources of <c>Monitor:Sources:Definitions</c>, keyed by id:
/// <c>Monitor:Sources:Definitions:cme-silver:Kind=cme-stocks</c>, <c>...:Url</c>, <c>...:Schedule</c>, <c>...:TimeZone</c>,
/// <c>...:LateAfter</c>, <c>...:Calendar</c>, <c>...:Enabled</c>, and <c>...:Mapping:...</c> (nested keys; a list's items
/// numbered 0, 1, ...). Each carries a hash of its configuration, so a changed one replaces what is stored.
/// </summary>
public static class SourceConfiguration
{
    public const string Section = SourceOptions.Section + ":Definitions";

    public static IReadOnlyList<(SourceDefinition Definition, string Hash)> Read(IConfiguration configuration, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var definitions = new List<(SourceDefinition, string)>();
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            var mapping = child.GetSection("Mapping");
            var own = new List<string>();
            bool? enabled = null;
            if (child["Enabled"] is { } enabledText)
            {
                enabled = bool.TryParse(enabledText, out bool value) ? value : null;
                if (enabled is null)
                {
                    own.Add($"'Enabled' is '{enabledText}'; use true or false");
                }
            }

            var body = new SourceBody(
                child.Key, child["Kind"], child["Url"], child["Schedule"], child["TimeZone"], child["LateAfter"], child["Calendar"],
                enabled,
                mapping.Exists() ? JsonSerializer.SerializeToElement(ToJson(mapping)) : null);
            if (body.ToDefinition(own) is { } definition)
            {
                definitions.Add((definition, Hash(definition)));
            }

            problems.AddRange(own.Select(p => $"{Section}:{child.Key}: {p}"));
        }

        return definitions;
    }

    private static JsonNode? ToJson(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        if (children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return new JsonArray([.. children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)).Select(ToJson)]);
        }

        var node = new JsonObject();
        foreach (var child in children)
        {
            node[child.Key] = ToJson(child);
        }

        return node;
    }

    private static string Hash(SourceDefinition definition) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(definition))));
}
