using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace Monitor.Storage;

/// <summary>
/// Which store failures mean the database cannot take writes for now (read-only, full, locked by another process,
/// down or unreachable): a state that passes, which the API answers 503 with <c>Retry-After</c>, unlike a bug.
/// </summary>
public static class StoreFailures
{
    /// <summary>True if <paramref name="exception"/>, or one it wraps, is such a failure of SQLite or PostgreSQL.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode is raw.SQLITE_BUSY or raw.SQLITE_LOCKED or raw.SQLITE_READONLY or raw.SQLITE_IOERR or raw.SQLITE_FULL or raw.SQLITE_CANTOPEN;
                case PostgresException postgres:
                    return postgres.SqlState is PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.InsufficientPrivilege
                        || postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources: disk full, out of memory, too many connections
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal); // shutting down, cannot connect now
                case NpgsqlException:
                    return true; // no answer from the server: refused, lost or timed out
            }
        }

        return false;
    }
}
