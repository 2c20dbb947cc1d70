using System.Text.Json;
using Monitor.Core.Ports;

namespace Monitor.Storage;

/// <summary>What both stores check and how they keep an <see cref="InstrumentSnapshotRecord"/>'s indicators (a JSON object).</summary>
internal static class StoredSnapshots
{
    public static void RequireFinite(InstrumentSnapshotRecord snapshot)
    {
        if (snapshot.Price is { } price && !double.IsFinite(price)
            || snapshot.ChangePct is { } change && !double.IsFinite(change)
            || snapshot.Indicators.Values.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"the snapshot of {snapshot.Instrument} holds a non-finite number", nameof(snapshot));
        }
    }

    public static string SerializeIndicators(IReadOnlyDictionary<string, double> indicators) => JsonSerializer.Serialize(indicators);

    public static IReadOnlyDictionary<string, double> DeserializeIndicators(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, double>>(json) ?? throw new InvalidDataException($"stored indicators '{json}' are not an object");
}
