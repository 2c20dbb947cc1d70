using Monitor.Grains;
using Monitor.Grains.Rules;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary>
/// <c>GET /api/v1/cluster</c>: the active silos and which instruments' grains and rule grains (rules over several
/// instruments) each one holds, so an operator (or a failover test) can see where the work runs and which silo answered.
/// </summary>
public static class ClusterApi
{
    /// <param name="Self">Whether this is the silo that answered the request.</param>
    public sealed record SiloView(string Address, string Status, bool Self, IReadOnlyList<string> Instruments, IReadOnlyList<string> Rules);

    public sealed record ClusterView(IReadOnlyList<SiloView> Silos);

    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/cluster", GetAsync).RequireRole(Policies.Read).CallsGrains().WithTags("Cluster").Produces<ClusterView>();
        return app;
    }

    internal static async Task<IResult> GetAsync(IGrainFactory grains, ILocalSiloDetails local, GrainCalls calls, CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await calls.CallAsync(_ => management.GetHosts(onlyActive: true), cancellationToken);
        var statistics = await calls.CallAsync(_ => management.GetDetailedGrainStatistics(hostsIds: [.. hosts.Keys]), cancellationToken);
        var instruments = KeysBySilo(statistics, grains.GetGrain<IInstrumentGrain>("any").GetGrainId().Type);
        var rules = KeysBySilo(statistics, grains.GetGrain<IRuleGrain>("any").GetGrainId().Type);
        return TypedResults.Ok(new ClusterView([.. hosts
            .OrderBy(h => h.Key.ToString(), StringComparer.Ordinal)
            .Select(h => new SiloView(
                h.Key.ToParsableString(), h.Value.ToString().ToLowerInvariant(), h.Key.Equals(local.SiloAddress),
                [.. instruments[h.Key].Order(StringComparer.Ordinal)], [.. rules[h.Key].Order(StringComparer.Ordinal)]))]));
    }

    private static ILookup<SiloAddress, string> KeysBySilo(DetailedGrainStatistic[] statistics, GrainType type) =>
        statistics.Where(s => s.GrainId.Type == type).ToLookup(s => s.SiloAddress, s => s.GrainId.Key.ToString()!);
}
