using Microsoft.Data.Sqlite;

namespace Monitor.Server.Tests;

/// <summary>A real server process, killed with SIGKILL mid-stream and restarted on the same data.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private static readonly string[] Instruments = ["COMEX:SI", "COMEX:GC", "ETF:SLV"];
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-02T14:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-crash-").FullName;

    [Fact]
    public async Task KillNineAndRestart_KeepsEveryAcknowledgedTickBarIndicatorAndSeq()
    {
        int acknowledged;
        Dictionary<string, string> before;
        await using (var server = await ServerProcess.StartAsync(_directory))
        {
            var ingest = server.CreateClient(MonitorServerFactory.IngestKey);

            // Phase one, then wait until the grains have saved their state: recovery resumes from it...
            acknowledged = await PostMinutesAsync(ingest, firstMinute: 0, minutes: 40);
            await Eventually.GetAsync(() => Task.FromResult(SavedGrainStates()), n => n >= Instruments.Length, TimeSpan.FromSeconds(20), "grain state written");

            // ...and phase two exists only as stored ticks after the saved watermark when the process dies.
            acknowledged += await PostMinutesAsync(ingest, firstMinute: 40, minutes: 25);
            before = await ReadEverythingAsync(server.CreateClient());
            await server.KillAsync();
        }

        await using (var restarted = await ServerProcess.StartAsync(_directory))
        {
            var after = await ReadEverythingAsync(restarted.CreateClient());
            foreach (var (key, value) in before)
            {
                Assert.True(after[key] == value, $"{key} changed across kill -9:\nbefore {value}\nafter  {after[key]}");
            }

            var ingest = restarted.CreateClient(MonitorServerFactory.IngestKey);
            var replay = await (await ingest.PostItemsAsync("/api/v1/ticks", TicksFor(minute: 64))).OkJsonAsync();
            Assert.Equal(0, replay["accepted"]!.GetValue<int>());
            Assert.Equal(Instruments.Length * 4, replay["duplicates"]!.GetValue<int>());

            double storedVolume = 0;
            foreach (string instrument in Instruments)
            {
                var bars = (await restarted.CreateClient().GetJsonAsync($"/api/v1/instruments/{instrument}/bars?interval=1m&limit=10000")).AsArray();
                storedVolume += bars.Sum(b => b!["volume"]!.GetValue<double>());
            }

            Assert.Equal(acknowledged, storedVolume);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Four ticks a minute for each instrument, volume 1 each, seq = running tick number.</summary>
    private static async Task<int> PostMinutesAsync(HttpClient ingest, int firstMinute, int minutes)
    {
        int accepted = 0;
        for (int minute = firstMinute; minute < firstMinute + minutes; minute++)
        {
            var body = await (await ingest.PostItemsAsync("/api/v1/ticks", TicksFor(minute))).OkJsonAsync();
            accepted += body["accepted"]!.GetValue<int>();
        }

        Assert.Equal(minutes * 4 * Instruments.Length, accepted);
        return accepted;
    }

    private static object[] TicksFor(int minute) =>
        Instruments.SelectMany((instrument, i) => Enumerable.Range(0, 4).Select(k => TestApi.Tick(
            instrument,
            Start.AddMinutes(minute).AddSeconds(k * 15).ToString("O"),
            price: 30 * (i + 1) + Math.Sin(minute * 0.7 + k) + (minute * 0.05),
            volume: 1,
            seq: (minute * 4) + k + 1))).ToArray();

    private static async Task<Dictionary<string, string>> ReadEverythingAsync(HttpClient read)
    {
        var state = new Dictionary<string, string>();
        foreach (string instrument in Instruments)
        {
            foreach (string interval in new[] { "1m", "1h" })
            {
                state[$"{instrument} bars {interval}"] = (await read.GetJsonAsync($"/api/v1/instruments/{instrument}/bars?interval={interval}&limit=10000")).ToJsonString();
                state[$"{instrument} indicators {interval}"] = (await read.GetJsonAsync($"/api/v1/instruments/{instrument}/indicators?interval={interval}")).ToJsonString();
            }

            var snapshot = await read.GetJsonAsync($"/api/v1/instruments/{instrument}");
            state[$"{instrument} last"] = snapshot["last"]!.ToJsonString();
        }

        return state;
    }

    private int SavedGrainStates()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "data", "monitor.grains.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM grain_state WHERE state_name = 'instrument'";
        try
        {
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }
}
