using System.Text.Json;
using System.Text.Json.Serialization;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Core.Notifications;

/// <summary>
/// One aggregation group: the alerts a route gathered under the same values of its <c>groupBy</c> labels, and what
/// was last sent about them. Mutable engine state, serialized as it is (<see cref="NotificationEngineState"/>).
/// </summary>
public sealed class NotificationGroup
{
    public required string Key { get; init; }

    public required string RouteId { get; init; }

    public required string Receiver { get; init; }

    public required Dictionary<string, string> Labels { get; init; }

    /// <summary>When its first alert arrived; part of its notifications' ids, so a group formed again later gets new ones.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset NextFlushAt { get; set; }

    /// <summary>How many notifications it has sent; the next one's number is this plus one.</summary>
    public int Sequence { get; set; }

    /// <summary>
    /// Its alerts by id, as last observed; <see cref="GroupAlert.News"/> counts its changes no flush has looked at. A
    /// sorted list, which a flush walks by index without allocating, as it does for every group every group interval.
    /// </summary>
    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public SortedList<string, GroupAlert> Alerts { get; } = new(StringComparer.Ordinal);

    public SentNotification? LastSent { get; set; }
}

/// <summary>An alert of a group and how many of its transitions no flush has looked at yet.</summary>
public sealed record GroupAlert(StoredAlert Alert, int News);

/// <summary>What a group last sent: when, and the ids of the firing and resolved alerts in it.</summary>
public sealed record SentNotification(DateTimeOffset At, IReadOnlyList<string> Firing, IReadOnlyList<string> Resolved);

/// <summary>The engine's whole state: its groups and the alerts firing now (which inhibit), by id.</summary>
public sealed record NotificationEngineState(IReadOnlyList<NotificationGroup> Groups, IReadOnlyList<StoredAlert> Firing);

/// <summary>The engine's state as the policy runner stores it between steps (JSON).</summary>
public static class NotificationEngineStateJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new AlertConverter() },
    };

    public static string Serialize(NotificationEngineState state) => JsonSerializer.Serialize(state, Options);

    public static NotificationEngineState Deserialize(string json) =>
        JsonSerializer.Deserialize<NotificationEngineState>(json, Options) ?? throw new InvalidDataException("stored notification state is null");

    /// <summary>Alerts as every other store writes them (<see cref="AlertJson"/>), so the state reads what the rules add to alerts.</summary>
    private sealed class AlertConverter : JsonConverter<Alert>
    {
        public override Alert Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return AlertJson.Read(document.RootElement);
        }

        public override void Write(Utf8JsonWriter writer, Alert value, JsonSerializerOptions options) => AlertJson.Write(writer, value);
    }
}
