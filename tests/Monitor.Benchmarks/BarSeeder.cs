using System.Diagnostics;
using System.Globalization;
using Monitor.Core.Market;
using Monitor.Storage;

namespace Monitor.Benchmarks;

/// <summary>
/// <c>seed-bars SQLITE_PATH PREFIX INSTRUMENTS MINUTE_DAYS</c>: writes stored history for the restart benchmark
/// (restart-benchmark.sh) through the store's own bar writes: for instruments PREFIX0..PREFIX{N-1}, minute bars for
/// the last MINUTE_DAYS days and hourly and daily bars for the year before 2026-12-04, a random walk per instrument.
/// </summary>
public static class BarSeeder
{
    private static readonly DateTimeOffset End = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 4 || !int.TryParse(args[2], CultureInfo.InvariantCulture, out int instruments) || !int.TryParse(args[3], CultureInfo.InvariantCulture, out int minuteDays))
        {
            Console.Error.WriteLine("usage: seed-bars SQLITE_PATH PREFIX INSTRUMENTS MINUTE_DAYS");
            return 2;
        }

        await using var store = MonitorStore.OpenSqlite(args[0]);
        var watch = Stopwatch.StartNew();
        long rows = 0;
        for (int i = 0; i < instruments; i++)
        {
            var instrument = InstrumentId.Parse(args[1] + i.ToString(CultureInfo.InvariantCulture));
            var random = new Random(i);
            rows += await WriteAsync(store, instrument, BarInterval.Parse("1m"), TimeSpan.FromDays(minuteDays), random);
            rows += await WriteAsync(store, instrument, BarInterval.Parse("1h"), TimeSpan.FromDays(365), random);
            rows += await WriteAsync(store, instrument, BarInterval.Parse("1d"), TimeSpan.FromDays(365), random);
            if (i % 500 == 499)
            {
                Console.WriteLine($"{i + 1} instruments, {rows:N0} bars, {rows / watch.Elapsed.TotalSeconds:N0} bars/s");
            }
        }

        Console.WriteLine($"seeded {instruments} instruments, {rows:N0} bars in {watch.Elapsed.TotalSeconds:N0} s");
        return 0;
    }

    private static async Task<int> WriteAsync(MonitorStore store, InstrumentId instrument, BarInterval interval, TimeSpan span, Random random)
    {
        var step = interval.Length;
        int count = (int)(span / step);
        var bars = new Bar[count];
        double price = 100;
        for (int k = 0; k < count; k++)
        {
            double next = price * (1 + (random.NextDouble() - 0.5) * 0.002);
            bars[k] = new Bar(End - (count - k) * step, price, Math.Max(price, next), Math.Min(price, next), next, 1 + random.Next(100));
            price = next;
        }

        await store.Bars.UpsertAsync(instrument, interval, bars);
        return count;
    }
}
