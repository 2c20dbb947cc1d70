using System.Text.Json;
using System.Text.Json.Nodes;
using Monitor.Core.Notifications;

namespace Monitor.Server.Notifications;

/// <summary>
/// What the policy runner stores between steps: the engine's state and the version of the policy it belongs to (the
/// policy's <c>updatedAt</c>), so a runner that finds a newer policy starts its groups afresh.
/// </summary>
public sealed record NotificationRunnerState(DateTimeOffset PolicyVersion, NotificationEngineState Engine)
{
    public string Serialize() => new JsonObject
    {
        ["policyVersion"] = PolicyVersion.ToUniversalTime(),
        ["engine"] = JsonNode.Parse(NotificationEngineStateJson.Serialize(Engine)),
    }.ToJsonString();

    public static NotificationRunnerState Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new NotificationRunnerState(
            root.GetProperty("policyVersion").GetDateTimeOffset(),
            NotificationEngineStateJson.Deserialize(root.GetProperty("engine").GetRawText()));
    }
}
