using Microsoft.AspNetCore.Diagnostics;

namespace Monitor.Server.Hosting;

/// <summary>
/// Requests the framework itself refuses (a body that does not bind, <c>limit=abc</c>, a body over the server's
/// limit) answer their status with problem details whose <c>detail</c> says what was wrong, as our own 400s do.
/// </summary>
internal sealed class BadRequestExceptionHandler(ProblemDetailsWriter problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        string detail = bad.InnerException is { } inner ? $"{bad.Message} {inner.Message}" : bad.Message;
        await problems.WriteAsync(httpContext, bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Bad request", detail);
        return true;
    }
}
