using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Monitor.Server.Tests;

/// <summary>
/// The metrics as Prometheus sees them: the real server in process with OpenTelemetry's Prometheus exporter added to its
/// own meter provider (the exporter is a prerelease, so only tests use it; the product exports OTLP), scraped after
/// activity that moves every metric operations watch, and checked against what the Grafana dashboard queries.
/// </summary>
public sealed partial class MetricsExportTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-03-02T10:00:00Z", CultureInfo.InvariantCulture);

    private readonly MonitorServerFactory _factory = new();
    private WebApplicationFactory<Program> _server = null!;
    private HubConnection _hub = null!;

    public async Task InitializeAsync()
    {
        _server = _factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            // Every scrape collects anew (no cached answer): a scrape after something changed shows what it changed.
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
            services.AddSingleton<IStartupFilter, ScrapeEndpoint>();
        }));
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_server.Server.BaseAddress, "/hubs/market"), options =>
            {
                options.HttpMessageHandlerFactory = _ => _server.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        await _hub.StartAsync();
        await _hub.InvokeAsync("SubscribeInstruments", new[] { "LME:CA" });
        await MoveEveryMetricAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _server.DisposeAsync();
        await _factory.DisposeAsync();
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task OperationsMetrics_AreExportedUnderTheirPrometheusNames()
    {
        string[] expected =
        [
            "monitor_ticks_accepted_total{",
            "orleans_catalog_activations{otel_scope_name=\"Microsoft.Orleans\",grain_type=\"instrument\"}",
            "monitor_hub_clients{",
            "monitor_webhooks_backlog{",
            "monitor_rules_evaluation_duration_milliseconds_bucket{otel_scope_name=\"Monitor\",grain=\"instrument\"",
            "monitor_rules_evaluation_duration_milliseconds_bucket{otel_scope_name=\"Monitor\",grain=\"rule\"",
            "monitor_rules_evaluations_total{",
            "monitor_grain_call_duration_milliseconds_bucket{",
            "monitor_hub_push_lag_milliseconds_bucket{",
        ];
        string scrape = await ScrapeAsync(text => expected.All(text.Contains));
        Assert.All(expected, name => Assert.Contains(name, scrape, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryMetricTheGrafanaDashboardQueries_IsExported()
    {
        var queried = GrafanaQueries().SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.True(queried.Count >= 10, "the dashboard queries the operations metrics: " + string.Join(", ", queried));

        var exported = new HashSet<string>(StringComparer.Ordinal);
        await ScrapeAsync(text =>
        {
            exported = ExportedNames(text);
            return queried.IsSubsetOf(exported);
        });
        Assert.Empty(queried.Except(exported));
    }

    [Fact]
    public async Task OrleansMetrics_OutliveAnotherServerStoppingInTheSameProcess()
    {
        // Every host's Orleans meters have the same names: the other server's instruments must not join this
        // server's series, or its stopping ends them (the tests run several servers in one process).
        await using (var other = new MonitorServerFactory())
        {
            (await other.CreateClient(MonitorServerFactory.ReadKey).GetAsync("/api/v1/instruments")).EnsureSuccessStatusCode();
        }

        // A collection exports series that ended one last time and then drops them: the scrape after it tells.
        await _server.CreateClient().GetStringAsync("/metrics");
        const string activations = "orleans_catalog_activations{otel_scope_name=\"Microsoft.Orleans\",grain_type=\"instrument\"}";
        string scrape = await _server.CreateClient().GetStringAsync("/metrics");
        Assert.Contains(activations, scrape, StringComparison.Ordinal);
    }

    /// <summary>Every PromQL expression of every panel of dashboards/grafana/monitor.json.</summary>
    private static IEnumerable<string> GrafanaQueries()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(TestRepository.PathOf("dashboards", "grafana", "monitor.json")))!;
        foreach (var panel in dashboard["panels"]!.AsArray())
        {
            var targets = panel!["targets"]!.AsArray();
            Assert.NotEmpty(targets);
            foreach (var target in targets)
            {
                yield return target!["expr"]!.GetValue<string>();
            }
        }
    }

    /// <summary>The metric names in a PromQL expression: the service's, Orleans' and ASP.NET Core's families.</summary>
    private static IEnumerable<string> MetricNames(string expression) =>
        MetricNamePattern().Matches(expression).Select(m => m.Value);

    private static HashSet<string> ExportedNames(string scrape) =>
        scrape.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line[..line.IndexOfAny(['{', ' '])])
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\b(monitor|orleans|aspnetcore|http|kestrel|signalr|dotnet|process)_[a-z0-9_]+\b")]
    private static partial Regex MetricNamePattern();

    /// <summary>Ticks through an instrument grain with a rule and through a rule grain, rules closing bars.</summary>
    private async Task MoveEveryMetricAsync()
    {
        var admin = _server.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", MonitorServerFactory.AdminKey);
        foreach (string rule in new[]
        {
            """{"id":"ca-above","name":"Copper high","type":"threshold","interval":"1m","params":{"input":"LME:CA","op":"above","value":20000}}""",
            """{"id":"ca-spread","name":"Copper spread","type":"spread","interval":"1m","params":{"near":"LME:CA.CASH","far":"LME:CA","op":"backwardation"}}""",
        })
        {
            (await admin.PostJsonAsync("/api/v1/rules", rule)).EnsureSuccessStatusCode();
        }

        for (int minute = 0; minute < 3; minute++)
        {
            var items = new[] { "LME:CA.CASH", "LME:CA" }
                .Select(id => TestApi.Tick(id, Monday.AddMinutes(minute).AddSeconds(10).ToString("O"), 9_100))
                .ToArray();
            (await admin.PostItemsAsync("/api/v1/ticks", items)).EnsureSuccessStatusCode();
        }
    }

    private Task<string> ScrapeAsync(Func<string, bool> done) =>
        Eventually.GetAsync(() => _server.CreateClient().GetStringAsync("/metrics"), done, TimeSpan.FromSeconds(20), "the scrape shows the activity");

    private sealed class ScrapeEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint();
            next(app);
        };
    }
}
