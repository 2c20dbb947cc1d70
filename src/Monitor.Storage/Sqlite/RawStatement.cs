using System.Runtime.InteropServices;
using Monitor.Core.Ports;
using SQLitePCL;

namespace Monitor.Storage.Sqlite;

/// <summary>
/// Binds and column reads of a prepared statement straight into the SQLite library the provider loaded, for loops over
/// millions of rows (tick imports and backtest scans). SQLitePCLRaw's own calls reference-count the statement handle on
/// every call, which costs more than the bind or read itself; these use the raw handle, referenced until disposed, and
/// skip the runtime's GC transition (allowed: the functions neither block nor call back). Steps still go through
/// SQLitePCLRaw: they do I/O.
/// </summary>
internal readonly struct RawStatement : IDisposable
{
    private const string Library = "e_sqlite3";

    private readonly sqlite3_stmt _statement;
    private readonly nint _handle;

    public RawStatement(sqlite3_stmt statement)
    {
        bool added = false;
        statement.DangerousAddRef(ref added);
        _statement = statement;
        _handle = statement.DangerousGetHandle();
    }

    public long Int64(int column) => NativeMethods.sqlite3_column_int64(_handle, column);

    public double Double(int column) => NativeMethods.sqlite3_column_double(_handle, column);

    /// <summary>Binds parameter <paramref name="index"/> (1-based); returns SQLite's result code.</summary>
    public int Bind(int index, long value) => NativeMethods.sqlite3_bind_int64(_handle, index, value);

    public int Bind(int index, double value) => NativeMethods.sqlite3_bind_double(_handle, index, value);

    public void Dispose() => _statement.DangerousRelease();

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

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int sqlite3_bind_int64(nint statement, int index, long value);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int sqlite3_bind_double(nint statement, int index, double value);
    }
}
