using Monitor.Core.Indicators;
using Monitor.Core.Market;

namespace Monitor.Core.Rules;

public enum RuleInputKind
{
    /// <summary><c>INSTRUMENT</c>: its price (the bar close, or the tick price when a rule evaluates on ticks).</summary>
    Price,

    /// <summary><c>INSTRUMENT/series</c>: an inventory series, visible from each value's <c>publishedAt</c>.</summary>
    Series,

    /// <summary><c>INSTRUMENT@indicator</c>: an indicator output over the bars of the rule's interval.</summary>
    Indicator,
}

/// <summary>
/// One input of a rule: <c>COMEX:SI</c> (a price), <c>ETF:SLV/holdings</c> (an inventory series) or
/// <c>COMEX:SI@rsi(14)</c>, <c>COMEX:GC@macd(12,26,9).histogram</c> (an indicator output). Parsing gives the canonical
/// text: series names in their contract spelling, indicators as <see cref="Indicators.Indicator.OutputKey"/>
/// (<c>macd(12,26,9)</c> alone names its first output, so it reads <c>macd(12,26,9).macd</c>).
/// </summary>
public readonly record struct RuleInput
{
    private RuleInput(RuleInputKind kind, InstrumentId instrument, string? series, string? indicator)
    {
        Kind = kind;
        Instrument = instrument;
        Series = series;
        Indicator = indicator;
    }

    public RuleInputKind Kind { get; }

    public InstrumentId Instrument { get; }

    /// <summary>The series name for <see cref="RuleInputKind.Series"/>, else null.</summary>
    public string? Series { get; }

    /// <summary>The indicator output key (<c>rsi(14)</c>, <c>macd(12,26,9).signal</c>) for <see cref="RuleInputKind.Indicator"/>, else null.</summary>
    public string? Indicator { get; }

    /// <summary>How messages name the input: <c>COMEX:SI</c>, <c>ETF:SLV holdings</c>, <c>COMEX:SI@rsi(14)</c>.</summary>
    public string Label => Kind == RuleInputKind.Series ? $"{Instrument} {Series}" : ToString();

    public static RuleInput Price(InstrumentId instrument) => new(RuleInputKind.Price, instrument, null, null);

    public static RuleInput Parse(string text) =>
        TryParse(text, out var input, out var error) ? input : throw new FormatException(error);

    public static bool TryParse(string? text, out RuleInput input, out string error)
    {
        input = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty; write INSTRUMENT, INSTRUMENT/series or INSTRUMENT@indicator (COMEX:SI, ETF:SLV/holdings, COMEX:SI@rsi(14))";
            return false;
        }

        int at = text.IndexOf('@', StringComparison.Ordinal);
        int slash = at < 0 ? text.IndexOf('/', StringComparison.Ordinal) : -1;
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
            if (!InventorySeries.TryNormalize(series, out string canonical))
            {
                error = $"'{UntrustedText.Printable(text)}': unknown series '{UntrustedText.Printable(series)}'; known: {string.Join(", ", InventorySeries.All)}";
                return false;
            }

            input = new RuleInput(RuleInputKind.Series, instrument, canonical, null);
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

    public override string ToString() => Kind switch
    {
        RuleInputKind.Series => $"{Instrument}/{Series}",
        RuleInputKind.Indicator => $"{Instrument}@{Indicator}",
        _ => Instrument.Value,
    };
}
