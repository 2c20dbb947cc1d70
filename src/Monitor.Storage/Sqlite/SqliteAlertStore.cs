using Monitor.Core.Webhooks;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Monitor.Core.Alerts;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteAlertStore(SqliteDatabase database, WebhookOutbox outbox) : AlertTransitionRecorder(outbox), IAlertStore
{
    private const string Columns = $"view, silenced, acknowledged_by, acknowledged_at, ack_comment, ack_key, {AlertHandlingColumns.Names}";

    public Task<StoredAlert?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        // One read transaction, so the view and its transitions come from the same snapshot.
        using var transaction = connection.BeginTransaction(deferred: true);
        return Task.FromResult(Find(connection, transaction, id, withTransitions: true));
    }

    public Task<IReadOnlyList<StoredAlert>> ListAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM alerts a WHERE 1 = 1");
        if (query.RuleId is not null)
        {
            sql.Append(" AND rule_id = $ruleId");
            command.Parameters.AddWithValue("$ruleId", query.RuleId);
        }

        if (query.Instrument is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM json_each(a.instruments) WHERE json_each.value = $instrument)");
            command.Parameters.AddWithValue("$instrument", query.Instrument);
        }

        if (query.Ids is { } ids)
        {
            sql.Append(" AND id IN (SELECT value FROM json_each($ids))");
            command.Parameters.AddWithValue("$ids", AlertViewJson.SerializeInstruments([.. ids]));
        }

        if (query.State is { } state)
        {
            sql.Append(" AND state = $state");
            command.Parameters.AddWithValue("$state", state.ToText());
        }

        if (query.From is { } from)
        {
            sql.Append(" AND started_at >= $from");
            command.Parameters.AddWithValue("$from", UnixMicros.From(from));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND started_at < $to");
            command.Parameters.AddWithValue("$to", UnixMicros.From(to));
        }

        int label = 0;
        foreach (var (key, value) in query.Labels)
        {
            sql.Append(CultureInfo.InvariantCulture,
                $" AND EXISTS (SELECT 1 FROM json_each(a.view, '$.labels') l WHERE l.key = $labelKey{label} AND l.value = $labelValue{label})");
            command.Parameters.AddWithValue($"$labelKey{label}", key);
            command.Parameters.AddWithValue($"$labelValue{label}", value);
            label++;
        }

        sql.Append(" ORDER BY started_at DESC, id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.CommandText = sql.ToString();
        using var reader = command.ExecuteReader();
        var alerts = new List<StoredAlert>();
        while (reader.Read())
        {
            alerts.Add(Read(reader, []));
        }

        return Task.FromResult<IReadOnlyList<StoredAlert>>(alerts);
    }

    public Task<StoredAlert?> AcknowledgeAsync(
        string id, string by, string? comment, DateTimeOffset at, string? keyName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        return WriteAsync(id, (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE alerts SET acknowledged_by = $by, acknowledged_at = $at, ack_comment = $comment, ack_key = $key
                WHERE id = $id AND (acknowledged_by IS NULL OR acknowledged_by <> $by OR ack_key IS NOT $key)
                """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$by", by);
            command.Parameters.AddWithValue("$at", UnixMicros.From(at));
            command.Parameters.AddWithValue("$comment", (object?)comment ?? DBNull.Value);
            command.Parameters.AddWithValue("$key", (object?)keyName ?? DBNull.Value);
            if (command.ExecuteNonQuery() > 0)
            {
                AddToInbox(connection, transaction, id, at);
                InsertActivity(connection, transaction, id, new AlertActivity(AlertActivityKind.Acknowledged, at, by, keyName, comment));
            }

            return true;
        }, cancellationToken);
    }

    public Task<StoredAlert?> RecordActivityAsync(string id, AlertActivity activity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(activity);
        string assignments = AlertHandlingColumns.Assignments(activity.Kind, name => "$" + name);
        return WriteAsync(id, (connection, transaction) =>
        {
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = $"UPDATE alerts SET {assignments} WHERE id = $id";
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$assignee", (object?)activity.Assignee ?? DBNull.Value);
                command.Parameters.AddWithValue("$by", activity.By);
                command.Parameters.AddWithValue("$key", (object?)activity.KeyName ?? DBNull.Value);
                command.Parameters.AddWithValue("$at", UnixMicros.From(activity.At));
                command.Parameters.AddWithValue("$until", activity.Until is { } until ? UnixMicros.From(until) : DBNull.Value);
                if (command.ExecuteNonQuery() == 0)
                {
                    return false;
                }
            }

            InsertActivity(connection, transaction, id, activity);
            if (AlertHandlingColumns.ConcernsPolicy(activity.Kind))
            {
                AddToInbox(connection, transaction, id, activity.At);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>Under the write lock, in one transaction: <paramref name="change"/> (false: the alert is unknown, nothing
    /// to commit), then the alert as stored after it.</summary>
    private async Task<StoredAlert?> WriteAsync(string id, Func<SqliteConnection, SqliteTransaction, bool> change, CancellationToken cancellationToken)
    {
        using var write = await SqliteWriteTransaction.BeginAsync(database, cancellationToken).ConfigureAwait(false);
        if (!change(write.Connection, write.Transaction))
        {
            return null;
        }

        var alert = Find(write.Connection, write.Transaction, id, withTransitions: true);
        write.Commit();
        return alert;
    }

    private static void InsertActivity(SqliteConnection connection, SqliteTransaction transaction, string id, AlertActivity activity)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO alert_activity (alert_id, at, kind, by_name, key_name, text, assignee, until)
            VALUES ($id, $at, $kind, $by, $key, $text, $assignee, $until)
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$at", UnixMicros.From(activity.At));
        command.Parameters.AddWithValue("$kind", activity.Kind.ToText());
        command.Parameters.AddWithValue("$by", activity.By);
        command.Parameters.AddWithValue("$key", (object?)activity.KeyName ?? DBNull.Value);
        command.Parameters.AddWithValue("$text", (object?)activity.Text ?? DBNull.Value);
        command.Parameters.AddWithValue("$assignee", (object?)activity.Assignee ?? DBNull.Value);
        command.Parameters.AddWithValue("$until", activity.Until is { } until ? UnixMicros.From(until) : DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>Tells the notification policy (if one is in force) that the alert changed.</summary>
    private static void AddToInbox(SqliteConnection connection, SqliteTransaction transaction, string id, DateTimeOffset at)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteNotificationSchema.AddToInbox;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$at", UnixMicros.From(at));
        command.ExecuteNonQuery();
    }

    private static StoredAlert? Find(SqliteConnection connection, SqliteTransaction transaction, string id, bool withTransitions)
    {
        var transitions = new List<StoredAlertTransition>();
        if (withTransitions)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                SELECT from_state, to_state, at, silenced FROM alert_transitions WHERE alert_id = $id
                ORDER BY at, {SqliteAlertSchema.Rank("to_state")}
                """;
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                transitions.Add(new StoredAlertTransition(
                    reader.IsDBNull(0) ? null : ParseState(reader.GetString(0)),
                    ParseState(reader.GetString(1)),
                    UnixMicros.ToTime(reader.GetInt64(2)),
                    reader.GetBoolean(3)));
            }
        }

        var activity = new List<AlertActivity>();
        if (withTransitions)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT kind, at, by_name, key_name, text, assignee, until FROM alert_activity WHERE alert_id = $id ORDER BY seq";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                activity.Add(new AlertActivity(
                    AlertHandlingColumns.ParseKind(reader.GetString(0)), UnixMicros.ToTime(reader.GetInt64(1)), reader.GetString(2),
                    Text(reader, 3), Text(reader, 4), Text(reader, 5), Time(reader, 6)));
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {Columns} FROM alerts WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader, transitions) with { Activity = activity } : null;
        }
    }

    private static StoredAlert Read(SqliteDataReader reader, IReadOnlyList<StoredAlertTransition> transitions)
    {
        var acknowledgement = reader.IsDBNull(2)
            ? null
            : new AlertAcknowledgement(reader.GetString(2), Text(reader, 4), UnixMicros.ToTime(reader.GetInt64(3)), Text(reader, 5));
        return AlertHandlingColumns.Read(
            new StoredAlert(AlertViewJson.Parse(reader.GetString(0)), acknowledgement, reader.GetBoolean(1), transitions), reader, 6, Time);
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? Time(System.Data.Common.DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : UnixMicros.ToTime(reader.GetInt64(ordinal));

    internal static AlertState ParseState(string text) =>
        RuleText.TryParse(text, out AlertState state) ? state : throw new InvalidDataException($"stored alert state '{text}' is unknown");

    /// <summary>The SQLite side of <see cref="AlertTransitionRecorder"/>: the writer connection, under the write lock until disposed.</summary>
    protected override async Task<IAlertTransitionWriter> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new Writer(database);
        }
        catch
        {
            database.WriteLock.Release();
            throw;
        }
    }

    protected override Task AddInstrumentsAsync(IReadOnlyList<InventoryValue> values, CancellationToken cancellationToken) =>
        SqliteInventoryStore.AddInstrumentsAsync(database, values, cancellationToken);

    private sealed class Writer : IAlertTransitionWriter
    {
        private readonly SqliteDatabase _database;
        private readonly SqliteTransaction _transaction;
        private readonly SqliteCommand _insertTransition;
        private readonly SqliteCommand _upsertAlert;

        public Writer(SqliteDatabase database)
        {
            _database = database;
            _transaction = database.Writer.BeginTransaction();
            _insertTransition = Command("""
                INSERT INTO alert_transitions (alert_id, at, to_state, from_state, silenced)
                VALUES ($id, $at, $to, $from, $silenced)
                ON CONFLICT DO NOTHING
                """);
            _upsertAlert = Command($"""
                INSERT INTO alerts (id, rule_id, state, started_at, instruments, last_at, silenced, view)
                VALUES ($id, $ruleId, $state, $startedAt, $instruments, $at, $silenced, $view)
                ON CONFLICT (id) DO UPDATE SET
                    rule_id = excluded.rule_id, state = excluded.state, started_at = excluded.started_at,
                    instruments = excluded.instruments, last_at = excluded.last_at, silenced = excluded.silenced, view = excluded.view
                WHERE excluded.last_at > alerts.last_at
                   OR (excluded.last_at = alerts.last_at AND {SqliteAlertSchema.Rank("excluded.state")} >= {SqliteAlertSchema.Rank("alerts.state")})
                """);
        }

        public Task<IReadOnlyList<Silence>> ReadSilencesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Silence>>(SqliteSilenceStore.ReadOverlapping(_database.Writer, _transaction, from, to));

        public Task<IReadOnlyList<Webhook>> ReadEnabledWebhooksAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Webhook>>(SqliteWebhookStore.ReadEnabled(_database.Writer, _transaction));

        public Task<bool> InsertTransitionAsync(AlertTransition transition, bool silenced, CancellationToken cancellationToken)
        {
            var p = _insertTransition.Parameters;
            p.Clear();
            p.AddWithValue("$id", transition.Alert.Id);
            p.AddWithValue("$at", UnixMicros.From(transition.At));
            p.AddWithValue("$to", transition.To.ToText());
            p.AddWithValue("$from", transition.From is { } previous ? previous.ToText() : DBNull.Value);
            p.AddWithValue("$silenced", silenced);
            return Task.FromResult(_insertTransition.ExecuteNonQuery() > 0);
        }

        public Task UpsertAlertAsync(AlertTransition transition, bool silenced, CancellationToken cancellationToken)
        {
            var alert = transition.Alert;
            var p = _upsertAlert.Parameters;
            p.Clear();
            p.AddWithValue("$id", alert.Id);
            p.AddWithValue("$ruleId", alert.RuleId);
            p.AddWithValue("$state", alert.State.ToText());
            p.AddWithValue("$startedAt", UnixMicros.From(alert.StartedAt));
            p.AddWithValue("$instruments", AlertViewJson.SerializeInstruments(alert.Instruments));
            p.AddWithValue("$at", UnixMicros.From(transition.At));
            p.AddWithValue("$silenced", silenced);
            p.AddWithValue("$view", AlertViewJson.Serialize(alert));
            _upsertAlert.ExecuteNonQuery();
            return Task.CompletedTask;
        }

        public Task<StoredAlert> ReadAlertAsync(string id, CancellationToken cancellationToken) =>
            Task.FromResult(Find(_database.Writer, _transaction, id, withTransitions: false)
                ?? throw new InvalidOperationException($"alert '{id}' is not stored although it was just written"));

        public Task AppendInventoryAsync(IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken)
        {
            SqliteInventoryStore.Insert(_database, _transaction, values, receivedAt);
            return Task.CompletedTask;
        }

        public Task<int> AddDeliveriesAsync(IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(SqliteWebhookStore.AddDeliveries(_database.Writer, _transaction, deliveries, now));

        public Task<bool> ReadPolicyInForceAsync(CancellationToken cancellationToken)
        {
            using var command = Command("SELECT EXISTS (SELECT 1 FROM notification_policy)");
            return Task.FromResult((long)command.ExecuteScalar()! != 0);
        }

        public Task AddToNotificationInboxAsync(AlertTransition transition, CancellationToken cancellationToken)
        {
            AddToInbox(_database.Writer, _transaction, transition.Alert.Id, transition.At);
            return Task.CompletedTask;
        }

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            _transaction.Commit();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            try
            {
                _insertTransition.Dispose();
                _upsertAlert.Dispose();
                _transaction.Dispose();
            }
            finally
            {
                _database.WriteLock.Release();
            }

            return default;
        }

        private SqliteCommand Command(string sql)
        {
            var command = _database.Writer.CreateCommand();
            command.Transaction = _transaction;
            command.CommandText = sql;
            return command;
        }
    }
}
