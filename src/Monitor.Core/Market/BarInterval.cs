using System.Globalization;

namespace Monitor.Core.Market;

/// <summary>
/// A bar length such as <c>1m</c>, <c>5m</c>, <c>1h</c>, <c>1d</c> or <c>1w</c>. Bars are aligned to the
/// Unix epoch in UTC (days start at 00:00 UTC); weeks start on Monday 00:00 UTC.
/// </summary>
public readonly record struct BarInterval
{
    // 1970-01-01 was a Thursday; Monday-aligned weeks are offset by four days.
    private static readonly long WeekOffsetTicks = TimeSpan.FromDays(4).Ticks;

    // No unit has more than a week's worth of seconds; bounding the count keeps TimeSpan from overflowing.
    private const int MaxCount = 7 * 24 * 60 * 60;

    private BarInterval(TimeSpan length, string name)
    {
        Length = length;
        Name = name;
    }

    public TimeSpan Length { get; }

    /// <summary>Canonical text form: <c>1m</c>, <c>15m</c>, <c>1h</c>, <c>1d</c>, <c>1w</c>.</summary>
    public string Name { get; }

    public static BarInterval OneMinute { get; } = Parse("1m");

    public static BarInterval OneHour { get; } = Parse("1h");

    public static BarInterval OneDay { get; } = Parse("1d");

    public static BarInterval Parse(string text) =>
        TryParse(text, out var interval, out var error) ? interval : throw new FormatException(error);

    public static bool TryParse(string? text, out BarInterval interval, out string error)
    {
        interval = default;
        error = $"interval '{UntrustedText.Printable(text ?? "")}' is not valid; use a count and a unit s, m, h, d or w (1m, 5m, 1h, 1d)";
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return false;
        }

        text = text.Trim();
        char unit = text[^1];
        if (!int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || count <= 0 || count > MaxCount)
        {
            return false;
        }

        TimeSpan? length = unit switch
        {
            's' => TimeSpan.FromSeconds(count),
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            'w' when count == 1 => TimeSpan.FromDays(7),
            _ => null,
        };
        if (length is null || length.Value > TimeSpan.FromDays(7))
        {
            error = unit == 'w'
                ? $"interval '{text}' is not valid; weeks are supported as 1w only"
                : error;
            return false;
        }

        if (TimeSpan.FromDays(1).Ticks % length.Value.Ticks != 0 && length.Value < TimeSpan.FromDays(1))
        {
            error = $"interval '{text}' does not divide a day evenly, so its bars would drift across days";
            return false;
        }

        interval = new BarInterval(length.Value, string.Create(CultureInfo.InvariantCulture, $"{count}{unit}"));
        error = "";
        return true;
    }

    /// <summary>The open time of the bar that contains <paramref name="time"/>.</summary>
    public DateTimeOffset BarStart(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long offset = Name == "1w" ? WeekOffsetTicks : 0;
        long shifted = ticks - offset;
        long start = shifted - Mod(shifted, Length.Ticks) + offset;
        return DateTimeOffset.UnixEpoch.AddTicks(start);
    }

    public override string ToString() => Name ?? "";

    private static long Mod(long value, long divisor)
    {
        long remainder = value % divisor;
        return remainder < 0 ? remainder + divisor : remainder;
    }
}
