using Monitor.Core.Indicators;
using Monitor.Core.Market;

namespace Monitor.Core.Rules;

public enum RuleInputKind
{
    /// <summary><c>INSTRUMENT</c>: its price (the bar close, or the tick price when a rule evaluates on ticks).</summary>
    Price,

    /// <summary><c>INSTRUMENT/series</c> (the total) or <c>INSTRUMENT/series@LOCATION</c> (one location): an inventory
    /// series, visible from each value's <c>publishedAt</c>.</summary>
    Series,

    /// <summary><c>INSTRUMENT@indicator</c>: an indicator output over the bars of the rule's interval.</summary>
    Indicator,
}

/// <summary>
/// One input of a rule: <c>COMEX:SI</c> (a price), <c>ETF:SLV/holdings</c> (an inventory series, its total),
/// <c>COMEX:SI/registered@JP MORGAN CHASE BANK NA</c> (one location of a series) or <c>COMEX:SI@rsi(14)</c>,
/// <c>COMEX:GC@macd(12,26,9).histogram</c> (an indicator output). An <c>@</c> after the series' slash introduces a
/// location, one without a slash an indicator. Parsing gives the canonical text: series names in their contract
/// spelling, locations trimmed (and compared without regard to case), indicators as
/// <see cref="Indicators.Indicator.OutputKey"/> (<c>macd(12,26,9)</c> alone names its first output, so it reads
/// <c>macd(12,26,9).macd</c>).
/// </summary>
public readonly record struct RuleInput
{
    private RuleInput(RuleInputKind kind, InstrumentId instrument, string? series, string? indicator, string? location = null)
    {
        Kind = kind;
        Instrument = instrument;
        Series = series;
        Indicator = indicator;
        Location = location;
    }

    public RuleInputKind Kind { get; }

    public InstrumentId Instrument { get; }

    /// <summary>The series name for <see cref="RuleInputKind.Series"/>, else null.</summary>
    public string? Series { get; }

    /// <summary>The location of a series input, as written (trimmed); null for the series' total and other inputs.</summary>
    public string? Location { get; }

    /// <summary>The indicator output key (<c>rsi(14)</c>, <c>macd(12,26,9).signal</c>) for <see cref="RuleInputKind.Indicator"/>, else null.</summary>
    public string? Indicator { get; }

    /// <summary>How messages name the input: <c>COMEX:SI</c>, <c>ETF:SLV holdings</c>,
    /// <c>COMEX:SI registered at JP MORGAN CHASE BANK NA</c>, <c>COMEX:SI@rsi(14)</c>.</summary>
    public string Label => Kind switch
    {
        RuleInputKind.Series when Location is not null => $"{Instrument} {Series} at {Location}",
        RuleInputKind.Series => $"{Instrument} {Series}",
        _ => ToString(),
    };

    /// <summary>Whether an inventory value is of this series input: same instrument, series and location (case aside).</summary>
    public bool Reads(in InventoryValue value) =>
        Kind == RuleInputKind.Series && value.Instrument == Instrument && string.Equals(value.Series, Series, StringComparison.Ordinal)
        && InventoryLocation.Same(value.Location, Location);

    public static RuleInput Price(InstrumentId instrument) => new(RuleInputKind.Price, instrument, null, null);

    public static RuleInput Parse(string text) =>
        TryParse(text, out var input, out var error) ? input : throw new FormatException(error);

    public static bool TryParse(string? text, out RuleInput input, out string error)
    {
        input = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty; write INSTRUMENT, INSTRUMENT/series, INSTRUMENT/series@LOCATION or INSTRUMENT@indicator (COMEX:SI, ETF:SLV/holdings, COMEX:SI/registered@JP MORGAN CHASE BANK NA, COMEX:SI@rsi(14))";
            return false;
        }

        // Instrument ids hold neither '/' nor '@': a slash before any '@' makes a series (whose '@' is a location),
        // an '@' without one an indicator.
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        int at = text.IndexOf('@', StringComparison.Ordinal);
        if (slash >= 0 && at >= 0 && at < slash)
        {
            slash = -1;
        }
        else if (slash >= 0)
        {
            at = -1;
        }

        int split = at >= 0 ? at : slash;
        string instrumentText = split < 0 ? text : text[..split];
        if (!InstrumentId.TryParse(instrumentText, out var instrument, out error))
        {
            return false;
        }

        if (at >= 0)
        {
            string reference = text[(at + 1)..];
            if (!IndicatorSpec.TryCreateOutput(reference, out var indicator, out int output, out error))
            {
                error = $"'{UntrustedText.Printable(text)}': {error}";
                return false;
            }

            input = new RuleInput(RuleInputKind.Indicator, instrument, null, indicator.OutputKey(output));
            return true;
        }

        if (slash >= 0)
        {
            string series = text[(slash + 1)..];
            string? locationText = null;
            int locationAt = series.IndexOf('@', StringComparison.Ordinal);
            if (locationAt >= 0)
            {
                locationText = series[(locationAt + 1)..];
                series = series[..locationAt];
            }

            if (!InventorySeries.TryNormalize(series, out string canonical))
            {
                error = $"'{UntrustedText.Printable(text)}': unknown series '{UntrustedText.Printable(series)}'; known: {string.Join(", ", InventorySeries.All)}";
                return false;
            }

            if (!InventoryLocation.TryNormalize(locationText, out string? location, out error)
                || (locationText is not null && location is null))
            {
                error = $"'{UntrustedText.Printable(text)}': {(error.Length > 0 ? error : "no location after '@'; write INSTRUMENT/series@LOCATION, or INSTRUMENT/series for the total")}";
                return false;
            }

            input = new RuleInput(RuleInputKind.Series, instrument, canonical, null, location);
            return true;
        }

        input = Price(instrument);
        return true;
    }

    /// <summary>A fresh indicator for an indicator input, and the index of the output it reads.</summary>
    internal Indicators.Indicator CreateIndicator(out int output) =>
        IndicatorSpec.TryCreateOutput(Indicator, out var indicator, out output, out string error)
            ? indicator
            : throw new InvalidOperationException(error);

    public bool Equals(RuleInput other) =>
        Kind == other.Kind && Instrument == other.Instrument && string.Equals(Series, other.Series, StringComparison.Ordinal)
        && string.Equals(Indicator, other.Indicator, StringComparison.Ordinal) && InventoryLocation.Same(Location, other.Location);

    public override int GetHashCode() =>
        HashCode.Combine(Kind, Instrument, Series, Indicator, Location is null ? 0 : InventoryLocation.Comparer.GetHashCode(Location));

    public override string ToString() => Kind switch
    {
        RuleInputKind.Series when Location is not null => $"{Instrument}/{Series}@{Location}",
        RuleInputKind.Series => $"{Instrument}/{Series}",
        RuleInputKind.Indicator => $"{Instrument}@{Indicator}",
        _ => Instrument.Value,
    };
}
