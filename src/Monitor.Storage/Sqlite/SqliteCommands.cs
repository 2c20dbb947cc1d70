using Microsoft.Data.Sqlite;

namespace Monitor.Storage.Sqlite;

internal static class SqliteCommands
{
    /// <summary>A command on <paramref name="connection"/>, in <paramref name="transaction"/> if any; the caller disposes it.</summary>
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
