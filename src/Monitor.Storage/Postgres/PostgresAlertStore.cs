using Monitor.Core.Webhooks;
using System.Text;
using System.Text.Json;
using Monitor.Core.Alerts;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Npgsql;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

internal sealed class PostgresAlertStore(PostgresDatabase database, WebhookOutbox outbox) : AlertTransitionRecorder(outbox), IAlertStore
{
    private const string Columns = $"view, silenced, acknowledged_by, acknowledged_at, ack_comment, ack_key, {AlertHandlingColumns.Names}";

    private static readonly string UpsertAlert = $"""
        INSERT INTO alerts AS a (id, rule_id, state, started_at, instruments, last_at, silenced, view)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (id) DO UPDATE SET
            rule_id = excluded.rule_id, state = excluded.state, started_at = excluded.started_at,
            instruments = excluded.instruments, last_at = excluded.last_at, silenced = excluded.silenced, view = excluded.view
        WHERE excluded.last_at > a.last_at
           OR (excluded.last_at = a.last_at AND {Rank("excluded.state")} >= {Rank("a.state")})
        """;

    private static readonly string SelectTransitions = $"""
        SELECT from_state, to_state, at, silenced FROM alert_transitions WHERE alert_id = $1
        ORDER BY at, {Rank("to_state")}
        """;

