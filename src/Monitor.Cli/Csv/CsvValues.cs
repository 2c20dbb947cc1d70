using System.Globalization;

namespace Monitor.Cli.Csv;

/// <summary>Parsing of the date-times and numbers real CSV files hold.</summary>
internal static class CsvValues
{
    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "M/d/yyyy", "M/d/yyyy H:mm", "M/d/yyyy H:mm:ss", "M/d/yy",
        "d-MMM-yyyy", "d-MMM-yy",
    ];

    /// <summary>
    /// An ISO-8601 date or date-time (with or without offset; none means UTC), US <c>M/d/yyyy</c>, <c>18-Nov-2004</c>,
    /// or Unix milliseconds.
    /// </summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            time = default;
            return false;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long millis) && text.Length > 8)
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(millis);
            return true;
        }

        if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            time = new DateTimeOffset(utc, TimeSpan.Zero);
            return true;
        }

        // Offsets that change with daylight saving (-05:00 then -04:00) parse to the right instant.
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>A finite number in invariant form; text such as HOLIDAY, blanks and NaN are not numbers.</summary>
    public static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
