using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace Monitor.Testing;

/// <summary>A small real HTTP server for tests: Kestrel on a free loopback port, routes mapped by the caller.</summary>
public static class LoopbackHttp
{
    /// <summary>Builds the app, lets <paramref name="map"/> add its routes, starts it; returns it with its address.</summary>
    public static async Task<(WebApplication App, Uri BaseAddress)> StartAsync(Action<WebApplication> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var server = (IServer)app.Services.GetService(typeof(IServer))!;
        return (app, new Uri(server.Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }
}
