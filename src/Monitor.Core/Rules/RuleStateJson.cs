using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitor.Core.Rules;

/// <summary>
/// <see cref="RuleSetState"/> as JSON, the form grains persist it in: plain records, so the text stays readable in the
/// grain storage and needs no serializer of its own. Doubles round-trip exactly; non-finite ones are written by name.
/// </summary>
public static class RuleStateJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(RuleSetState state) => JsonSerializer.Serialize(state, Options);

    public static RuleSetState Deserialize(string json) =>
        JsonSerializer.Deserialize<RuleSetState>(json, Options) ?? throw new JsonException("the saved rule state is empty");

    /// <summary>A derived series' calculator state, in the same form.</summary>
    public static string Serialize(Derived.DerivedSeriesState state) => JsonSerializer.Serialize(state, Options);

    public static Derived.DerivedSeriesState DeserializeDerived(string json) =>
        JsonSerializer.Deserialize<Derived.DerivedSeriesState>(json, Options) ?? throw new JsonException("the saved derived series state is empty");
}
