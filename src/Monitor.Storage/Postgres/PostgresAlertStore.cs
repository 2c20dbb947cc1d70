using System.Text;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Npgsql;
using static Monitor.Storage.Postgres.PostgresParameters;

namespace Monitor.Storage.Postgres;

internal sealed class PostgresAlertStore(PostgresDatabase database, WebhookOutbox outbox) : IAlertStore
{
    private const string Columns = "view, silenced, acknowledged_by, acknowledged_at, ack_comment";

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

    public async Task<IReadOnlyList<RecordedAlertTransition>> AppendTransitionsAsync(
        IReadOnlyList<AlertTransition> transitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        var recorded = new List<RecordedAlertTransition>();
        if (transitions.Count == 0)
        {
            return recorded;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var silences = await PostgresSilenceStore.ReadOverlappingAsync(
            connection, transaction, transitions.Min(t => t.At), transitions.Max(t => t.At), cancellationToken).ConfigureAwait(false);
        // Rows are locked in one order (alert id, time) whatever the callers' order, so two silos recording
        // overlapping batches wait for each other instead of deadlocking; the result keeps the callers' order.
        var order = Enumerable.Range(0, transitions.Count)
            .OrderBy(i => transitions[i].Alert.Id, StringComparer.Ordinal)
            .ThenBy(i => transitions[i].At)
            .ThenBy(i => transitions[i].To)
            .ThenBy(i => i)
            .ToArray();
        var silencedAt = new bool?[transitions.Count];
        List<Webhook>? webhooks = null;
        int deliveries = 0;
        foreach (int index in order)
        {
            var transition = transitions[index];
            var alert = transition.Alert;
            bool silenced = Silence.AnyMatches(silences, alert, transition.At);
            // A transition stored already (by an earlier call, or by another silo that got there first: the key
            // makes this insert wait for that one's commit) inserts nothing and leaves the alert alone.
            await using (var insert = new NpgsqlCommand(
                """
                INSERT INTO alert_transitions (alert_id, at, to_state, from_state, silenced) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """,
                connection,
                transaction)
            {
                Parameters = { Text(alert.Id), Time(transition.At), Text(transition.To.ToText()), Text(transition.From?.ToText()), Bool(silenced) },
            })
            {
                if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    continue;
                }
            }

            await using (var upsert = new NpgsqlCommand(UpsertAlert, connection, transaction)
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
            })
            {
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            silencedAt[index] = silenced;

            // The outbox is written in the alert's transaction: a stored alert always has its deliveries.
            if (!silenced && WebhookEvents.For(transition) is not null)
            {
                webhooks ??= await PostgresWebhookStore.ReadEnabledAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var acknowledgement = webhooks.Count == 0
                    ? null
                    : (await FindAsync(connection, transaction, alert.Id, cancellationToken).ConfigureAwait(false))?.Acknowledgement;
                var newDeliveries = WebhookOutbox.DeliveriesFor(transition, silenced, () => webhooks, () => acknowledgement);
                deliveries += await PostgresWebhookStore.AddDeliveriesAsync(connection, transaction, newDeliveries, outbox.Now, cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (deliveries > 0)
        {
            outbox.Notify();
        }

        for (int i = 0; i < transitions.Count; i++)
        {
            if (silencedAt[i] is { } silenced)
            {
                recorded.Add(new RecordedAlertTransition(transitions[i], silenced));
            }
        }

        return recorded;
    }

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

    public async Task<StoredAlert?> AcknowledgeAsync(string id, string by, string? comment, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            """
            UPDATE alerts SET acknowledged_by = $2, acknowledged_at = $3, ack_comment = $4
            WHERE id = $1 AND acknowledged_by IS DISTINCT FROM $2
            """,
            connection,
            transaction)
        {
            Parameters = { Text(id), Text(by), Time(at), Text(comment) },
        })
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var alert = await FindAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return alert;
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

        await using (var command = new NpgsqlCommand($"SELECT {Columns} FROM alerts WHERE id = $1", connection, transaction) { Parameters = { Text(id) } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader, transitions) : null;
        }
    }

    private static StoredAlert Read(NpgsqlDataReader reader, IReadOnlyList<StoredAlertTransition> transitions)
    {
        var acknowledgement = reader.IsDBNull(2) ? null : new AlertAcknowledgement(reader.GetString(2), ReadText(reader, 4), ReadTime(reader, 3));
        return new StoredAlert(AlertViewJson.Parse(reader.GetString(0)), acknowledgement, reader.GetBoolean(1), transitions);
    }

    private static AlertState ParseState(string text) =>
        RuleText.TryParse(text, out AlertState state) ? state : throw new InvalidDataException($"stored alert state '{text}' is unknown");
}
