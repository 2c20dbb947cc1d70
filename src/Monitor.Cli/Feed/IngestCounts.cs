using System.Text.Json;

namespace Monitor.Cli.Feed;

/// <summary>The counts of an ingest response: <c>{"accepted","duplicates","late","rejected":[{"index","error"}]}</c>.</summary>
internal readonly record struct IngestCounts(long Accepted, long Duplicates, long Late, long Rejected, string? FirstError)
{
    public static IngestCounts Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            long Number(string name) => root.TryGetProperty(name, out var value) && value.TryGetInt64(out long n) ? n : 0;
            long rejected = 0;
            string? firstError = null;
            if (root.TryGetProperty("rejected", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                rejected = items.GetArrayLength();
                firstError = items.EnumerateArray()
                    .Select(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("error", out var error) ? error.ToString() : item.ToString())
                    .FirstOrDefault();
            }

            return new IngestCounts(Number("accepted"), Number("duplicates"), Number("late"), rejected, firstError);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new IngestCounts(0, 0, 0, 0, $"unreadable response: {e.Message}");
        }
    }
}
