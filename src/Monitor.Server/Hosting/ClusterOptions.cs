namespace Monitor.Server.Hosting;

/// <summary><c>Monitor:Cluster</c>: how silos find each other (<c>Cluster:Membership</c> goes to Orleans as it is).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Monitor:Cluster";
    public const string Localhost = "localhost";
    public const string AdoNet = "adonet";

    public string Mode { get; set; } = Localhost;

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "monitor";

    public string ServiceId { get; set; } = "monitor";

    /// <summary>In a Kubernetes pod (with <c>adonet</c>): Orleans' Kubernetes hosting names the silo after the pod, advertises
    /// the pod's IP and declares the silo of a deleted pod dead at once, without waiting for missed probes.</summary>
    public bool Kubernetes { get; set; }
}
