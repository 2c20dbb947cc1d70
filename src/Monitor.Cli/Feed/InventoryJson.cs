using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Monitor.Core.Market;

namespace Monitor.Cli.Feed;

/// <summary>Inventory values as the JSON array <c>POST /api/v1/inventory</c> takes.</summary>
internal static class InventoryJson
{
    public static byte[] Serialize(List<InventoryValue> values)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * values.Count);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStartObject();
                writer.WriteString("instrument", value.Instrument.Value);
                writer.WriteString("series", value.Series);
                writer.WriteString("asOf", value.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                writer.WriteString("publishedAt", value.PublishedAt);
                writer.WriteNumber("quantity", value.Quantity);
                writer.WriteString("unit", value.Unit.Symbol());
                if (value.Location is not null)
                {
                    writer.WriteString("location", value.Location);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static int Count(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetArrayLength();
    }
}
