using Monitor.Grains.Telemetry;
using OpenTelemetry.Metrics;

namespace Monitor.Server.Hosting;

public static class TelemetrySetup
{
    /// <summary>
    /// Metrics of the service, Orleans, ASP.NET Core and the runtime. They are exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (to a collector that feeds Prometheus or another backend).
    /// </summary>
    public static IServiceCollection AddMonitorTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpenTelemetry().WithMetrics(metrics =>
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
