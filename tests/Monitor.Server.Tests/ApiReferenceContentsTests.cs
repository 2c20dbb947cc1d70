using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Monitor.Core.Webhooks;
using Monitor.Server.Hosting;
using Monitor.Server.Live;
using Monitor.Storage;

namespace Monitor.Server.Tests;

/// <summary>
/// docs/api.md against the code, for what <c>/openapi/v1.json</c> does not describe: every setting the options types
/// bind, every hub method and every webhook event has its place in the reference.
/// </summary>
public sealed class ApiReferenceContentsTests
{
    [Fact]
    public void EverySettingTheOptionsBind_IsInTheConfigurationTable()
    {
        // A row documents a setting when its first cell names the setting's area (`Webhooks:...`) and, as a segment of
        // one of its code spans, the setting's own name (`Webhooks:Timeout`; `DemoFeed:TicksPerSecond`, `Instruments`, ...;
        // `Auth:ApiKeys:N:Name`, `:Key`).
        var rows = ApiReference.TableRows(ApiReference.Section("Configuration")).Select(row => ApiReference.CodeSpans(row[0])).ToList();
        var missing = BoundSettings()
            .Where(key => !rows.Any(spans =>
                spans.Any(span => span.StartsWith(key.Area + ":", StringComparison.Ordinal)) &&
                spans.Any(span => span.Split(':').Contains(key.Path.Split(':')[^1], StringComparer.Ordinal))))
            .Select(key => $"Monitor:{key.Area}:{key.Path}")
            .ToList();

        Assert.True(missing.Count == 0, "docs/api.md, Configuration, lacks:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void EveryHubMethod_IsInTheHubTable()
    {
        var documented = ApiReference.TableRows(ApiReference.Section("Hub")).Select(row => (row[0], row[1].Trim('`'))).ToHashSet();
        var methods = typeof(MarketHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetBaseDefinition().DeclaringType == typeof(MarketHub)) // not the connection events it overrides
            .Select(m => ("client -> server", m.Name))
            .Concat(typeof(IMarketClient).GetMethods().Select(m => ("server -> client", m.Name)));

        Assert.Equal(methods.Order(), documented.Order());
    }

    [Fact]
    public void EveryWebhookEvent_IsInTheEventTable()
    {
        var documented = ApiReference.TableRows(ApiReference.Section("Webhook events")).Select(row => row[0].Trim('`'));
        Assert.Equal(WebhookEvents.All.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Every setting the server's options types bind, by area (the section under <c>Monitor:</c>) and property name:
    /// the options are composed as the server composes them over a configuration that records which section each binds.
    /// </summary>
    private static List<(string Area, string Path)> BoundSettings()
    {
        var configuration = new RecordingConfiguration(new ConfigurationBuilder().Build());
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddMonitorOptions(demoFeed: true);
        using var provider = services.BuildServiceProvider();
        var optionTypes = services.Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(t => t.GetGenericArguments()[0])
            .Distinct();

        var settings = new List<(string, string)>();
        foreach (var type in optionTypes)
        {
            configuration.Sections.Clear();
            var options = provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            // The type's own section is asked first; validating it may read another area after.
            string section = configuration.Sections.First(s => s.StartsWith(MonitorOptions.Section + ":", StringComparison.Ordinal));
            string area = section[(MonitorOptions.Section.Length + 1)..];
            // The connection string is the top-level ConnectionStrings:Monitor, which the Storage row names.
            settings.AddRange(Paths(type).Where(path => (type, path) != (typeof(StorageOptions), nameof(StorageOptions.ConnectionString)))
                .Select(path => (area, path)));
        }

        return settings;
    }

    /// <summary>The paths of the settable properties of <paramref name="type"/>, and of the objects and list items (<c>N</c>) it holds.</summary>
    private static IEnumerable<string> Paths(Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            yield return property.Name;
            bool list = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(List<>);
            var held = list ? property.PropertyType.GetGenericArguments()[0] : property.PropertyType;
            if (held.IsClass && held != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(held) && TypeDescriptor.GetConverter(held).GetType() == typeof(TypeConverter))
            {
                foreach (string path in Paths(held))
                {
                    yield return list ? $"{property.Name}:N:{path}" : $"{property.Name}:{path}";
                }
            }
        }
    }

    /// <summary>A configuration that records the sections asked of it by path.</summary>
    private sealed class RecordingConfiguration(IConfiguration inner) : IConfiguration
    {
        public List<string> Sections { get; } = [];

        public string? this[string key]
        {
            get => inner[key];
            set => inner[key] = value;
        }

        public IConfigurationSection GetSection(string key)
        {
            Sections.Add(key);
            return inner.GetSection(key);
        }

        public IEnumerable<IConfigurationSection> GetChildren() => inner.GetChildren();

        public IChangeToken GetReloadToken() => inner.GetReloadToken();
    }
}
