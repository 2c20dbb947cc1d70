using Microsoft.AspNetCore.Mvc;

namespace Monitor.Server.Hosting;

/// <summary>Writes RFC 7807 problem details with a detail a person can act on.</summary>
public sealed class ProblemDetailsWriter(IProblemDetailsService service)
{
    public async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
        }
    }

    /// <summary>503 with <c>Retry-After</c>: the request may succeed if sent again in a few seconds.</summary>
    public Task WriteUnavailableAsync(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = "5";
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", detail);
    }

    public static IResult Result(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
