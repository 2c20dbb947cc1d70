namespace Monitor.Core.Market;

/// <summary>
/// The checks a tick's values pass before it is stored, whoever sends it (the ingest route, <c>monitor import</c>): a
/// price above 0 and at most <see cref="MarketLimits.MaxPrice"/>, a volume from 0 to <see cref="MarketLimits.MaxVolume"/>,
/// a time from 1970 to at most the allowed skew ahead of now.
/// </summary>
public static class TickValidation
{
    /// <summary>How far ahead of the clock a tick may be unless configured otherwise (<c>Monitor:Ingest:MaxFutureSkew</c>).</summary>
    public static readonly TimeSpan DefaultMaxFutureSkew = TimeSpan.FromMinutes(1);

    /// <summary>Null when price and volume are within bounds, else what is wrong with them.</summary>
    public static string? CheckValues(double price, double volume) =>
        price is not (> 0 and <= MarketLimits.MaxPrice) ? $"'price' must be above 0 and at most {MarketLimits.MaxPrice:0e0}, got {price}"
        : volume is not (>= 0 and <= MarketLimits.MaxVolume) ? $"'volume' must be from 0 to {MarketLimits.MaxVolume:0e0}, got {volume}"
        : null;

    /// <summary>Null when <paramref name="time"/> is from 1970 to <paramref name="maxAhead"/> after <paramref name="now"/>, else what is wrong with it.</summary>
    public static string? CheckTime(string field, DateTimeOffset time, DateTimeOffset now, TimeSpan maxAhead) =>
        time < DateTimeOffset.UnixEpoch ? $"'{field}' {time:O} is before 1970"
        : time > now + maxAhead ? $"'{field}' {time:O} is more than {maxAhead} ahead of the server's clock ({now:O})"
        : null;
}
