namespace Monitor.Server.Tests;

/// <summary>Each configuration area is validated when the server starts: a setting that is not valid stops it with a message naming the key.</summary>
public sealed class ConfigurationValidationTests
{
    [Theory]
    [InlineData("Monitor:Storage:Provider", "mysql", "Monitor:Storage:Provider is 'mysql'; use sqlite or postgres")]
    [InlineData("Monitor:Storage:Provider", "postgres", "Monitor:Storage:Provider=postgres needs ConnectionStrings:Monitor")]
    [InlineData("Monitor:Storage:TickRetention", "12h", "Monitor:Storage:TickRetention is 12:00:00; keep ticks at least 1d")]
    [InlineData("Monitor:Cluster:Mode", "mesh", "Monitor:Cluster:Mode is 'mesh'; use localhost or adonet")]
    [InlineData("Monitor:Cluster:Mode", "adonet", "Monitor:Cluster:Mode=adonet keeps membership in PostgreSQL: set Monitor:Storage:Provider=postgres")]
    [InlineData("Monitor:Cluster:GatewayPort", "70000", "Monitor:Cluster:SiloPort and GatewayPort must be TCP ports (1-65535)")]
    [InlineData("Monitor:Auth:ApiKeys:3:Key", "short", "Monitor:Auth:ApiKeys:3:Key must be at least 16 characters")]
    [InlineData("Monitor:Auth:ApiKeys:0:Roles:1", "root", "Monitor:Auth:ApiKeys:0:Roles has 'root'; roles are read, ingest and admin")]
    [InlineData("Monitor:Backtests:MaxConcurrent", "0", "Monitor:Backtests:MaxConcurrent and MaxAlerts must be at least 1")]
    [InlineData("Monitor:Hub:ClientQueueLimit", "0", "Monitor:Hub:ClientQueueLimit must be from 1 to 1000000")]
    [InlineData("Monitor:Webhooks:Timeout", "soon", "Monitor:Webhooks:Timeout")]
    [InlineData("Monitor:Instruments:IdleAfter", "00:00:01", "Monitor:Instruments:IdleAfter must be at least 00:00:05")]
    public void InvalidSetting_StopsTheServerAtStartNamingTheKey(string key, string value, string message)
    {
        using var server = new MonitorServerFactory(new() { [key] = value });
        var error = Assert.ThrowsAny<Exception>(() => server.CreateClient());
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }
}
