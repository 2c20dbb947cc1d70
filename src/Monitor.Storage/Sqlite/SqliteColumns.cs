using System.Runtime.InteropServices;
using SQLitePCL;

namespace Monitor.Storage.Sqlite;

/// <summary>
/// Column reads of a stepped statement straight from the SQLite library the provider loaded, for loops over millions of
/// rows (a backtest's tick scan). SQLitePCLRaw's own calls reference-count the statement handle on every call, which
/// costs more than the read itself; these take the raw handle, which <see cref="Reader"/> keeps alive, and skip the
/// runtime's GC transition (allowed: the functions neither block nor call back).
/// </summary>
internal static class SqliteColumns
{
    private const string Library = "e_sqlite3";

    /// <summary>The raw handle of <paramref name="statement"/>, referenced until disposed.</summary>
    public readonly struct Reader : IDisposable
    {
        private readonly sqlite3_stmt _statement;

        public Reader(sqlite3_stmt statement)
        {
            bool added = false;
            statement.DangerousAddRef(ref added);
            _statement = statement;
            Handle = statement.DangerousGetHandle();
        }

        public nint Handle { get; }

        public long Int64(int column) => NativeMethods.sqlite3_column_int64(Handle, column);

        public double Double(int column) => NativeMethods.sqlite3_column_double(Handle, column);

        public void Dispose() => _statement.DangerousRelease();
    }

    private static class NativeMethods
    {
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern long sqlite3_column_int64(nint statement, int column);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern double sqlite3_column_double(nint statement, int column);
    }
}
