using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Testing;

namespace Monitor.Board.Tools;

/// <summary>
/// Hub clients that subscribe to every instrument and never read (<see cref="StalledHubClient"/>), held against a
/// running server for a while: the load beside <c>monitor feed --measure-latency</c> that shows whether a client
/// that stops reading costs the others anything. A client the server disconnects is replaced at once, so the
/// pressure stays on for the whole run.
/// </summary>
internal static class StallCommand
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(1);

    /// <summary><c>stall URL [clients, default 20] [seconds, default 60] [batched]</c>: with <c>batched</c> the clients ask for quote batches, as the board does.</summary>
    public static async Task RunAsync(string[] args)
    {
        var server = new Uri(args[0]);
        int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        int seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 60;
        bool batched = args.Length > 3 && args[3] == "batched";
        using var http = new HttpClient { BaseAddress = server };
        string[] instruments = [.. (await http.GetFromJsonAsync<JsonElement[]>("/api/v1/instruments"))!.Select(i => i.GetProperty("id").GetString()!)];

        var clients = new StalledHubClient[count];
        for (int i = 0; i < count; i++)
        {
            clients[i] = await StalledHubClient.ConnectAsync(server, instruments, batched);
        }

        Console.WriteLine($"stall: {count} clients subscribed to {instruments.Length} instruments at {server}, reading nothing, for {seconds} s{(batched ? ", quotes batched" : "")}");
        int disconnected = 0;
        var end = DateTime.UtcNow.AddSeconds(seconds);
        using var timer = new PeriodicTimer(PingInterval);
        while (DateTime.UtcNow < end && await timer.WaitForNextTickAsync())
        {
            for (int i = 0; i < count; i++)
            {
                if (!await clients[i].PingAsync())
                {
                    disconnected++;
                    clients[i].Dispose();
                    clients[i] = await StalledHubClient.ConnectAsync(server, instruments, batched);
                }
            }
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        Console.WriteLine($"stall: the server disconnected stalled clients {disconnected} times (each was replaced)");
    }
}
