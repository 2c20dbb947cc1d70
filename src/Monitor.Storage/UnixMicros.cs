namespace Monitor.Storage;

/// <summary>
/// Times are stored as whole microseconds (PostgreSQL's timestamptz resolution; Unix microseconds in SQLite).
/// Sub-microsecond digits are dropped on the way in (ingest truncates to microseconds), so both providers
/// give back exactly the same values. Times come back in UTC (offset zero).
/// </summary>
internal static class UnixMicros
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;
    private static readonly long EpochMicros = DateTimeOffset.UnixEpoch.UtcTicks / TicksPerMicrosecond;

    /// <summary>Microseconds since the Unix epoch, rounded down.</summary>
    public static long From(DateTimeOffset time) => time.UtcTicks / TicksPerMicrosecond - EpochMicros;

    public static DateTimeOffset ToTime(long micros) => new((micros + EpochMicros) * TicksPerMicrosecond, TimeSpan.Zero);

    /// <summary>The time as it comes back from the store: truncated to microseconds, in UTC.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => ToTime(From(time));

    /// <summary>The UTC <see cref="DateTime"/> of a time truncated to microseconds, as Npgsql writes timestamptz.</summary>
    public static DateTime ToUtcDateTime(DateTimeOffset time)
    {
        long ticks = time.UtcTicks;
        return new DateTime(ticks - ticks % TicksPerMicrosecond, DateTimeKind.Utc);
    }
}
