using System.Text;
using Microsoft.Data.Sqlite;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Storage.Sqlite;

internal sealed class SqliteAlertStore(SqliteDatabase database, WebhookOutbox outbox) : IAlertStore
{
    private const string Columns = "view, silenced, acknowledged_by, acknowledged_at, ack_comment";

    public async Task<IReadOnlyList<RecordedAlertTransition>> AppendTransitionsAsync(
        IReadOnlyList<AlertTransition> transitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        var recorded = new List<RecordedAlertTransition>();
        if (transitions.Count == 0)
        {
            return recorded;
        }

        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = database.Writer;
            using var transaction = connection.BeginTransaction();
            var silences = SqliteSilenceStore.ReadOverlapping(
                connection, transaction, transitions.Min(t => t.At), transitions.Max(t => t.At));

            using var insertTransition = connection.CreateCommand();
            insertTransition.Transaction = transaction;
            insertTransition.CommandText = """
                INSERT INTO alert_transitions (alert_id, at, to_state, from_state, silenced)
                VALUES ($id, $at, $to, $from, $silenced)
                ON CONFLICT DO NOTHING
                """;
            var transitionId = insertTransition.Parameters.Add("$id", SqliteType.Text);
            var transitionAt = insertTransition.Parameters.Add("$at", SqliteType.Integer);
            var to = insertTransition.Parameters.Add("$to", SqliteType.Text);
            var from = insertTransition.Parameters.Add("$from", SqliteType.Text);
            var transitionSilenced = insertTransition.Parameters.Add("$silenced", SqliteType.Integer);

            using var upsertAlert = connection.CreateCommand();
            upsertAlert.Transaction = transaction;
            upsertAlert.CommandText = $"""
                INSERT INTO alerts (id, rule_id, state, started_at, instruments, last_at, silenced, view)
                VALUES ($id, $ruleId, $state, $startedAt, $instruments, $at, $silenced, $view)
                ON CONFLICT (id) DO UPDATE SET
                    rule_id = excluded.rule_id, state = excluded.state, started_at = excluded.started_at,
                    instruments = excluded.instruments, last_at = excluded.last_at, silenced = excluded.silenced, view = excluded.view
                WHERE excluded.last_at > alerts.last_at
                   OR (excluded.last_at = alerts.last_at AND {SqliteAlertSchema.Rank("excluded.state")} >= {SqliteAlertSchema.Rank("alerts.state")})
                """;
            var alertId = upsertAlert.Parameters.Add("$id", SqliteType.Text);
            var ruleId = upsertAlert.Parameters.Add("$ruleId", SqliteType.Text);
            var state = upsertAlert.Parameters.Add("$state", SqliteType.Text);
            var startedAt = upsertAlert.Parameters.Add("$startedAt", SqliteType.Integer);
            var instruments = upsertAlert.Parameters.Add("$instruments", SqliteType.Text);
            var alertAt = upsertAlert.Parameters.Add("$at", SqliteType.Integer);
            var alertSilenced = upsertAlert.Parameters.Add("$silenced", SqliteType.Integer);
            var view = upsertAlert.Parameters.Add("$view", SqliteType.Text);

            List<Webhook>? webhooks = null;
            int deliveries = 0;
            foreach (var transition in transitions)
            {
                var alert = transition.Alert;
                bool silenced = Silence.AnyMatches(silences, alert, transition.At);
                transitionId.Value = alert.Id;
                transitionAt.Value = UnixMicros.From(transition.At);
                to.Value = transition.To.ToText();
                from.Value = transition.From is { } previous ? previous.ToText() : DBNull.Value;
                transitionSilenced.Value = silenced;
                if (insertTransition.ExecuteNonQuery() == 0)
                {
                    continue;
                }

                alertId.Value = alert.Id;
                ruleId.Value = alert.RuleId;
                state.Value = alert.State.ToText();
                startedAt.Value = UnixMicros.From(alert.StartedAt);
                instruments.Value = AlertViewJson.SerializeInstruments(alert.Instruments);
                alertAt.Value = UnixMicros.From(transition.At);
                alertSilenced.Value = silenced;
                view.Value = AlertViewJson.Serialize(alert);
                upsertAlert.ExecuteNonQuery();
                recorded.Add(new RecordedAlertTransition(transition, silenced));

                // The outbox is written in the alert's transaction: a stored alert always has its deliveries.
                var newDeliveries = WebhookOutbox.DeliveriesFor(
                    transition,
                    silenced,
                    () => webhooks ??= SqliteWebhookStore.ReadEnabled(connection, transaction),
                    () => Find(connection, transaction, alert.Id, withTransitions: false)?.Acknowledgement);
                deliveries += SqliteWebhookStore.AddDeliveries(connection, transaction, newDeliveries, outbox.Now);
            }

            transaction.Commit();
            if (deliveries > 0)
            {
                outbox.Notify();
            }

            return recorded;
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

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

    public async Task<StoredAlert?> AcknowledgeAsync(string id, string by, string? comment, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = database.Writer;
            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = """
                    UPDATE alerts SET acknowledged_by = $by, acknowledged_at = $at, ack_comment = $comment
                    WHERE id = $id AND (acknowledged_by IS NULL OR acknowledged_by <> $by)
                    """;
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$by", by);
                command.Parameters.AddWithValue("$at", UnixMicros.From(at));
                command.Parameters.AddWithValue("$comment", (object?)comment ?? DBNull.Value);
                command.ExecuteNonQuery();
            }

            var alert = Find(connection, transaction, id, withTransitions: true);
            transaction.Commit();
            return alert;
        }
        finally
        {
            database.WriteLock.Release();
        }
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

        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {Columns} FROM alerts WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader, transitions) : null;
        }
    }

    private static StoredAlert Read(SqliteDataReader reader, IReadOnlyList<StoredAlertTransition> transitions)
    {
        var acknowledgement = reader.IsDBNull(2)
            ? null
            : new AlertAcknowledgement(reader.GetString(2), reader.IsDBNull(4) ? null : reader.GetString(4), UnixMicros.ToTime(reader.GetInt64(3)));
        return new StoredAlert(AlertViewJson.Parse(reader.GetString(0)), acknowledgement, reader.GetBoolean(1), transitions);
    }

    internal static AlertState ParseState(string text) =>
        RuleText.TryParse(text, out AlertState state) ? state : throw new InvalidDataException($"stored alert state '{text}' is unknown");
}
