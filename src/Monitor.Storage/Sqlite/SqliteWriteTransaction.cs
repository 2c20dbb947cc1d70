using Microsoft.Data.Sqlite;

namespace Monitor.Storage.Sqlite;

/// <summary>
/// A transaction on the database's writer connection that spans awaits: it holds <see cref="SqliteDatabase.WriteLock"/>
/// from <see cref="BeginAsync"/> until disposed, and rolls back on disposal unless committed.
/// </summary>
internal sealed class SqliteWriteTransaction : IDisposable
{
    private readonly SqliteDatabase _database;

    private SqliteWriteTransaction(SqliteDatabase database)
    {
        _database = database;
        Transaction = database.Writer.BeginTransaction();
    }

    public SqliteTransaction Transaction { get; }

    public SqliteConnection Connection => _database.Writer;

    public static async Task<SqliteWriteTransaction> BeginAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        await database.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new SqliteWriteTransaction(database);
        }
        catch
        {
            database.WriteLock.Release();
            throw;
        }
    }

    /// <summary>A command in this transaction; the caller disposes it.</summary>
    public SqliteCommand Command(string sql) => SqliteCommands.Command(_database.Writer, Transaction, sql);

    public void Commit() => Transaction.Commit();

    public void Dispose()
    {
        try
        {
            Transaction.Dispose();
        }
        finally
        {
            _database.WriteLock.Release();
        }
    }
}
