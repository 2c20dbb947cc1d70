using System.ComponentModel.DataAnnotations;
using Monitor.Core.Ports;
using Monitor.Grains;
using Monitor.Server.Webhooks;
using Monitor.Storage;

namespace Monitor.Server.Hosting;

/// <summary>The <c>Monitor:</c> configuration section (docs/api.md, Configuration), validated at start.</summary>
public sealed class MonitorOptions : IValidatableObject
{
    public const string Section = "Monitor";

    public StorageOptions Storage { get; set; } = new();

    public ClusterOptions Cluster { get; set; } = new();

    public DemoFeedOptions DemoFeed { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    public BacktestOptions Backtests { get; set; } = new();

    public WebhookOptions Webhooks { get; set; } = new();

    public DashboardHostingOptions Dashboard { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Storage.Provider is not (StorageOptions.SqliteProvider or StorageOptions.PostgresProvider))
        {
            yield return new ValidationResult($"Monitor:Storage:Provider is '{Storage.Provider}'; use sqlite or postgres");
        }

        if (Cluster.Mode is not ("localhost" or "adonet"))
        {
            yield return new ValidationResult($"Monitor:Cluster:Mode is '{Cluster.Mode}'; use localhost or adonet");
        }

        if (Cluster.Kubernetes && Cluster.Mode != "adonet")
        {
            yield return new ValidationResult("Monitor:Cluster:Kubernetes=true needs Monitor:Cluster:Mode=adonet (membership stays in PostgreSQL)");
        }

        if (Cluster.Mode == "adonet" && Storage.Provider != "postgres")
        {
            yield return new ValidationResult("Monitor:Cluster:Mode=adonet keeps membership in PostgreSQL: set Monitor:Storage:Provider=postgres");
        }

        if (Cluster.SiloPort is < 1 or > 65535 || Cluster.GatewayPort is < 1 or > 65535)
        {
            yield return new ValidationResult("Monitor:Cluster:SiloPort and GatewayPort must be TCP ports (1-65535)");
        }

        if (Backtests.MaxConcurrent < 1 || Backtests.MaxAlerts < 1)
        {
            yield return new ValidationResult("Monitor:Backtests:MaxConcurrent and MaxAlerts must be at least 1");
        }

        foreach (string problem in Webhooks.Validate())
        {
            yield return new ValidationResult(problem);
        }

        for (int i = 0; i < Auth.ApiKeys.Count; i++)
        {
            var key = Auth.ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.Key) || key.Key.Length < 16)
            {
                yield return new ValidationResult($"Monitor:Auth:ApiKeys:{i}:Key must be at least 16 characters");
            }

            foreach (var role in key.Roles)
            {
                if (role is not (Roles.Read or Roles.Ingest or Roles.Admin))
                {
                    yield return new ValidationResult($"Monitor:Auth:ApiKeys:{i}:Roles has '{role}'; roles are read, ingest and admin");
                }
            }
        }
    }
}

public sealed class ClusterOptions
{
    public string Mode { get; set; } = "localhost";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "monitor";

    public string ServiceId { get; set; } = "monitor";

    /// <summary>In a Kubernetes pod (with <c>adonet</c>): Orleans' Kubernetes hosting names the silo after the pod, advertises
    /// the pod's IP and declares the silo of a deleted pod dead at once, without waiting for missed probes.</summary>
    public bool Kubernetes { get; set; }
}

public sealed class DashboardHostingOptions
{
    /// <summary>The Orleans Dashboard at <c>/dashboard</c> (admin role). It profiles every grain call, at a small cost.</summary>
    public bool Enabled { get; set; } = true;
}

public sealed class DemoFeedOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>On a first start (no ticks stored yet), this much simulated history is fed first, so bars and
    /// indicators have values from the start. Zero turns it off.</summary>
    public TimeSpan Backfill { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Ticks per instrument per minute of backfilled history.</summary>
    public int BackfillTicksPerMinute { get; set; } = 6;

    /// <summary>On a first start (no rules stored yet), store the default rules and the demo's minute-bar versions of them.</summary>
    public bool SeedRules { get; set; } = true;
}

public sealed class AuthOptions
{
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    public bool AnonymousRead { get; set; } = true;
}

public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";

    public List<string> Roles { get; set; } = [];
}

public static class Roles
{
    public const string Read = "read";
    public const string Ingest = "ingest";
    public const string Admin = "admin";
}
