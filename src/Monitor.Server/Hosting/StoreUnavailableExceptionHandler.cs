using Microsoft.AspNetCore.Diagnostics;
using Monitor.Grains;
using Monitor.Storage;

namespace Monitor.Server.Hosting;

/// <summary>
/// A write the database cannot take now (read-only, full, locked, down: <see cref="StoreFailures"/>) answers 503 with
/// <c>Retry-After</c> and a detail, never a 500: nothing in the request was acknowledged, so a client sends it again.
/// The failure is logged once per interval (<see cref="StoreWriteFailures"/>), not once per request.
/// </summary>
internal sealed class StoreUnavailableExceptionHandler(ProblemDetailsWriter problems, StoreWriteFailures failures) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        string reason;
        if (Find(exception) is { } unavailable)
        {
            reason = unavailable.Message; // the grain reported it
        }
        else if (StoreFailures.IsUnavailable(exception))
        {
            failures.Report(exception, $"{httpContext.Request.Method} {httpContext.Request.Path}");
            reason = StoreWriteFailures.Describe(exception);
        }
        else
        {
            return false;
        }

        await problems.WriteUnavailableAsync(
            httpContext,
            $"The database cannot take writes now, so this request was not acknowledged: send it again in a few seconds (ticks with a seq are not stored twice). {reason}");
        return true;
    }

    private static StoreUnavailableException? Find(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StoreUnavailableException unavailable)
            {
                return unavailable;
            }
        }

        return null;
    }
}
