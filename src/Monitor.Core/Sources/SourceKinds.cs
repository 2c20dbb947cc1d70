using Monitor.Core.Calendars;

namespace Monitor.Core.Sources;

/// <summary>What a source of each kind assumes unless told otherwise.</summary>
public static class SourceKinds
{
    public const string CmeStocks = "cme-stocks";
    public const string LmeStocks = "lme-stocks";
    public const string SpdrGld = "spdr-gld";
    public const string CftcCot = "cftc-cot";
    public const string Csv = "csv";

    /// <summary>The publisher's working days: the CME's for its reports, the LME's for its own, the NYSE's for the
    /// trusts, the CFTC and anything else.</summary>
    public static ExchangeCalendar DefaultCalendar(string kind) => kind switch
    {
        CmeStocks => ExchangeCalendar.Cme,
        LmeStocks => ExchangeCalendar.Lme,
        _ => ExchangeCalendar.Nyse,
    };

    /// <summary>Daily reports are late after a business day and six hours, the weekly COT after eight business days;
    /// a <c>csv</c> source (monthly vault holdings, for one) says its own.</summary>
    public static TimeSpan? DefaultLateAfter(string kind) => kind switch
    {
        CmeStocks or LmeStocks or SpdrGld => new TimeSpan(1, 6, 0, 0),
        CftcCot => TimeSpan.FromDays(8),
        _ => null,
    };
}
