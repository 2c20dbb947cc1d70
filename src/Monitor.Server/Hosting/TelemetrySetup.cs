using System.Globalization;
using Monitor.Grains.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Monitor.Server.Hosting;

public static class TelemetrySetup
{
    /// <summary>
    /// Metrics of the service, Orleans, ASP.NET Core and the runtime. They are exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (to Prometheus' OTLP receiver, or a collector; docs/operations.md).
    /// Each silo reports as service <c>monitor</c> (or <c>OTEL_SERVICE_NAME</c>) with instance <c>host:siloPort</c>,
    /// which Prometheus turns into the <c>job</c> and <c>instance</c> labels that tell silos apart.
    /// </summary>
    public static IServiceCollection AddMonitorTelemetry(this IServiceCollection services, IConfiguration configuration, ClusterOptions cluster)
    {
        string instance = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{cluster.SiloPort}");
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "monitor", serviceInstanceId: instance))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(MonitorMetrics.MeterName, "Microsoft.Orleans")
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation();
                if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    metrics.AddOtlpExporter();
                }
            });
        return services;
    }
}
