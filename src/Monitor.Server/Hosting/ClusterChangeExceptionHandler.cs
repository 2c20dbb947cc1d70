using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;

namespace Monitor.Server.Hosting;

/// <summary>
/// A grain call still rejected when <see cref="GrainCalls"/> stops retrying (the cluster has not yet recovered from a
/// lost silo) answers 503 with <c>Retry-After</c>, which a client can act on, rather than a 500.
/// </summary>
internal sealed class ClusterChangeExceptionHandler(ProblemDetailsWriter problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (OrleansMessageRejectionException or SiloUnavailableException))
        {
            return false;
        }

        await problems.WriteUnavailableAsync(
            httpContext,
            "The cluster is still recovering from a lost silo. Send the request again in a few seconds: ticks with a seq are not stored twice.");
        return true;
    }
}