    public async Task<StoredAlert?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Repeatable read: the view and its transitions come from one snapshot.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var alert = await FindAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return alert;
    }

    public async Task<IReadOnlyList<StoredAlert>> ListAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder($"SELECT {Columns} FROM alerts WHERE true");
        if (query.RuleId is not null)
        {
            command.Parameters.Add(Text(query.RuleId));
            sql.Append(" AND rule_id = $").Append(command.Parameters.Count);
        }

        if (query.Instrument is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [query.Instrument] });
            sql.Append(" AND instruments @> $").Append(command.Parameters.Count);
        }

        if (query.Ids is { } ids)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. ids] });
            sql.Append(" AND id = ANY($").Append(command.Parameters.Count).Append(')');
        }

        if (query.State is { } state)
        {
            command.Parameters.Add(Text(state.ToText()));
            sql.Append(" AND state = $").Append(command.Parameters.Count);
        }

        if (query.From is { } from)
        {
            command.Parameters.Add(Time(from));
            sql.Append(" AND started_at >= $").Append(command.Parameters.Count);
        }

        if (query.To is { } to)
        {
            command.Parameters.Add(Time(to));
            sql.Append(" AND started_at < $").Append(command.Parameters.Count);
        }

        if (query.Labels.Count > 0)
        {
            command.Parameters.Add(Text(JsonSerializer.Serialize(query.Labels)));
            sql.Append(" AND (view::jsonb -> 'labels') @> $").Append(command.Parameters.Count).Append("::jsonb");
        }

        command.Parameters.Add(Int(query.Limit));
        sql.Append(" ORDER BY started_at DESC, id DESC LIMIT $").Append(command.Parameters.Count);
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var alerts = new List<StoredAlert>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            alerts.Add(Read(reader, []));
        }

        return alerts;
    }

    public async Task<StoredAlert?> AcknowledgeAsync(
        string id, string by, string? comment, DateTimeOffset at, string? keyName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            """
            UPDATE alerts SET acknowledged_by = $2, acknowledged_at = $3, ack_comment = $4, ack_key = $5
            WHERE id = $1 AND (acknowledged_by IS DISTINCT FROM $2 OR ack_key IS DISTINCT FROM $5)
            """,
            connection,
            transaction)
        {
            Parameters = { Text(id), Text(by), Time(at), Text(comment), Text(keyName) },
        })
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
            {
                await AddToInboxAsync(connection, transaction, id, at, cancellationToken).ConfigureAwait(false);
                await InsertActivityAsync(connection, transaction, id, new AlertActivity(AlertActivityKind.Acknowledged, at, by, keyName, comment), cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        var alert = await FindAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return alert;
    }

    public async Task<StoredAlert?> RecordActivityAsync(string id, AlertActivity activity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(activity);
        // Every kind's statement takes the same parameters, all typed, so those a kind does not use need no inference.
        string assignments = AlertHandlingColumns.Assignments(activity.Kind, name => name switch
        {
            "assignee" => "$2",
            "by" => "$3",
            "key" => "$4",
            "at" => "$5",
            _ => "$6",
        });
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"UPDATE alerts SET {assignments} WHERE id = $1", connection, transaction)
        {
            Parameters = { Text(id), Text(activity.Assignee), Text(activity.By), Text(activity.KeyName), Time(activity.At), NullableTime(activity.Until) },
        })
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }
        }

        await InsertActivityAsync(connection, transaction, id, activity, cancellationToken).ConfigureAwait(false);
        if (AlertHandlingColumns.ConcernsPolicy(activity.Kind))
        {
            await AddToInboxAsync(connection, transaction, id, activity.At, cancellationToken).ConfigureAwait(false);
        }

        var alert = await FindAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return alert;
    }

    private static async Task InsertActivityAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, AlertActivity activity, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO alert_activity (alert_id, at, kind, by_name, key_name, text, assignee, until)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            connection,
            transaction)
        {
            Parameters =
            {
                Text(id), Time(activity.At), Text(activity.Kind.ToText()), Text(activity.By), Text(activity.KeyName), Text(activity.Text),
                Text(activity.Assignee), NullableTime(activity.Until),
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells the notification policy (if one is in force) that the alert changed.</summary>
    private static async Task AddToInboxAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PostgresNotificationPolicyStore.AddToInbox, connection, transaction) { Parameters = { Text(id), Time(at) } };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Order of states within one time: a view from a later-ranked transition replaces one from an earlier.</summary>
    private static string Rank(string column) => $"CASE {column} WHEN 'pending' THEN 0 WHEN 'firing' THEN 1 ELSE 2 END";

    private static async Task<StoredAlert?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        var transitions = new List<StoredAlertTransition>();
        await using (var command = new NpgsqlCommand(SelectTransitions, connection, transaction) { Parameters = { Text(id) } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                transitions.Add(new StoredAlertTransition(
                    ReadText(reader, 0) is { } previous ? ParseState(previous) : null,
                    ParseState(reader.GetString(1)),
                    ReadTime(reader, 2),
                    reader.GetBoolean(3)));
            }
        }

        var activity = new List<AlertActivity>();
        await using (var command = new NpgsqlCommand(
            "SELECT kind, at, by_name, key_name, text, assignee, until FROM alert_activity WHERE alert_id = $1 ORDER BY seq", connection, transaction)
        {
            Parameters = { Text(id) },
        })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                activity.Add(new AlertActivity(
                    AlertHandlingColumns.ParseKind(reader.GetString(0)), ReadTime(reader, 1), reader.GetString(2),
                    ReadText(reader, 3), ReadText(reader, 4), ReadText(reader, 5), ReadNullableTime(reader, 6)));
            }
        }

        await using (var command = new NpgsqlCommand($"SELECT {Columns} FROM alerts WHERE id = $1", connection, transaction) { Parameters = { Text(id) } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader, transitions) with { Activity = activity } : null;
        }
    }

    private static StoredAlert Read(NpgsqlDataReader reader, IReadOnlyList<StoredAlertTransition> transitions)
    {
        var acknowledgement = reader.IsDBNull(2) ? null : new AlertAcknowledgement(reader.GetString(2), ReadText(reader, 4), ReadTime(reader, 3), ReadText(reader, 5));
        return AlertHandlingColumns.Read(
            new StoredAlert(AlertViewJson.Parse(reader.GetString(0)), acknowledgement, reader.GetBoolean(1), transitions), reader, 6,
            (r, ordinal) => ReadNullableTime((NpgsqlDataReader)r, ordinal));
    }

    private static AlertState ParseState(string text) =>
        RuleText.TryParse(text, out AlertState state) ? state : throw new InvalidDataException($"stored alert state '{text}' is unknown");

    /// <summary>The PostgreSQL side of <see cref="AlertTransitionRecorder"/>: a connection and its transaction.</summary>
    protected override async Task<IAlertTransitionWriter> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new Writer(database, connection, await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async Task AddInstrumentsAsync(IReadOnlyList<InventoryValue> values, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresInventoryStore.AddInstrumentsAsync(database, connection, values, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Writer(PostgresDatabase database, NpgsqlConnection connection, NpgsqlTransaction transaction) : IAlertTransitionWriter
    {
        public async Task<IReadOnlyList<Silence>> ReadSilencesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            await PostgresSilenceStore.ReadOverlappingAsync(connection, transaction, from, to, cancellationToken).ConfigureAwait(false);

        public async Task<IReadOnlyList<Webhook>> ReadEnabledWebhooksAsync(CancellationToken cancellationToken) =>
            await PostgresWebhookStore.ReadEnabledAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        public async Task<bool> InsertTransitionAsync(AlertTransition transition, bool silenced, CancellationToken cancellationToken)
        {
            // The key makes this insert wait for another silo's uncommitted insert of the same transition.
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO alert_transitions (alert_id, at, to_state, from_state, silenced) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """,
                connection,
                transaction)
            {
                Parameters = { Text(transition.Alert.Id), Time(transition.At), Text(transition.To.ToText()), Text(transition.From?.ToText()), Bool(silenced) },
            };
            return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }

        public async Task UpsertAlertAsync(AlertTransition transition, bool silenced, CancellationToken cancellationToken)
        {
            var alert = transition.Alert;
            await using var upsert = new NpgsqlCommand(UpsertAlert, connection, transaction)
            {
                Parameters =
                {
                    Text(alert.Id),
                    Text(alert.RuleId),
                    Text(alert.State.ToText()),
                    Time(alert.StartedAt),
                    new NpgsqlParameter<string[]> { TypedValue = [.. alert.Instruments] },
                    Time(transition.At),
                    Bool(silenced),
                    Text(AlertViewJson.Serialize(alert)),
                },
            };
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task<StoredAlert> ReadAlertAsync(string id, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand($"SELECT {Columns} FROM alerts WHERE id = $1", connection, transaction) { Parameters = { Text(id) } };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? Read(reader, [])
                : throw new InvalidOperationException($"alert '{id}' is not stored although it was just written");
        }

        public Task AppendInventoryAsync(IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
            PostgresInventoryStore.InsertAsync(database, connection, transaction, values, receivedAt, cancellationToken);

        public Task<int> AddDeliveriesAsync(IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken) =>
            PostgresWebhookStore.AddDeliveriesAsync(connection, transaction, deliveries, now, cancellationToken);

        public async Task<bool> ReadPolicyInForceAsync(CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM notification_policy)", connection, transaction);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        public Task AddToNotificationInboxAsync(AlertTransition transition, CancellationToken cancellationToken) =>
            AddToInboxAsync(connection, transaction, transition.Alert.Id, transition.At, cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
