using System.Diagnostics;
using System.Globalization;
using Monitor.Core.Market;
using Monitor.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.Benchmarks;

/// <summary>
/// <c>seed-bars STORE PREFIX INSTRUMENTS MINUTE_DAYS HOUR_DAYS YEAR_INSTRUMENTS END</c>: stored history for the restart
/// benchmark (restart-benchmark.py). STORE is a SQLite file or a PostgreSQL connection string (<c>Host=...</c>). For
/// instruments PREFIX0..PREFIX{N-1}, a random walk per instrument ending at END: a year of every interval (minute,
/// hourly, daily bars) for the first YEAR_INSTRUMENTS; for the others the last MINUTE_DAYS days of minute bars, the
/// last HOUR_DAYS days of hourly bars and a year of daily bars. In PostgreSQL also the tick table's day partitions for
/// that year.
/// <para>
/// A year of minute bars is 525,600 rows an instrument: for 10,000 instruments 5.3 billion rows, some 300 GB in SQLite
/// (57 B a bar here) and 600 GB in PostgreSQL (116 B), more than a benchmark machine holds, hence a year for only some.
/// What an activation reads does not grow with the history: a seek to the last bars before the open one in the
/// (instrument, interval, time) key, 285 of each interval with the standard indicators (a day of minute bars, 12 days
/// of hourly ones, 285 daily ones), so the others keep at least that.
/// </para>
/// <para>
/// Instruments are seeded by as many workers as there are cores (the random walks are made beside the writes). SQLite's
/// bars are written by the store's own upsert, one transaction per series. In PostgreSQL the store's upsert, a statement
/// per bar, would take hours: there each series' last bar goes through the store, which registers the instrument as the
/// server would, and the others straight into the bars table by binary COPY, a connection per worker. Progress is
/// printed every 5 s.
/// </para>
/// </summary>
public static class BarSeeder
{
    private static readonly TimeSpan Year = TimeSpan.FromDays(365);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 7
            || !int.TryParse(args[2], CultureInfo.InvariantCulture, out int instruments)
            || !int.TryParse(args[3], CultureInfo.InvariantCulture, out int minuteDays)
            || !int.TryParse(args[4], CultureInfo.InvariantCulture, out int hourDays)
            || !int.TryParse(args[5], CultureInfo.InvariantCulture, out int yearInstruments)
            || !DateTimeOffset.TryParse(args[6], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var end))
        {
            Console.Error.WriteLine("usage: seed-bars SQLITE_PATH|POSTGRES_CONNECTION_STRING PREFIX INSTRUMENTS MINUTE_DAYS HOUR_DAYS YEAR_INSTRUMENTS END");
            return 2;
        }

        string target = args[0];
        bool postgres = target.Contains('=', StringComparison.Ordinal);
        yearInstruments = Math.Min(yearInstruments, instruments);
        (BarInterval Interval, TimeSpan Span)[] History(int i) => i < yearInstruments
            ? [(BarInterval.OneDay, Year), (BarInterval.OneHour, Year), (BarInterval.OneMinute, Year)]
            : [(BarInterval.OneDay, Year), (BarInterval.OneHour, TimeSpan.FromDays(hourDays)), (BarInterval.OneMinute, TimeSpan.FromDays(minuteDays))];
        long total = (yearInstruments * History(0).Sum(h => BarCount(h.Interval, h.Span)))
            + ((instruments - yearInstruments) * History(instruments).Sum(h => BarCount(h.Interval, h.Span)));
        Console.WriteLine($"seeding {instruments:N0} instruments ({yearInstruments:N0} with a year of minute bars), {total:N0} bars, into {(postgres ? "PostgreSQL" : target)}");

        await using var store = postgres ? await MonitorStore.OpenPostgresAsync(target) : MonitorStore.OpenSqlite(target);
        if (postgres)
        {
            await PostgresBarCopy.CreateTickPartitionsAsync(target, end);
        }

        var watch = Stopwatch.StartNew();
        long rows = 0;
        using var progress = new Timer(_ => Report(Interlocked.Read(ref rows), total, watch.Elapsed), null, ProgressEvery, ProgressEvery);
        var copies = new System.Collections.Concurrent.ConcurrentBag<PostgresBarCopy>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, instruments),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, cancellationToken) =>
            {
                PostgresBarCopy? copy = null;
                if (postgres && !copies.TryTake(out copy))
                {
                    copy = await PostgresBarCopy.OpenAsync(target);
                }

                var instrument = InstrumentId.Parse(args[1] + i.ToString(CultureInfo.InvariantCulture));
                var random = new Random(i);
                foreach (var (interval, span) in History(i))
                {
                    var bars = Walk(interval, span, end, random);
                    if (copy is null)
                    {
                        await store.Bars.UpsertAsync(instrument, interval, bars, cancellationToken);
                    }
                    else
                    {
                        await store.Bars.UpsertAsync(instrument, interval, bars[^1..], cancellationToken);
                        await copy.WriteAsync(instrument, interval, bars[..^1]);
                    }

                    Interlocked.Add(ref rows, bars.Length);
                }

                if (copy is not null)
                {
                    copies.Add(copy);
                }
            });
        foreach (var copy in copies)
        {
            await copy.DisposeAsync();
        }

        Console.WriteLine($"seeded {instruments:N0} instruments, {rows:N0} bars in {watch.Elapsed.TotalSeconds:N0} s");
        return 0;
    }

    private static long BarCount(BarInterval interval, TimeSpan span) => (long)(span / interval.Length);

    private static void Report(long rows, long total, TimeSpan elapsed)
    {
        double perSecond = rows / elapsed.TotalSeconds;
        string left = perSecond > 0 ? $", about {(total - rows) / perSecond:N0} s left" : "";
        Console.WriteLine($"  {rows:N0} of {total:N0} bars ({100.0 * rows / total:N0}%), {perSecond:N0} bars/s{left}");
    }

    /// <summary>The bars of <paramref name="interval"/> over <paramref name="span"/> before <paramref name="end"/>, oldest first.</summary>
    private static Bar[] Walk(BarInterval interval, TimeSpan span, DateTimeOffset end, Random random)
    {
        var step = interval.Length;
        int count = (int)BarCount(interval, span);
        var bars = new Bar[count];
        double price = 100;
        for (int k = 0; k < count; k++)
        {
            double next = price * (1 + ((random.NextDouble() - 0.5) * 0.002));
            bars[k] = new Bar(end - ((count - k) * step), price, Math.Max(price, next), Math.Min(price, next), next, 1 + random.Next(100));
            price = next;
        }

        return bars;
    }

    /// <summary>PostgreSQL's bars table, written by binary COPY: the instrument is registered by the store first.</summary>
    private sealed class PostgresBarCopy(NpgsqlConnection connection) : IAsyncDisposable
    {
        /// <summary>The tick table's day partitions for the year before <paramref name="end"/>, as a server that has kept a
        /// year of ticks has them: a read of ticks by index is planned over every one.</summary>
        public static async Task CreateTickPartitionsAsync(string connectionString, DateTimeOffset end)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var partitions = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE monitor_create_tick_partition(day::date)) FROM generate_series($1::date - 365, $1::date, interval '1 day') AS day",
                connection);
            partitions.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = DateOnly.FromDateTime(end.UtcDateTime) });
            Console.WriteLine($"{await partitions.ExecuteScalarAsync()} tick partitions created for the year");
        }

        public static async Task<PostgresBarCopy> OpenAsync(string connectionString)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            return new PostgresBarCopy(connection);
        }

        public async Task WriteAsync(InstrumentId instrument, BarInterval interval, Bar[] bars)
        {
            await using var find = new NpgsqlCommand("SELECT id FROM instruments WHERE name = $1", connection);
            find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = instrument.Value });
            int id = (int)(await find.ExecuteScalarAsync())!;
            await using var importer = await connection.BeginBinaryImportAsync(
                "COPY bars (time, open, high, low, close, volume, instrument_id, bar_interval) FROM STDIN (FORMAT BINARY)");
            foreach (var bar in bars)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(bar.Time.UtcDateTime, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(bar.Open, NpgsqlDbType.Double);
                await importer.WriteAsync(bar.High, NpgsqlDbType.Double);
                await importer.WriteAsync(bar.Low, NpgsqlDbType.Double);
                await importer.WriteAsync(bar.Close, NpgsqlDbType.Double);
                await importer.WriteAsync(bar.Volume, NpgsqlDbType.Double);
                await importer.WriteAsync(id, NpgsqlDbType.Integer);
                await importer.WriteAsync(interval.Name, NpgsqlDbType.Text);
            }

            await importer.CompleteAsync();
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
