using System.Data;
using System.Runtime.CompilerServices;
using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage.GroupCommit;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.Storage.Postgres;

/// <summary>Ticks in PostgreSQL. Appends are group-committed by <see cref="TickAppendBatcher"/> through binary COPY.</summary>
internal sealed class PostgresTickStore : ITickStore, IAsyncDisposable
{
    private const string Columns = "idx, time, price, volume, seq, late";

    private readonly PostgresDatabase _database;
    private readonly Sink _sink;
    private readonly TickAppendBatcher _batcher;

    public PostgresTickStore(PostgresDatabase database)
    {
        _database = database;
        _sink = new Sink(database);
        _batcher = new TickAppendBatcher(_sink);
    }

    public ValueTask AppendAsync(InstrumentId instrument, ReadOnlyMemory<StoredTick> ticks, CancellationToken cancellationToken = default) =>
        _batcher.AppendAsync(instrument, ticks, cancellationToken);

    public async Task<TickMark> GetMarkAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await _database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return default;
        }

        await using var command = new NpgsqlCommand("SELECT last_idx, last_seq FROM tick_marks WHERE instrument_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new TickMark(reader.GetInt64(0), reader.GetInt64(1))
            : default;
    }

    public IAsyncEnumerable<StoredTick> ReadAfterAsync(InstrumentId instrument, long afterIndex, CancellationToken cancellationToken = default) =>
        ReadAsync(
            instrument,
            $"SELECT {Columns} FROM ticks WHERE instrument_id = $1 AND idx > $2 ORDER BY idx",
            command => command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterIndex }),
            cancellationToken);

    public IAsyncEnumerable<StoredTick> ReadAfterAsync(InstrumentId instrument, long afterIndex, DateTimeOffset notBefore, CancellationToken cancellationToken = default) =>
        ReadAsync(
            instrument,
            $"SELECT {Columns} FROM ticks WHERE instrument_id = $1 AND idx > $2 AND time >= $3 ORDER BY idx",
            command =>
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterIndex });
                command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(notBefore), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            },
            cancellationToken);

    public IAsyncEnumerable<StoredTick> ReadRangeAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ReadAsync(
            instrument,
            $"SELECT {Columns} FROM ticks WHERE instrument_id = $1 AND time >= $2 AND time < $3 ORDER BY idx",
            command => BindTimes(command, from, to),
            cancellationToken);

    public async Task<DataExtent?> FindExtentAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await _database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return null;
        }

        await using var command = new NpgsqlCommand("SELECT min(time), max(time) FROM ticks WHERE instrument_id = $1 AND time >= $2 AND time < $3", connection);
        BindRange(command, id, from, to);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0)
            ? new DataExtent(new DateTimeOffset(reader.GetFieldValue<DateTime>(0)), new DateTimeOffset(reader.GetFieldValue<DateTime>(1)))
            : null;
    }

    /// <summary>One query per read, its rows streamed from the server into the blocks as the caller consumes them.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<StoredTick>> ReadBlocksAsync(
        InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await _database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            yield break;
        }

        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM ticks WHERE instrument_id = $1 AND time >= $2 AND time < $3 ORDER BY idx", connection);
        BindRange(command, id, from, to);
        NpgsqlDataReader? reader = null;
        bool done = false;
        int Fill(StoredTick[] buffer)
        {
            reader ??= command.ExecuteReader(CommandBehavior.SequentialAccess);
            int count = 0;
            while (count < buffer.Length && !(done = !reader.Read()))
            {
                buffer[count++] = ReadTick(reader);
            }

            return count;
        }

        try
        {
            await foreach (var block in ReadAhead.BlocksAsync<StoredTick>(Fill, cancellationToken).ConfigureAwait(false))
            {
                yield return block;
            }
        }
        finally
        {
            if (reader is not null)
            {
                if (!done)
                {
                    // Stopped early: closing the reader would otherwise read every remaining row.
                    command.Cancel();
                }

                await reader.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async Task<TickDeletion> DeleteRangeAsync(TickDeletion deletion, IReadOnlyList<BarInterval> intervals, CancellationToken cancellationToken = default)
    {
        var bars = TickMarks.BarsDeleted(deletion, intervals);
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var id = await _database.FindInstrumentIdAsync(connection, deletion.Instrument, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long count = 0;
        if (id is { } instrumentId)
        {
            await using (var ticks = new NpgsqlCommand("DELETE FROM ticks WHERE instrument_id = $1 AND time >= $2 AND time < $3", connection, transaction))
            {
                BindRange(ticks, instrumentId, deletion.From, deletion.To);
                count = await ticks.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var (interval, from, to) in bars)
            {
                await using var command = new NpgsqlCommand("DELETE FROM bars WHERE instrument_id = $1 AND time >= $2 AND time < $3 AND bar_interval = $4", connection, transaction);
                BindRange(command, instrumentId, from, to);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = interval.Name });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var mark = new NpgsqlCommand(
                "UPDATE tick_marks SET last_seq = coalesce((SELECT max(seq) FROM ticks WHERE instrument_id = $1), 0) WHERE instrument_id = $1", connection, transaction);
            mark.Parameters.Add(new NpgsqlParameter<int> { TypedValue = instrumentId });
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var record = new NpgsqlCommand(
            "INSERT INTO tick_deletions (instrument, from_time, to_time, deleted_by, deleted_at, tick_count) VALUES ($1, $2, $3, $4, $5, $6)", connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deletion.Instrument.Value });
            BindTimes(record, deletion.From, deletion.To);
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deletion.By });
            record.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(deletion.At), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = count });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deletion with { Count = count };
    }

    public async Task<IReadOnlyList<TickDeletion>> ReadDeletionsAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        await using var command = _database.DataSource.CreateCommand(
            "SELECT from_time, to_time, deleted_by, deleted_at, tick_count FROM tick_deletions WHERE instrument = $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = instrument.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var deletions = new List<TickDeletion>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deletions.Add(new TickDeletion(
                instrument, Time(reader, 0), Time(reader, 1), reader.GetString(2), Time(reader, 3), reader.GetInt64(4)));
        }

        return deletions;
    }

    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync().ConfigureAwait(false);
        await _sink.DisposeAsync().ConfigureAwait(false);
    }

    private static DateTimeOffset Time(NpgsqlDataReader reader, int ordinal) => new(reader.GetFieldValue<DateTime>(ordinal));

    private static StoredTick ReadTick(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1)), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetBoolean(5));

    private static void BindRange(NpgsqlCommand command, int id, DateTimeOffset from, DateTimeOffset to)
    {
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        BindTimes(command, from, to);
    }

    private static void BindTimes(NpgsqlCommand command, DateTimeOffset from, DateTimeOffset to)
    {
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(from), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = UnixMicros.ToUtcDateTime(to), NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    private async IAsyncEnumerable<StoredTick> ReadAsync(
        InstrumentId instrument, string sql, Action<NpgsqlCommand> bind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await _database.FindInstrumentIdAsync(connection, instrument, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            yield break;
        }

        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadTick(reader);
        }
    }

    /// <summary>
    /// Writes a batch on a connection of its own. In one transaction it locks the marks of the batch's instruments,
    /// COPYs (binary) the ticks whose index is above their instrument's mark, and moves the marks (<see cref="TickMarks"/>):
    /// a retried tick is at or below its mark and is skipped. The marks decide because ticks are partitioned
    /// by time, and no index can keep (instrument, idx) unique across partitions. Only an instrument without a mark,
    /// written from two silos at once in a failover, can still meet a stored row: the primary key then aborts the COPY
    /// and the batch is written again through a session-local staging table and INSERT ... ON CONFLICT DO NOTHING.
    /// </summary>
    private sealed class Sink(PostgresDatabase database) : ITickBatchSink, IAsyncDisposable
    {
        private const string CopyColumns = "(idx, time, price, volume, seq, instrument_id, late)";

        private const string LockMarks =
            "SELECT instrument_id, last_idx, last_seq FROM tick_marks WHERE instrument_id = ANY($1) ORDER BY instrument_id FOR UPDATE";

        private const string UpsertMarks = """
            INSERT INTO tick_marks (instrument_id, last_idx, last_seq)
            SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bigint[]) ORDER BY 1
            ON CONFLICT (instrument_id) DO UPDATE SET
                last_idx = greatest(tick_marks.last_idx, excluded.last_idx),
                last_seq = greatest(tick_marks.last_seq, excluded.last_seq)
            """;

        // A temporary table is not WAL-logged and is emptied at each commit; the durable write is the INSERT.
        private const string CreateStaging = """
            CREATE TEMPORARY TABLE IF NOT EXISTS tick_staging (
                idx bigint NOT NULL,
                time timestamptz NOT NULL,
                price double precision NOT NULL,
                volume double precision NOT NULL,
                seq bigint NOT NULL,
                instrument_id integer NOT NULL,
                late boolean NOT NULL
            ) ON COMMIT DELETE ROWS
            """;

        private const string MergeStaging = """
            WITH stored AS (
                INSERT INTO ticks (idx, time, price, volume, seq, instrument_id, late)
                SELECT idx, time, price, volume, seq, instrument_id, late FROM tick_staging
                ON CONFLICT (instrument_id, idx, time) DO NOTHING
                RETURNING instrument_id, idx, seq)
            INSERT INTO tick_marks (instrument_id, last_idx, last_seq)
            SELECT instrument_id, max(idx), max(seq) FROM stored GROUP BY instrument_id ORDER BY instrument_id
            ON CONFLICT (instrument_id) DO UPDATE SET
                last_idx = greatest(tick_marks.last_idx, excluded.last_idx),
                last_seq = greatest(tick_marks.last_seq, excluded.last_seq)
            """;

        // The batch being written: each instrument's mark as stored, moved by every tick written; and which moved.
        private readonly Dictionary<int, TickMark> _marks = [];
        private readonly HashSet<int> _moved = [];
        private NpgsqlConnection? _connection;
        private int[] _ids = new int[64];

        public async ValueTask WriteAsync(IReadOnlyList<TickAppend> batch)
        {
            try
            {
                await WriteOnceAsync(batch).ConfigureAwait(false);
            }
            catch (NpgsqlException exception) when (exception is not PostgresException || exception.IsTransient)
            {
                // The connection was lost (killed while idle, server restart, failover): once more on a new one.
                // Appends are idempotent, so this is safe even if the lost commit did reach the server.
                await WriteOnceAsync(batch).ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_connection is { } connection)
            {
                _connection = null;
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        private static DateOnly[] DaysOf(IReadOnlyList<TickAppend> batch)
        {
            var days = new HashSet<DateOnly>();
            foreach (var append in batch)
            {
                foreach (ref readonly var tick in append.Ticks.Span)
                {
                    days.Add(DateOnly.FromDateTime(tick.Time.UtcDateTime));
                }
            }

            return [.. days];
        }

        private async Task WriteOnceAsync(IReadOnlyList<TickAppend> batch)
        {
            try
            {
                var connection = _connection ??= await database.DataSource.OpenConnectionAsync().ConfigureAwait(false);
                if (_ids.Length < batch.Count)
                {
                    _ids = new int[Math.Max(batch.Count, _ids.Length * 2)];
                }

                for (int i = 0; i < batch.Count; i++)
                {
                    _ids[i] = await database.GetOrAddInstrumentIdAsync(connection, batch[i].Instrument, CancellationToken.None).ConfigureAwait(false);
                }

                try
                {
                    await StoreAsync(connection, batch).ConfigureAwait(false);
                }
                catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.CheckViolation)
                {
                    // No partition for a tick's day: days ahead of the clock are made in advance, so this is an
                    // import of older ticks (or of days retention already dropped). Make them and write again.
                    await PostgresTickRetention.CreatePartitionsAsync(connection, DaysOf(batch), CancellationToken.None).ConfigureAwait(false);
                    await StoreAsync(connection, batch).ConfigureAwait(false);
                }
            }
            catch
            {
                // Start the next attempt on a fresh connection: this one may be broken or mid-COPY.
                await DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        private async Task StoreAsync(NpgsqlConnection connection, IReadOnlyList<TickAppend> batch)
        {
            if (!await TryCopyAsync(connection, batch).ConfigureAwait(false))
            {
                await MergeThroughStagingAsync(connection, batch).ConfigureAwait(false);
            }
        }

        /// <summary>COPY into ticks and move the marks; false (and nothing written) if a row was already stored.</summary>
        private async Task<bool> TryCopyAsync(NpgsqlConnection connection, IReadOnlyList<TickAppend> batch)
        {
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await LockMarksAsync(connection, transaction, batch.Count).ConfigureAwait(false);
            try
            {
                await CopyAsync(connection, "ticks", batch).ConfigureAwait(false);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await transaction.RollbackAsync().ConfigureAwait(false);
                return false;
            }

            if (_moved.Count > 0)
            {
                await using var command = new NpgsqlCommand(UpsertMarks, connection, transaction);
                command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. _moved] });
                command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. _moved.Select(id => _marks[id].LastIndex)] });
                command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. _moved.Select(id => _marks[id].LastSeq)] });
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            await transaction.CommitAsync().ConfigureAwait(false);
            return true;
        }

        private async Task MergeThroughStagingAsync(NpgsqlConnection connection, IReadOnlyList<TickAppend> batch)
        {
            await using (var create = new NpgsqlCommand(CreateStaging, connection))
            {
                await create.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await LockMarksAsync(connection, transaction, batch.Count).ConfigureAwait(false);
            await CopyAsync(connection, "tick_staging", batch).ConfigureAwait(false);
            await using (var merge = new NpgsqlCommand(MergeStaging, connection, transaction))
            {
                await merge.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            await transaction.CommitAsync().ConfigureAwait(false);
        }

        /// <summary>Reads the stored marks of the batch's instruments, locked until the transaction ends.</summary>
        private async Task LockMarksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int count)
        {
            _marks.Clear();
            _moved.Clear();
            await using var command = new NpgsqlCommand(LockMarks, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = _ids[..count] });
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                _marks[reader.GetInt32(0)] = new TickMark(reader.GetInt64(1), reader.GetInt64(2));
            }
        }

        private async Task CopyAsync(NpgsqlConnection connection, string table, IReadOnlyList<TickAppend> batch)
        {
            await using var importer = await connection.BeginBinaryImportAsync($"COPY {table} {CopyColumns} FROM STDIN (FORMAT BINARY)").ConfigureAwait(false);
            for (int i = 0; i < batch.Count; i++)
            {
                WriteRows(importer, _ids[i], batch[i].Ticks.Span);
            }

            await importer.CompleteAsync().ConfigureAwait(false);
        }

        // Synchronous on purpose: rows go into Npgsql's buffer and only a full buffer touches the socket.
        private void WriteRows(NpgsqlBinaryImporter importer, int instrumentId, ReadOnlySpan<StoredTick> ticks)
        {
            var fresh = TickMarks.Above(ticks, _marks.GetValueOrDefault(instrumentId), out var mark);
            foreach (ref readonly var tick in fresh)
            {
                importer.StartRow();
                importer.Write(tick.Index, NpgsqlDbType.Bigint);
                importer.Write(UnixMicros.ToUtcDateTime(tick.Time), NpgsqlDbType.TimestampTz);
                importer.Write(tick.Price, NpgsqlDbType.Double);
                importer.Write(tick.Volume, NpgsqlDbType.Double);
                importer.Write(tick.Seq, NpgsqlDbType.Bigint);
                importer.Write(instrumentId, NpgsqlDbType.Integer);
                importer.Write(tick.Late, NpgsqlDbType.Boolean);
            }

            if (!fresh.IsEmpty)
            {
                _marks[instrumentId] = mark;
                _moved.Add(instrumentId);
            }
        }
    }
}
