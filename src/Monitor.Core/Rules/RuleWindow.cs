using System.Globalization;
using System.Text;
using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// The span a rule looks back over: an ISO-8601 duration of event time (<c>P15D</c>, <c>PT4H</c>, <c>P2W</c>,
/// <c>P1DT12H</c>) or a number of bars of the rule's interval (<c>20</c>). Months and years are rejected: they have no
/// fixed length, and a window that silently meant 28 or 31 days would make backtests hard to read.
/// </summary>
/// <remarks>Two windows are equal when they measure the same span, however they were written (<c>P7D</c> = <c>P1W</c>).</remarks>
public readonly struct RuleWindow : IEquatable<RuleWindow>
{
    /// <summary>Longest window: 100,000 bars of the rule's interval, the same bound as indicator periods.</summary>
    public const int MaxBars = 100_000;

    private const long MaxComponent = 10_000_000;

    private readonly string? _text;

    private RuleWindow(TimeSpan duration, int bars, string text)
    {
        Duration = duration;
        Bars = bars;
        _text = text;
    }

    /// <summary>The span of event time, or zero for a bar count.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The number of bars, or zero for a duration.</summary>
    public int Bars { get; }

    public bool IsBarCount => Bars > 0;

    /// <summary>The window as written (upper-cased, trimmed), which the serializer writes back.</summary>
    public string Text => _text ?? "";

    /// <summary>Short form for messages: <c>15d</c>, <c>4h</c>, <c>1d12h</c>, <c>20 bars</c>.</summary>
    public string Label => IsBarCount ? string.Create(CultureInfo.InvariantCulture, $"{Bars} bars") : ShortDuration(Duration);

    public static RuleWindow FromDuration(TimeSpan duration) =>
        duration > TimeSpan.Zero
            ? new RuleWindow(duration, 0, IsoDuration(duration))
            : throw new ArgumentOutOfRangeException(nameof(duration), duration, "a window is longer than zero");

    public static RuleWindow Parse(string text) =>
        TryParse(text, out var window, out var error) ? window : throw new FormatException(error);

    /// <summary>Parses a duration or a bar count; the error names the text and what was expected.</summary>
    public static bool TryParse(string? text, out RuleWindow window, out string error)
    {
        window = default;
        string trimmed = text?.Trim() ?? "";
        string shown = UntrustedText.Printable(trimmed);
        string generic = $"'{shown}' is not an ISO-8601 duration or a bar count (P15D, PT4H, P2W, 20)";
        if (trimmed.Length == 0)
        {
            error = "is empty; write an ISO-8601 duration or a bar count (P15D, PT4H, P2W, 20)";
            return false;
        }

        if (char.IsAsciiDigit(trimmed[0]))
        {
            if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out int bars) || bars is < 1 or > MaxBars)
            {
                error = $"'{shown}' is not a bar count from 1 to {MaxBars}";
                return false;
            }

            window = new RuleWindow(TimeSpan.Zero, bars, bars.ToString(CultureInfo.InvariantCulture));
            error = "";
            return true;
        }

        if (!TryParseDuration(trimmed.ToUpperInvariant(), out var duration, out string? specific))
        {
            error = specific is null ? generic : $"'{shown}' {specific}";
            return false;
        }

        window = new RuleWindow(duration, 0, trimmed.ToUpperInvariant());
        error = "";
        return true;
    }

    /// <summary>The number of bars of <paramref name="interval"/> the window spans, rounded up.</summary>
    public long BarsIn(BarInterval interval) =>
        IsBarCount ? Bars : (Duration.Ticks + interval.Length.Ticks - 1) / interval.Length.Ticks;

    /// <summary>Whether the window suits bars of <paramref name="interval"/>: at least one bar long, at least <paramref name="minBars"/> bars, at most <see cref="MaxBars"/>.</summary>
    public static bool FitsInterval(RuleWindow window, BarInterval interval, int minBars, out string error)
    {
        error = "";
        if (!window.IsBarCount && window.Duration < interval.Length)
        {
            error = $"{window.Text} is shorter than one {interval} bar, the rule's interval";
            return false;
        }

        long bars = window.BarsIn(interval);
        if (bars > MaxBars)
        {
            error = $"{window.Text} spans {bars} bars of {interval}; at most {MaxBars}";
        }
        else if (bars < minBars)
        {
            error = $"{window.Text} must span at least {minBars} bars of {interval}";
        }

        return error.Length == 0;
    }

    public bool Equals(RuleWindow other) => Duration == other.Duration && Bars == other.Bars;

    public override bool Equals(object? obj) => obj is RuleWindow other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Duration, Bars);

    public override string ToString() => Text;

    public static bool operator ==(RuleWindow left, RuleWindow right) => left.Equals(right);

    public static bool operator !=(RuleWindow left, RuleWindow right) => !left.Equals(right);

    /// <summary>Canonical ISO-8601 text of a duration: weeks only when nothing else, then days and a time part.</summary>
    internal static string IsoDuration(TimeSpan duration)
    {
        var builder = new StringBuilder("P");
        if (duration.Ticks % TimeSpan.TicksPerDay == 0 && duration.Days % 7 == 0)
        {
            return builder.Append(CultureInfo.InvariantCulture, $"{duration.Days / 7}W").ToString();
        }

        if (duration.Days > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{duration.Days}D");
        }

        if (duration.Ticks % TimeSpan.TicksPerDay != 0)
        {
            builder.Append('T');
            AppendIf(builder, duration.Hours, 'H');
            AppendIf(builder, duration.Minutes, 'M');
            if (duration.Ticks % TimeSpan.TicksPerMinute != 0)
            {
                double seconds = (duration.Ticks % TimeSpan.TicksPerMinute) / (double)TimeSpan.TicksPerSecond;
                builder.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('S');
            }
        }

        return builder.ToString();
    }

    private static void AppendIf(StringBuilder builder, int value, char unit)
    {
        if (value != 0)
        {
            builder.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }

    /// <summary>ISO-8601 <c>PnW</c>, <c>PnD</c>, <c>PTnHnMnS</c> and their combinations; whole numbers only.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration, out string? error)
    {
        duration = TimeSpan.Zero;
        error = null;
        if (text.Length < 3 || text[0] != 'P')
        {
            return false;
        }

        const string DateUnits = "WD";
        const string TimeUnits = "HMS";
        bool inTime = false;
        int lastUnit = -1;
        long ticks = 0;
        for (int i = 1; i < text.Length;)
        {
            if (text[i] == 'T')
            {
                if (inTime || i == text.Length - 1)
                {
                    return false;
                }

                inTime = true;
                lastUnit = -1;
                i++;
                continue;
            }

            int start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i == text.Length)
            {
                return false;
            }

            if (i - start > 8 || !long.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > MaxComponent)
            {
                error = "is too long";
                return false;
            }

            char unit = text[i++];
            if (!inTime && unit is 'Y' or 'M')
            {
                error = unit == 'Y'
                    ? "uses years, which have no fixed length; write days (P365D)"
                    : "uses months, which have no fixed length; write days (P30D)";
                return false;
            }

            string units = inTime ? TimeUnits : DateUnits;
            int position = units.IndexOf(unit, StringComparison.Ordinal);
            if (position <= lastUnit)
            {
                return false;
            }

            lastUnit = position;
            long unitTicks = (inTime, unit) switch
            {
                (false, 'W') => TimeSpan.TicksPerDay * 7,
                (false, 'D') => TimeSpan.TicksPerDay,
                (true, 'H') => TimeSpan.TicksPerHour,
                (true, 'M') => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerSecond,
            };
            ticks += value * unitTicks;
        }

        if (ticks <= 0)
        {
            error = "is zero; a window must be longer than that";
            return false;
        }

        duration = TimeSpan.FromTicks(ticks);
        return true;
    }

    private static string ShortDuration(TimeSpan duration)
    {
        var builder = new StringBuilder();
        if (duration.Days > 0)
        {
            builder.Append(duration.Days.ToString(CultureInfo.InvariantCulture)).Append('d');
        }

        AppendShort(builder, duration.Hours, 'h');
        AppendShort(builder, duration.Minutes, 'm');
        AppendShort(builder, duration.Seconds, 's');
        return builder.Length == 0 ? "0s" : builder.ToString();
    }

    private static void AppendShort(StringBuilder builder, int value, char unit)
    {
        if (value != 0)
        {
            builder.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
