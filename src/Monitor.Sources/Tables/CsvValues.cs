using System.Globalization;

namespace Monitor.Sources.Tables;

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

        if (TryParseIso(text, out time))
        {
            return true;
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

    /// <summary>
    /// The shape tick files hold by the million, <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|+hh:mm|-hh:mm)</c>, read without the
    /// general parser (which tries every format in turn); anything else is left to it.
    /// </summary>
    private static bool TryParseIso(string text, out DateTimeOffset time)
    {
        time = default;
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || text[10] is not ('T' or ' ') || text[13] != ':' || text[16] != ':'
            || !TryDigits(text, 0, 4, out int year) || !TryDigits(text, 5, 2, out int month) || !TryDigits(text, 8, 2, out int day)
            || !TryDigits(text, 11, 2, out int hour) || !TryDigits(text, 14, 2, out int minute) || !TryDigits(text, 17, 2, out int second))
        {
            return false;
        }

        int i = 19;
        long fraction = 0;
        if (text[i] == '.')
        {
            int digits = 0;
            for (i++; i < text.Length && char.IsAsciiDigit(text[i]); i++, digits++)
            {
                if (digits < 7)
                {
                    fraction = (fraction * 10) + (text[i] - '0');
                }
            }

            if (digits == 0)
            {
                return false;
            }

            for (; digits < 7; digits++)
            {
                fraction *= 10;
            }
        }

        TimeSpan offset;
        if (i == text.Length - 1 && text[i] == 'Z')
        {
            offset = TimeSpan.Zero;
        }
        else if (i == text.Length - 6 && text[i] is '+' or '-' && text[i + 3] == ':'
            && TryDigits(text, i + 1, 2, out int offsetHours) && TryDigits(text, i + 4, 2, out int offsetMinutes) && offsetHours < 15 && offsetMinutes < 60)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (text[i] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }

        time = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second).AddTicks(fraction), offset);
        return true;
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }

    /// <summary>A finite number in invariant form; text such as HOLIDAY, blanks and NaN are not numbers.</summary>
    public static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
