namespace Monitor.Core.Calendars;

/// <summary>The holiday rules of the venues <see cref="ExchangeCalendar"/> knows, year by year.</summary>
internal static class HolidayRules
{
    /// <summary>Closures announced once, outside the rules (state occasions).</summary>
    private static readonly DateOnly[] EnglandAndWalesOneOff =
    [
        new(2022, 6, 2), new(2022, 6, 3),   // Platinum Jubilee (the spring bank holiday moved to 2 June)
        new(2022, 9, 19),                   // State funeral of Queen Elizabeth II
        new(2023, 5, 8),                    // Coronation of King Charles III
    ];

    private static readonly DateOnly[] UnitedStatesOneOff =
    [
        new(2018, 12, 5),   // National day of mourning, President George H. W. Bush
        new(2025, 1, 9),    // National day of mourning, President Jimmy Carter
    ];

    /// <summary>NYSE and CME Group: New Year's Day (Sunday to Monday; a Saturday one is not moved), Martin Luther King
    /// Jr. Day, Washington's Birthday, Good Friday, Memorial Day, Juneteenth (from 2022), Independence Day, Labor Day,
    /// Thanksgiving and Christmas (Saturday to Friday, Sunday to Monday).</summary>
    public static IEnumerable<DateOnly> UnitedStatesExchange(int year)
    {
        var newYear = new DateOnly(year, 1, 1);
        if (newYear.DayOfWeek != DayOfWeek.Saturday)
        {
            yield return Observed(newYear);
        }

        yield return NthWeekday(year, 1, DayOfWeek.Monday, 3);
        yield return NthWeekday(year, 2, DayOfWeek.Monday, 3);
        yield return EasterSunday(year).AddDays(-2);
        yield return LastWeekday(year, 5, DayOfWeek.Monday);
        if (year >= 2022)
        {
            yield return Observed(new DateOnly(year, 6, 19));
        }

        yield return Observed(new DateOnly(year, 7, 4));
        yield return NthWeekday(year, 9, DayOfWeek.Monday, 1);
        yield return NthWeekday(year, 11, DayOfWeek.Thursday, 4);
        yield return Observed(new DateOnly(year, 12, 25));
        foreach (var day in UnitedStatesOneOff.Where(d => d.Year == year))
        {
            yield return day;
        }
    }

    /// <summary>England and Wales: New Year's Day, Good Friday, Easter Monday, the early May, spring and summer bank
    /// holidays, Christmas and Boxing Day, each moved to the next free weekday when it falls on a weekend.</summary>
    public static IEnumerable<DateOnly> EnglandAndWales(int year)
    {
        yield return NextWeekday(new DateOnly(year, 1, 1));
        var easter = EasterSunday(year);
        yield return easter.AddDays(-2);
        yield return easter.AddDays(1);
        yield return year == 2020 ? new DateOnly(2020, 5, 8) : NthWeekday(year, 5, DayOfWeek.Monday, 1);
        if (year != 2022)
        {
            yield return LastWeekday(year, 5, DayOfWeek.Monday);
        }

        yield return LastWeekday(year, 8, DayOfWeek.Monday);
        var christmas = NextWeekday(new DateOnly(year, 12, 25));
        yield return christmas;
        yield return NextWeekday(christmas.AddDays(1));   // Boxing Day, after Christmas or its substitute
        foreach (var day in EnglandAndWalesOneOff.Where(d => d.Year == year))
        {
            yield return day;
        }
    }

    /// <summary>Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm).</summary>
    public static DateOnly EasterSunday(int year)
    {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
        int f = (b + 8) / 25, g = (b - f + 1) / 3, h = ((19 * a) + b - d - g + 15) % 30;
        int i = c / 4, k = c % 4, l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        int m = (a + (11 * h) + (22 * l)) / 451;
        int month = (h + l - (7 * m) + 114) / 31, day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>A Saturday holiday is observed on the Friday before, a Sunday one on the Monday after (US rule).</summary>
    private static DateOnly Observed(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => day.AddDays(-1),
        DayOfWeek.Sunday => day.AddDays(1),
        _ => day,
    };

    /// <summary>A weekend holiday moves to the Monday after (the UK substitute day rule).</summary>
    private static DateOnly NextWeekday(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => day.AddDays(2),
        DayOfWeek.Sunday => day.AddDays(1),
        _ => day,
    };

    private static DateOnly NthWeekday(int year, int month, DayOfWeek weekday, int n)
    {
        var first = new DateOnly(year, month, 1);
        int offset = ((int)weekday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }

    private static DateOnly LastWeekday(int year, int month, DayOfWeek weekday)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        int offset = ((int)last.DayOfWeek - (int)weekday + 7) % 7;
        return last.AddDays(-offset);
    }
}
