namespace Monitor.Core.Calendars;

/// <summary>
/// The days a publisher works: Monday to Friday, less its holidays. The holidays are computed from each venue's
/// published rules (fixed dates with their weekend substitutes, nth weekdays, Easter), plus the one-off closures listed
/// in <see cref="HolidayRules"/>. Pure: the same date gives the same answer on any machine.
/// </summary>
public sealed class ExchangeCalendar
{
    private readonly Func<int, IEnumerable<DateOnly>> _holidays;
    private readonly Dictionary<int, HashSet<DateOnly>> _byYear = [];
    private readonly Lock _lock = new();

    private ExchangeCalendar(string name, string description, Func<int, IEnumerable<DateOnly>> holidays)
    {
        Name = name;
        Description = description;
        _holidays = holidays;
    }

    /// <summary>CME Group (COMEX, NYMEX): its depository reports are not published on the US exchange holidays.</summary>
    public static ExchangeCalendar Cme { get; } = new("cme", "CME Group: US exchange holidays", HolidayRules.UnitedStatesExchange);

    /// <summary>The London Metal Exchange: the bank holidays of England and Wales.</summary>
    public static ExchangeCalendar Lme { get; } = new("lme", "London Metal Exchange: England and Wales bank holidays", HolidayRules.EnglandAndWales);

    /// <summary>The New York Stock Exchange (the ETF trusts' and the CFTC's working days).</summary>
    public static ExchangeCalendar Nyse { get; } = new("nyse", "New York Stock Exchange holidays", HolidayRules.UnitedStatesExchange);

    /// <summary>Monday to Friday, no holidays.</summary>
    public static ExchangeCalendar Weekdays { get; } = new("weekdays", "Monday to Friday", _ => []);

    public static IReadOnlyList<ExchangeCalendar> All { get; } = [Cme, Lme, Nyse, Weekdays];

    /// <summary>The lower-case name configuration uses: <c>cme</c>, <c>lme</c>, <c>nyse</c>, <c>weekdays</c>.</summary>
    public string Name { get; }

    public string Description { get; }

    public static bool TryGet(string? name, out ExchangeCalendar calendar)
    {
        calendar = All.FirstOrDefault(c => string.Equals(c.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))!;
        return calendar is not null;
    }

    public bool IsHoliday(DateOnly date)
    {
        lock (_lock)
        {
            if (!_byYear.TryGetValue(date.Year, out var holidays))
            {
                holidays = [.. _holidays(date.Year)];
                _byYear[date.Year] = holidays;
            }

            return holidays.Contains(date);
        }
    }

    public bool IsBusinessDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(date);

    /// <summary>
    /// The local time <paramref name="duration"/> of business time after <paramref name="start"/> (a local date and time):
    /// each business day counts its 24 hours, weekends and holidays count nothing.
    /// </summary>
    public DateTime AddBusinessTime(DateTime start, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var at = start;
        var remaining = duration;
        while (true)
        {
            var day = DateOnly.FromDateTime(at);
            var endOfDay = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
            if (IsBusinessDay(day))
            {
                var left = endOfDay - at;
                if (remaining <= left)
                {
                    return at + remaining;
                }

                remaining -= left;
            }

            at = endOfDay;
        }
    }

    public override string ToString() => Name;
}
