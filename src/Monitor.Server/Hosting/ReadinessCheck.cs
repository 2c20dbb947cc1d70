using Microsoft.Extensions.Diagnostics.HealthChecks;
using Monitor.Core.Ports;
using Monitor.Storage;

namespace Monitor.Server.Hosting;

/// <summary>
/// <c>/health/ready</c>: this silo is an active member of the cluster and the database answers and takes writes. A load
/// balancer sends traffic only then: not while the silo joins, not once it starts shutting down, not while the database
/// is gone, read-only, full or locked.
/// </summary>
public sealed class ReadinessCheck(ISiloStatusOracle silo, MonitorStore store) : IHealthCheck
{
    public const string Name = "ready";

    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The status as plain text and, when not healthy, why: an operator reading the probe learns the cause.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        string reasons = string.Join("; ", report.Entries.Values.Select(e => e.Description).OfType<string>());
        return context.Response.WriteAsync(reasons.Length == 0 ? report.Status.ToString() : $"{report.Status}: {reasons}");
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (silo.CurrentStatus != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"the silo is {silo.CurrentStatus}, not Active");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DatabaseTimeout);
        try
        {
            await store.PingAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the {store.Provider} database does not answer: {e.Message}");
        }

        try
        {
            await store.ProbeWriteAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the {store.Provider} database cannot take writes: {e.Message}");
        }

        return HealthCheckResult.Healthy();
    }
}
