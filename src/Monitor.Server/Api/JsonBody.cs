using System.Text.Json;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary>A request body that must be one JSON document: 415 for another media type, 413 beyond the limit, 400 when malformed.</summary>
internal static class JsonBody
{
    /// <summary>The parsed body (dispose it), or the problem to answer with.</summary>
    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, string what, CancellationToken cancellationToken)
    {
        if (request.ContentType?.Split(';')[0].Trim() is not "application/json")
        {
            return (null, ProblemDetailsWriter.Result(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"Send {what} as application/json."));
        }

        if (await RequestBody.ReadAsync(request, maxBytes, cancellationToken) is not { } read)
        {
            return (null, ProblemDetailsWriter.Result(StatusCodes.Status413PayloadTooLarge, "Request too large", $"{what} may be at most {RequestBody.Size(maxBytes)}."));
        }

        if (JsonHygiene.Utf8Text(read) is not { } text)
        {
            return (null, ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Not UTF-8", JsonHygiene.NotUtf8));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            return (null, ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not valid JSON: {e.Message}"));
        }

        if (JsonHygiene.FindProblem(document.RootElement) is { } problem)
        {
            document.Dispose();
            return (null, ProblemDetailsWriter.Result(StatusCodes.Status400BadRequest, "Bad request", $"{what} cannot be read: {problem}."));
        }

        return (document, null);
    }

    /// <summary>A 400 listing every problem, also by field as <c>errors</c>.</summary>
    public static IResult Invalid(string title, string detail, IEnumerable<(string Field, string Message)> problems) =>
        TypedResults.Problem(
            detail: detail + string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")),
            statusCode: StatusCodes.Status400BadRequest,
            title: title,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
            });
}
