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
}
