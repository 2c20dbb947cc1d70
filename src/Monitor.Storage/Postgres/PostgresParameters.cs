using Monitor.Core.Ports;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.Storage.Postgres;

/// <summary>Typed parameters for the stores.</summary>
internal static class PostgresParameters
{
    public static NpgsqlParameter<string> Text(string? value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter<string[]> TextArray(string[] values) => new() { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    public static NpgsqlParameter<DateTime> Time(DateTimeOffset value) =>
        new() { TypedValue = UnixMicros.ToUtcDateTime(value), NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static NpgsqlParameter<DateTime?> NullableTime(DateTimeOffset? value) =>
        new() { TypedValue = value is { } time ? UnixMicros.ToUtcDateTime(time) : null, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static NpgsqlParameter<int> Int(int value) => new() { TypedValue = value };

    public static NpgsqlParameter<bool> Bool(bool value) => new() { TypedValue = value };

    public static DateTimeOffset ReadTime(NpgsqlDataReader reader, int ordinal) => new(reader.GetFieldValue<DateTime>(ordinal));

    public static DateTimeOffset? ReadNullableTime(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    public static string? ReadText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
