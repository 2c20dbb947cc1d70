using System.Text;
using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Grains.Telemetry;

namespace Monitor.Server.Api;

/// <summary>
/// A submitted batch: a JSON array, or NDJSON (one item a line). A malformed JSON body is refused whole; a malformed
/// NDJSON line is one rejected item, and the other lines are kept.
/// </summary>
internal sealed class BatchBody : IDisposable
{
    public const int MaxItems = 10_000;
    public const int MaxBytes = 4 * 1024 * 1024;

    private readonly List<JsonDocument> _documents = [];

    private BatchBody()
    {
    }

    /// <summary>The parsed JSON value of a body that is not NDJSON.</summary>
    public JsonElement Root => _documents[0].RootElement;

    /// <summary>Items in order: an element, or the error that made its line unreadable.</summary>
    public List<(JsonElement Item, string? Error)> Items { get; } = [];

    public void Dispose()
    {
        foreach (var document in _documents)
        {
            document.Dispose();
        }
    }

    /// <summary>
    /// Reads every item with <paramref name="read"/> (null, or the reason it is rejected): the valid values in their
    /// order, each with its index in the body, and the rejected items.
    /// </summary>
    public (List<(int Index, T Value)> Valid, List<RejectedItem> Rejected) Read<T>(ItemReader<T> read)
    {
        var valid = new List<(int, T)>(Items.Count);
        var rejected = Visit(read, (index, value) => valid.Add((index, value)));
        return (valid, rejected);
    }

    /// <summary>
    /// Reads every item with <paramref name="read"/> and groups the valid ones by instrument, in their order, so each
    /// instrument's grain is called once.
    /// </summary>
    public (Dictionary<InstrumentId, List<T>> ByInstrument, List<RejectedItem> Rejected) Split<T>(ItemReader<T> read, Func<T, InstrumentId> instrumentOf)
    {
        var byInstrument = new Dictionary<InstrumentId, List<T>>();
        var rejected = Visit(read, (_, value) =>
        {
            var instrument = instrumentOf(value);
            if (!byInstrument.TryGetValue(instrument, out var values))
            {
                byInstrument[instrument] = values = [];
            }

            values.Add(value);
        });
        return (byInstrument, rejected);
    }

    /// <summary>Hands each valid item to <paramref name="valid"/> with its index, in order (no list in between: ingest
    /// runs this per tick); returns the rejected ones.</summary>
    private List<RejectedItem> Visit<T>(ItemReader<T> read, Action<int, T> valid)
    {
        var rejected = new List<RejectedItem>();
        for (int index = 0; index < Items.Count; index++)
        {
            var (item, lineError) = Items[index];
            T value = default!;
            string? error = lineError ?? JsonHygiene.FindProblem(item) ?? read(item, out value);
            if (error is not null)
            {
                rejected.Add(new RejectedItem(index, error));
                continue;
            }

            valid(index, value);
        }

        return rejected;
    }

