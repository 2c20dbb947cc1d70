using System.Globalization;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage;
using Npgsql;

namespace Monitor.Benchmarks;

/// <summary>
/// <c>storage-size [INSTRUMENTS] [TICKS_A_DAY]</c>: the bytes a day of market data takes in each store, for the scaling
/// model in docs/operations.md. Through the stores' own writes, INSTRUMENTS instruments (20) each get TICKS_A_DAY ticks
/// (86,400: one a second) spread evenly over one UTC day, appended in calls of 1,000 as the grains append them, then
/// that day's bars of the default intervals (1,440 minute bars, 24 hourly, one daily). Prints bytes per tick and per bar,
/// indexes included: SQLite's file growth (measured closed, so the WAL is in the file), and in PostgreSQL (when
/// MONITOR_BENCH_POSTGRES is set) the total size of the tick table's partitions and of the bars table. Sizes depend on
/// the data, not on the machine's load.
/// </summary>
public static class StorageFootprint
{
    private static readonly DateTimeOffset Day = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(string[] args)
    {
        int instruments = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        int ticksADay = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 86_400;
        long ticks = (long)instruments * ticksADay, bars = instruments * (1_440L + 24 + 1);
        Console.WriteLine($"{instruments} instruments, {ticksADay:N0} ticks each over {Day:yyyy-MM-dd}: {ticks:N0} ticks, {bars:N0} bars");

        string directory = Directory.CreateTempSubdirectory("monitor-footprint-").FullName;
        try
        {
            string path = Path.Combine(directory, "monitor.db");
            var sizes = new List<long>();
            foreach (var write in new Func<MonitorStore, Task>[] { s => RegisterAsync(s, instruments), s => AppendTicksAsync(s, instruments, ticksADay), s => UpsertBarsAsync(s, instruments) })
            {
                await using (var store = MonitorStore.OpenSqlite(path))
                {
                    await write(store);
                }

                sizes.Add(new FileInfo(path).Length);
            }

            Print("SQLite (file growth)", sizes[1] - sizes[0], ticks, sizes[2] - sizes[1], bars);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        if (Environment.GetEnvironmentVariable("MONITOR_BENCH_POSTGRES") is { Length: > 0 })
        {
            var (name, connectionString) = BenchmarkPostgres.CreateDatabase();
            try
            {
                await using (var store = await MonitorStore.OpenPostgresAsync(connectionString))
                {
                    await RegisterAsync(store, instruments);
                    await AppendTicksAsync(store, instruments, ticksADay);
                    await UpsertBarsAsync(store, instruments);
                }

                Print(
                    "PostgreSQL (pg_total_relation_size)",
                    await ScalarAsync(connectionString, "SELECT sum(pg_total_relation_size(relid))::bigint FROM pg_partition_tree('ticks')"),
                    ticks,
                    await ScalarAsync(connectionString, "SELECT pg_total_relation_size('bars')"),
                    bars);
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                BenchmarkPostgres.DropDatabase(name);
            }
        }

        return 0;
    }

    private static InstrumentId Instrument(int i) => InstrumentId.Parse("SIZE:I" + i.ToString(CultureInfo.InvariantCulture));

    /// <summary>The instruments with one tick the day before, so the growth measured next is the day's ticks alone.</summary>
    private static async Task RegisterAsync(MonitorStore store, int instruments)
    {
        for (int i = 0; i < instruments; i++)
        {
            await store.Ticks.AppendAsync(Instrument(i), new[] { new StoredTick(1, Day.AddDays(-1), 100, 1, 1, false) });
        }
    }

    private static async Task AppendTicksAsync(MonitorStore store, int instruments, int ticksADay)
    {
        var random = new Random(1);
        var step = TimeSpan.FromDays(1) / ticksADay;
        var batch = new StoredTick[1_000];
        double price = 100;
        for (int first = 0; first < ticksADay; first += batch.Length)
        {
            int count = Math.Min(batch.Length, ticksADay - first);
            for (int i = 0; i < instruments; i++)
            {
                for (int k = 0; k < count; k++)
                {
                    price *= 1 + ((random.NextDouble() - 0.5) * 0.001);
                    long index = first + k + 2;
                    batch[k] = new StoredTick(index, Day + ((first + k) * step), Math.Round(price, 2), 1 + random.Next(50), index, false);
                }

                await store.Ticks.AppendAsync(Instrument(i), batch.AsMemory(0, count));
            }
        }
    }

    private static async Task UpsertBarsAsync(MonitorStore store, int instruments)
    {
        foreach (var interval in new[] { BarInterval.OneMinute, BarInterval.OneHour, BarInterval.OneDay })
        {
            int count = (int)(TimeSpan.FromDays(1) / interval.Length);
            var bars = Enumerable.Range(0, count).Select(k => new Bar(Day + (k * interval.Length), 100, 101, 99, 100.5, 1_000 + k)).ToArray();
            for (int i = 0; i < instruments; i++)
            {
                await store.Bars.UpsertAsync(Instrument(i), interval, bars);
            }
        }
    }

    private static void Print(string store, long tickBytes, long ticks, long barBytes, long bars) =>
        Console.WriteLine($"{store}: ticks {tickBytes:N0} B, {(double)tickBytes / ticks:N1} B a tick; bars {barBytes:N0} B, {(double)barBytes / bars:N1} B a bar");

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
