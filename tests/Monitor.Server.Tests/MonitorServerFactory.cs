using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Monitor.Server.Tests;

/// <summary>
/// The real server in-process: co-hosted Orleans silo on its own free ports, SQLite in a temporary directory,
/// demo feed off, and three API keys (one per role).
/// </summary>
public sealed class MonitorServerFactory : WebApplicationFactory<Program>
{
    public const string ReadKey = TestApiKeys.Read;
    public const string IngestKey = TestApiKeys.Ingest;
    public const string AdminKey = TestApiKeys.Admin;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "monitor-server-tests-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    public MonitorServerFactory()
        : this(new Dictionary<string, string>())
    {
    }

    /// <param name="overrides">Settings on top of the defaults.</param>
    /// <param name="services">Replaces services after the server registered its own (a fake clock, say).</param>
    internal MonitorServerFactory(Dictionary<string, string> overrides, Action<IServiceCollection>? services = null)
    {
        _services = services;
        Directory.CreateDirectory(_directory);
        _settings = new Dictionary<string, string>
        {
            ["Monitor:DemoFeed:Enabled"] = "false",
            ["Monitor:Storage:Sqlite:Path"] = Path.Combine(_directory, "monitor.db"),
            ["Monitor:Cluster:SiloPort"] = TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Monitor:Cluster:GatewayPort"] = TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Monitor:Auth:ApiKeys:0:Name"] = "reader",
            ["Monitor:Auth:ApiKeys:0:Key"] = ReadKey,
            ["Monitor:Auth:ApiKeys:0:Roles:0"] = "read",
            ["Monitor:Auth:ApiKeys:1:Name"] = "feed",
            ["Monitor:Auth:ApiKeys:1:Key"] = IngestKey,
            ["Monitor:Auth:ApiKeys:1:Roles:0"] = "ingest",
            ["Monitor:Auth:ApiKeys:2:Name"] = "ops",
            ["Monitor:Auth:ApiKeys:2:Key"] = AdminKey,
            ["Monitor:Auth:ApiKeys:2:Roles:0"] = "admin",
        };
        foreach (var (key, value) in overrides)
        {
            _settings[key] = value;
        }
    }

    public HttpClient CreateClient(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Program reads these before Build(), so they must be host settings.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the file for a moment; the temp directory is cleaned by the OS.
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<MonitorServerFactory>
{
    public const string Name = "server";
}
