using System.Diagnostics;
using Microsoft.Extensions.Options;
using Monitor.Grains.Telemetry;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Monitor.Server.Hosting;

/// <summary>
/// Calls grains, retrying calls rejected while cluster membership changes (a silo died and its grains are
/// moving), so a client sees a delay instead of an error. Retries last at least 15 s, and twice as long as the
/// membership protocol needs to suspect a silo (Orleans' defaults: 30 s), which covers the vote and the grains'
/// activation elsewhere; a call still rejected then is a 503 (<see cref="ClusterChangeExceptionHandler"/>).
/// </summary>
public sealed class GrainCalls(IGrainFactory grains, IOptions<ClusterMembershipOptions> membership, ILogger<GrainCalls> logger)
{
    private readonly TimeSpan _retryFor = TimeSpan.FromTicks(Math.Max(
        TimeSpan.FromSeconds(15).Ticks, 2 * membership.Value.ProbeTimeout.Ticks * membership.Value.NumMissedProbesLimit));

    /// <summary>Calls, retries while membership changes, and records the time as <paramref name="method"/>.</summary>
    public async Task<T> CallAsync<T>(string method, Func<IGrainFactory, Task<T>> call, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            return await CallAsync(call, cancellationToken);
        }
        finally
        {
            MonitorMetrics.GrainCallDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("method", method));
        }
    }

    public async Task<T> CallAsync<T>(Func<IGrainFactory, Task<T>> call, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _retryFor;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await call(grains);
            }
            catch (Exception e) when (e is OrleansMessageRejectionException or SiloUnavailableException && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("Grain call rejected during a membership change; retrying in {Delay}: {Error}", delay, e.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            }
        }
    }
}
