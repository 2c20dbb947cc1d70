using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitor.Server.Hosting;

/// <summary>
/// The guard at the JSON writers of the API and the hub: a number that is not finite is written as <c>null</c>.
/// Ingest bounds every input, but any computation (a change against a price near zero, a ratio, an indicator) may
/// still overflow, and System.Text.Json throws on Infinity and NaN: one such value would fail every read of the
/// snapshot and disconnect every hub client at each message.
/// </summary>
public sealed class FiniteNumberConverter : JsonConverter<double>
{
    public override bool HandleNull => false;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    public static void AddTo(JsonSerializerOptions options) => options.Converters.Add(new FiniteNumberConverter());
}
