using System.Globalization;

namespace Monitor.Core.Tests.Market;

/// <summary>Readable UTC times for market tests.</summary>
internal static class MarketTime
{
    /// <summary>Parses <c>yyyy-MM-ddTHH:mm:ss[.fffffff]</c> as UTC.</summary>
    public static DateTimeOffset Utc(string time) =>
        DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