    /// <summary>
    /// The frame of an ingest route: reads the body (or answers with the problem), splits it item by item, counts
    /// the rejected items for <paramref name="route"/>, and hands the valid ones, grouped by instrument, to
    /// <paramref name="store"/>, which answers the request.
    /// </summary>
    public static async Task<IResult> IngestAsync<T>(
        HttpRequest request,
        string route,
        ItemReader<T> read,
        Func<T, InstrumentId> instrumentOf,
        Func<Dictionary<InstrumentId, List<T>>, List<RejectedItem>, Task<IResult>> store,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            var (byInstrument, rejected) = body.Split(read, instrumentOf);
            MonitorMetrics.ItemsRejected.Add(rejected.Count, new KeyValuePair<string, object?>("route", route));
            return await store(byInstrument, rejected);
        }
    }

    /// <summary>Reads and parses the body, or gives the problem response to send instead.</summary>
    public static async Task<(BatchBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        bool ndjson = mediaType is "application/x-ndjson" or "application/ndjson";
        if (!ndjson && mediaType != "application/json")
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send a JSON array as application/json or one item a line as application/x-ndjson, not '{(mediaType.Length == 0 ? "no content type" : mediaType)}'."));
        }

        if (await RequestBody.ReadAsync(request, MaxBytes, cancellationToken) is not { } read)
        {
            return (null, Problem(TooLarge));
        }

        var (body, problem) = Parse(read, ndjson);
        return (body, problem is null ? null : Problem(problem));
    }

    /// <summary>
    /// Parses a body of at most <see cref="MaxBytes"/>: a JSON array of items, NDJSON, or (with <paramref name="itemsProperty"/>)
    /// an object whose property of that name is the array. Gives the problem instead when it cannot be read.
    /// </summary>
    public static (BatchBody? Body, BatchProblem? Problem) Parse(ReadOnlyMemory<byte> read, bool ndjson, string? itemsProperty = null)
    {
        if (JsonHygiene.Utf8Text(read) is not { } bytes)
        {
            return (null, new BatchProblem(StatusCodes.Status400BadRequest, "Not UTF-8", JsonHygiene.NotUtf8));
        }

        var body = new BatchBody();
        try
        {
            if (ndjson)
            {
                body.AddLines(bytes);
            }
            else
            {
                var document = JsonDocument.Parse(bytes);
                body._documents.Add(document);
                if (ItemsOf(document.RootElement, itemsProperty) is not { } items)
                {
                    string detail = itemsProperty is null
                        ? $"The body must be a JSON array of items, not {JsonItems.Describe(document.RootElement)}."
                        : $"The message must be a JSON object whose '{itemsProperty}' is an array of items.";
                    body.Dispose();
                    return (null, new BatchProblem(StatusCodes.Status400BadRequest, "Bad request", detail));
                }

                foreach (var item in items.EnumerateArray())
                {
                    body.Items.Add((item, null));
                }
            }
        }
        catch (JsonException e)
        {
            body.Dispose();
            return (null, new BatchProblem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not valid JSON: {e.Message}"));
        }

        if (body.Items.Count > MaxItems)
        {
            body.Dispose();
            return (null, new BatchProblem(StatusCodes.Status413PayloadTooLarge, "Too many items",
                $"A request may hold at most {MaxItems} items; this one has {body.Items.Count}. Split it."));
        }

        return (body, null);
    }

    private static JsonElement? ItemsOf(JsonElement root, string? itemsProperty) =>
        itemsProperty is null
            ? root.ValueKind == JsonValueKind.Array ? root : null
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty(itemsProperty, out var items) && items.ValueKind == JsonValueKind.Array ? items : null;

    private void AddLines(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        int start = 0;
        while (start < span.Length && Items.Count <= MaxItems)
        {
            int end = span[start..].IndexOf((byte)'\n');
            end = end < 0 ? span.Length : start + end;
            var line = span[start..end].TrimEnd((byte)'\r');
            start = end + 1;
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            try
            {
                var document = JsonDocument.Parse(line.ToArray());
                _documents.Add(document);
                Items.Add((document.RootElement, null));
            }
            catch (JsonException e)
            {
                Items.Add((default, $"not valid JSON: {e.Message}"));
            }
        }
    }

    /// <summary>A body over <see cref="MaxBytes"/>.</summary>
    public static BatchProblem TooLarge { get; } = new(StatusCodes.Status413PayloadTooLarge, "Request too large",
        $"A request body may be at most {RequestBody.Size(MaxBytes)}. Split the batch.");

    private static IResult Problem(BatchProblem problem) => Problem(problem.Status, problem.Title, problem.Detail);

    private static IResult Problem(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);
}

/// <summary>Reads one item: null when it is valid (the value in <paramref name="value"/>), else what is wrong with it.</summary>
internal delegate string? ItemReader<T>(JsonElement item, out T value);

/// <summary>Why a whole batch was refused: the HTTP status it is answered with, and the problem's title and detail.</summary>
public sealed record BatchProblem(int Status, string Title, string Detail);

/// <summary>One rejected item of a batch: its position and what is wrong with it.</summary>
public sealed record RejectedItem(int Index, string Error);

/// <summary>The answer to an ingest request (docs/api.md, Ingest).</summary>
public sealed record IngestResponse(int Accepted, int Duplicates, int Late, IReadOnlyList<RejectedItem> Rejected);
