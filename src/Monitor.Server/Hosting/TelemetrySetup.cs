using System.Diagnostics.Metrics;
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
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) => metrics.AddView(OnlyThisHostsMeters(provider.GetRequiredService<IMeterFactory>())));
        return services;
    }

    /// <summary>
    /// Drops the instruments of meters that another host's meter factory made. Orleans and ASP.NET Core make their
    /// meters with the host's <see cref="IMeterFactory"/>, under the same names in every host, and a meter provider
    /// subscribes by name across the whole process. With two hosts in one process (the tests run several), this
    /// provider would merge the other host's instruments into its own series, and when that host stops, its disposed
    /// instruments would end those series here too: this host would export no Orleans metric from then on.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OnlyThisHostsMeters(IMeterFactory thisHost) =>
        instrument => instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, thisHost) ? MetricStreamConfiguration.Drop : null;
}
