using Monitor.Core.Market;

namespace Monitor.Sources;

/// <summary>
/// Collects what a parser reads from one file: values converted to their series' base unit, restricted to the mapping's
/// instruments when it names some, and problems. A file with any problem that <see cref="Refuse"/> recorded, or an
/// activity date after the file was first seen, ends rejected and keeps nothing (all or nothing per file).
/// </summary>
internal sealed class ReportBuilder(ReportContext context)
{
    private readonly List<InventoryValue> _inventory = [];
    private readonly List<ImportedBar> _bars = [];
    private readonly List<ReportProblem> _problems = [];
    private readonly HashSet<string>? _instruments = context.Mapping?.Instruments is { Count: > 0 } wanted
        ? new HashSet<string>(wanted.Select(i => i.Trim()), StringComparer.OrdinalIgnoreCase)
        : null;

    /// <summary>Beyond this many, problems are counted rather than listed (a wholly wrong file would list every row).</summary>
    private const int MaxListed = 100;

    private bool _refused;
    private int _unlisted;

    public ReportContext Context => context;

    /// <summary>Data rows read, for the result's count.</summary>
    public int Rows { get; set; }

    /// <summary>A problem that leaves the rest of the file usable (a row skipped with its reason).</summary>
    public void Skip(string location, string message) => List(new ReportProblem(location, message));

    /// <summary>A problem that makes the whole file unusable: it will be rejected.</summary>
    public void Refuse(string location, string message)
    {
        _refused = true;
        List(new ReportProblem(location, message));
    }

    public bool Refused => _refused;

    /// <summary>
    /// Adds a value in <paramref name="unit"/>, converted to the series' base unit; refuses the file when the instrument is
    /// unknown or the unit cannot be converted. <paramref name="publishedAt"/> defaults to when the file was first seen.
    /// </summary>
    public void Add(string where, InstrumentId instrument, string series, DateOnly asOf, double quantity, QuantityUnit unit,
        string? location = null, DateTimeOffset? publishedAt = null)
    {
        if (!context.Catalog.TryGet(instrument, out var definition))
        {
            Refuse(where, $"instrument {instrument} is not in the catalog; add it (PUT /api/v1/instruments/{instrument}) before reading this report");
            return;
        }

        var baseUnit = InventorySeries.BaseUnit(series, definition.PreciousMetal);
        if (!QuantityUnits.TryConvert(quantity, unit, baseUnit, out double converted))
        {
            Refuse(where, $"'{series}' of {instrument} is kept in {baseUnit.Symbol()}; the report's {unit.Symbol()} cannot be converted to it");
            return;
        }

        if (_instruments is not null && !_instruments.Contains(instrument.Value))
        {
            return;
        }

        _inventory.Add(new InventoryValue(instrument, series, asOf, publishedAt ?? context.FirstSeenAt, converted, baseUnit)
        {
            Location = string.IsNullOrWhiteSpace(location) ? null : location.Trim(),
        });
    }

    public void AddBar(ImportedBar bar)
    {
        if (_instruments is null || _instruments.Contains(bar.Instrument.Value))
        {
            _bars.Add(bar);
        }
    }

    /// <summary>
    /// The result: rejected with every problem when one refused the file or <paramref name="activityDate"/> lies after the
    /// day the file was first seen (in the earliest time zone, UTC+14, so no publisher's today counts as the future).
    /// </summary>
    public ReportParseResult Finish(DateOnly? activityDate, string activityWhere = "")
    {
        var latestToday = DateOnly.FromDateTime(context.FirstSeenAt.UtcDateTime.AddHours(14));
        if (activityDate > latestToday)
        {
            Refuse(activityWhere, $"the activity date {activityDate:yyyy-MM-dd} is in the future (the file was first seen {context.FirstSeenAt:yyyy-MM-dd HH:mm} UTC); expected a day already reported");
        }

        if (_unlisted > 0)
        {
            _problems.Add(new ReportProblem("", $"{_unlisted:#,0} more problem(s) not listed"));
            _unlisted = 0;
        }

        return _refused
            ? ReportParseResult.Reject(_problems, activityDate, Rows)
            : new ReportParseResult(activityDate, _inventory, _bars, _problems) { Rows = Rows };
    }

    private void List(ReportProblem problem)
    {
        if (_problems.Count < MaxListed)
        {
            _problems.Add(problem);
        }
        else
        {
            _unlisted++;
        }
    }
}
