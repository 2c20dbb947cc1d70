using System.Net;

namespace Monitor.Server.Tests;

/// <summary>The operations switches: the Orleans Dashboard off, Kubernetes hosting only with PostgreSQL membership.</summary>
public sealed class OperationsSettingsTests
{
    [Fact]
    public async Task DashboardDisabled_IsNotServedEvenToAdmins()
    {
        await using var server = new MonitorServerFactory(new() { ["Monitor:Dashboard:Enabled"] = "false" });
        var admin = server.CreateClient(MonitorServerFactory.AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dashboard/DashboardCounters")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dashboard/login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public void KubernetesHostingWithoutAdoNetClustering_StopsTheServerAtStartNamingTheKey()
    {
        using var server = new MonitorServerFactory(new() { ["Monitor:Cluster:Kubernetes"] = "true" });
        var error = Assert.ThrowsAny<Exception>(() => server.CreateClient());
        Assert.Contains("Monitor:Cluster:Kubernetes=true needs Monitor:Cluster:Mode=adonet", error.ToString(), StringComparison.Ordinal);
    }
}
