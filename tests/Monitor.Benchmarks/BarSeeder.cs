using System.Diagnostics;
using System.Globalization;
using Monitor.Core.Market;
using Monitor.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.Benchmarks;

/// <summary>
/// <c>seed-bars STORE PREFIX INSTRUMENTS MINUTE_DAYS YEAR_INSTRUMENTS END</c>: stored history for the restart benchmark
/// (restart-benchmark.py). STORE is a SQLite file or a PostgreSQL connection string (<c>Host=...</c>). For instruments
/// PREFIX0..PREFIX{N-1}, a random walk per instrument: hourly and daily bars for the year before END, and minute bars
/// for the year before END for the first YEAR_INSTRUMENTS, for the last MINUTE_DAYS days for the others; in PostgreSQL
/// also the tick table's day partitions for that year.
/// <para>
/// A year of minute bars is 525,600 rows an instrument: for 10,000 instruments 5.3 billion rows, some 300 GB in SQLite
/// (57 B a bar here) and 600 GB in PostgreSQL (116 B), more than a benchmark machine holds, hence a year for only some. What an activation reads
/// does not grow with the history: a seek to the bars before the open one in the (instrument, interval, time) key.
/// SQLite's bars are written by the store's own upsert, one transaction per series. In PostgreSQL the store's upsert,
/// a statement per bar, would take hours: there each series' last bar goes through the store, which registers the
/// instrument as the server would, and the others straight into the bars table by binary COPY.
/// </para>
/// </summary>
public static class BarSeeder
{
    private static readonly TimeSpan Year = TimeSpan.FromDays(365);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 6
            || !int.TryParse(args[2], CultureInfo.InvariantCulture, out int instruments)
            || !int.TryParse(args[3], CultureInfo.InvariantCulture, out int minuteDays)
            || !int.TryParse(args[4], CultureInfo.InvariantCulture, out int yearInstruments)
            || !DateTimeOffset.TryParse(args[5], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var end))
        {
            Console.Error.WriteLine("usage: seed-bars SQLITE_PATH|POSTGRES_CONNECTION_STRING PREFIX INSTRUMENTS MINUTE_DAYS YEAR_INSTRUMENTS END");
            return 2;
        }

        string target = args[0];
        bool postgres = target.Contains('=', StringComparison.Ordinal);
        await using var store = postgres ? await MonitorStore.OpenPostgresAsync(target) : MonitorStore.OpenSqlite(target);
        await using var copy = postgres ? await PostgresBarCopy.OpenAsync(target, end) : null;
        var watch = Stopwatch.StartNew();
        long rows = 0;
        for (int i = 0; i < instruments; i++)
        {
            var instrument = InstrumentId.Parse(args[1] + i.ToString(CultureInfo.InvariantCulture));
            var random = new Random(i);
            var minuteSpan = i < yearInstruments ? Year : TimeSpan.FromDays(minuteDays);
            foreach (var (interval, span) in new[] { (BarInterval.OneDay, Year), (BarInterval.OneHour, Year), (BarInterval.OneMinute, minuteSpan) })
            {
                var bars = Walk(interval, span, end, random);
                rows += bars.Length;
                if (copy is null)
                {
                    await store.Bars.UpsertAsync(instrument, interval, bars);
                }
                else
                {
                    await store.Bars.UpsertAsync(instrument, interval, bars[^1..]);
                    await copy.WriteAsync(instrument, interval, bars[..^1]);
                }
            }

            if (i % 500 == 499)
            {
                Console.WriteLine($"{i + 1} instruments, {rows:N0} bars, {rows / watch.Elapsed.TotalSeconds:N0} bars/s");
            }
        }

        Console.WriteLine($"seeded {instruments} instruments ({Math.Min(yearInstruments, instruments)} with a year of minute bars), {rows:N0} bars in {watch.Elapsed.TotalSeconds:N0} s");
        return 0;
    }

    /// <summary>The bars of <paramref name="interval"/> over <paramref name="span"/> before <paramref name="end"/>, oldest first.</summary>
    private static Bar[] Walk(BarInterval interval, TimeSpan span, DateTimeOffset end, Random random)
    {
        var step = interval.Length;
        int count = (int)(span / step);
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
        /// <summary>Opens the database, with the tick table's day partitions for the year before <paramref name="end"/>, as a
        /// server that has kept a year of ticks has them: a read of ticks by index is planned over every one.</summary>
        public static async Task<PostgresBarCopy> OpenAsync(string connectionString, DateTimeOffset end)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var partitions = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE monitor_create_tick_partition(day::date)) FROM generate_series($1::date - 365, $1::date, interval '1 day') AS day",
                connection);
            partitions.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = DateOnly.FromDateTime(end.UtcDateTime) });
            Console.WriteLine($"{await partitions.ExecuteScalarAsync()} tick partitions created for the year");
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
