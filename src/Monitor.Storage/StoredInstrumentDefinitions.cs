using System.Text.Json;
using Monitor.Core.Market;

namespace Monitor.Storage;

/// <summary>How both stores keep an <see cref="InstrumentDefinition"/> beside its id: a JSON object of its other fields.</summary>
internal static class StoredInstrumentDefinitions
{
    public static string Serialize(InstrumentDefinition definition) => JsonSerializer.Serialize(new Fields(
        definition.Name, definition.Kind.ToString(), definition.Currency, definition.Unit,
        [.. definition.Intervals.Select(i => i.Name)], definition.PreciousMetal, definition.Expression));

    public static InstrumentDefinition Deserialize(string id, string json)
    {
        var fields = JsonSerializer.Deserialize<Fields>(json) ?? throw new InvalidDataException($"the stored definition of {id} is not an object");
        return new InstrumentDefinition(
            InstrumentId.Parse(id), fields.Name, Enum.Parse<InstrumentKind>(fields.Kind), fields.Currency, fields.Unit,
            [.. fields.Intervals.Select(BarInterval.Parse)], fields.PreciousMetal)
        {
            Expression = fields.Expression,
        };
    }

    private sealed record Fields(
        string Name, string Kind, string Currency, string Unit, string[] Intervals, bool PreciousMetal, string? Expression);
}
