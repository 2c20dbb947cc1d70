using Microsoft.Extensions.Configuration;
using Monitor.Core.Ports;
using Monitor.Storage;

namespace Monitor.Cli;

/// <summary>
/// The configuration the server reads, for commands that use the store: appsettings.json in the working
/// directory, then environment variables (<c>Monitor__Storage__Provider=postgres</c>, <c>ConnectionStrings__Monitor=...</c>).
/// </summary>
internal static class CliConfiguration
{
    public static IConfiguration Load() => new ConfigurationBuilder()
        .SetBasePath(Directory.GetCurrentDirectory())
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    public static StorageOptions Storage(IConfiguration configuration)
    {
        var options = configuration.GetSection("Monitor:Storage").Get<StorageOptions>() ?? new StorageOptions();
        options.ConnectionString = configuration.GetConnectionString("Monitor");
        return options;
    }
}
