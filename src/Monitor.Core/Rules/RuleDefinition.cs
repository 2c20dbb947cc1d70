using System.Security.Cryptography;
using System.Text;
using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// An alert rule as the rules API writes it (docs/api.md, Rules). Parse one with <see cref="RuleJson"/>, which checks every field;
/// a definition built in code can be checked with <see cref="Validate"/>. Optional fields default to: severity
/// <c>warning</c>, interval <c>1d</c>, pendingBars and keepFiringBars 0, evaluate <c>bar</c>, name = id.
/// </summary>
public sealed record RuleDefinition
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required RuleParameters Parameters { get; init; }

    public AlertSeverity Severity { get; init; } = AlertSeverity.Warning;

    /// <summary>The bars the rule evaluates on (and the bars its indicators and bar-count windows count).</summary>
    public BarInterval Interval { get; init; } = BarInterval.OneDay;

    /// <summary>Further evaluations the condition must hold after it first holds before the alert fires (0 = fire at once).</summary>
    public int PendingBars { get; init; }

    /// <summary>Evaluations a firing alert keeps firing after its condition clears (0 = resolve at the first clear one).</summary>
    public int KeepFiringBars { get; init; }

    public EvaluationMode Evaluate { get; init; } = EvaluationMode.Bar;

    /// <summary>Optional limits on input age (<c>params.maxInputAge</c>, <c>maxPriceAge</c>, <c>maxInventoryAge</c>).</summary>
    public InputAgeLimits Ages { get; init; } = InputAgeLimits.None;

    /// <summary>Free key/value pairs for routing and filtering; alerts carry them.</summary>
    public RuleLabels Labels { get; init; } = RuleLabels.Empty;

    /// <summary>False pauses the rule: it evaluates nothing and raises nothing, and its open alert resolves.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>When the rule expires (event time): from then on it raises nothing, and its open alert resolves then.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The times the rule evaluates in (<c>activeWhen</c>), or null for always.</summary>
    public RuleActiveTimes? ActiveWhen { get; init; }

    /// <summary>
    /// The stored version this definition is (1 when created, one more per change), recorded in the alerts it raises;
    /// 0 for a definition that was never stored (a backtest's inline rule). Not part of the JSON or the fingerprint.
    /// </summary>
    public int Version { get; init; }

    /// <summary>
    /// The instruments or patterns (<c>ETF:*</c>) an <c>expression</c> rule runs over, one episode per instrument, with
    /// <c>$</c> in the condition standing for each (<see cref="ForEachRules"/>); null for a rule over its own inputs.
    /// </summary>
    public InstrumentPatterns? ForEach { get; init; }

    /// <summary>For one instrument's run of a <see cref="ForEach"/> rule (<see cref="ForEachRules.Member"/>), that instrument (its <c>$</c>); else null.</summary>
    public InstrumentId? Member { get; init; }

    /// <summary>What tells this rule from the others in one <see cref="RuleSet"/>: the id, and for a forEach member its instrument.</summary>
    public string Key => ForEachRules.Key(Id, Member);

    public RuleType Type => Parameters.Type;

    /// <summary>The distinct instruments of the inputs, primary first: the alert's <c>instruments</c>.</summary>
    public IReadOnlyList<string> Instruments()
    {
        var instruments = new List<string>(2);
        foreach (var input in Parameters.Inputs)
        {
            if (!instruments.Contains(input.Instrument.Value))
            {
                instruments.Add(input.Instrument.Value);
            }
        }

        return instruments;
    }

    /// <summary>
    /// The instrument whose grain runs the rule when every input is on that one instrument; null when the rule reads
    /// several instruments and so runs in a rule grain of its own, fed by their grains.
    /// </summary>
    public InstrumentId? LocalInstrument()
    {
        var primary = Parameters.Inputs[0].Instrument;
        foreach (var input in Parameters.Inputs)
        {
            if (input.Instrument != primary)
            {
                return null;
            }
        }

        return primary;
    }

    /// <summary>Whether the rule reads the pipeline of <paramref name="instrument"/>: its clock, a price or an indicator.</summary>
    public bool ReadsTicksOf(InstrumentId instrument)
    {
        var inputs = Parameters.Inputs;
        if (inputs[0].Instrument == instrument)
        {
            return true;
        }

        foreach (var input in inputs)
        {
            if (input.Instrument == instrument && input.Kind != RuleInputKind.Series)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the rule reads the ticks of <paramref name="instrument"/>: its clock or a price (an indicator reads bars only).</summary>
    public bool ReadsPriceOf(InstrumentId instrument)
    {
        var inputs = Parameters.Inputs;
        return inputs[0].Instrument == instrument || inputs.Any(i => i.Instrument == instrument && i.Kind == RuleInputKind.Price);
    }

    /// <summary>Whether the rule reads an inventory series of <paramref name="instrument"/>.</summary>
    public bool ReadsInventoryOf(InstrumentId instrument)
    {
        foreach (var input in Parameters.Inputs)
        {
            if (input.Instrument == instrument && input.Kind == RuleInputKind.Series)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Everything wrong with this definition (empty when valid), as the JSON parser reports it.</summary>
    public IReadOnlyList<RuleProblem> Validate() => RuleJson.Parse(RuleJson.Serialize(this)).Problems;

    /// <summary>A short hash of the canonical JSON: equal definitions have equal fingerprints.</summary>
    public string Fingerprint()
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(RuleJson.Serialize(this)), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}

/// <summary>
/// How old an input's latest value may be, at an evaluation, before the rule reports it stale instead of evaluating.
/// <see cref="Any"/> applies to every input; <see cref="Price"/> (prices and indicators) and <see cref="Inventory"/>
/// (series) override it for their kind. Unset, the defaults of <see cref="Default"/> apply.
/// </summary>
public sealed record InputAgeLimits(TimeSpan? Any, TimeSpan? Price, TimeSpan? Inventory)
{
    public static InputAgeLimits None { get; } = new(null, null, null);

    public TimeSpan For(RuleInput input, BarInterval interval) =>
        (input.Kind == RuleInputKind.Series ? Inventory : Price) ?? Any ?? Default(input, interval);

    /// <summary>
    /// Prices and indicators: three bars of the interval, and at least four days for daily or longer bars (a close
    /// on Friday is still the latest on the Tuesday after a holiday Monday). Series by how often they are published:
    /// <c>vault</c> (LBMA, monthly) 45 days, <c>mmNet</c> (CFTC, weekly) 10 days, the daily exchange and ETF series 5 days.
    /// </summary>
    public static TimeSpan Default(RuleInput input, BarInterval interval)
    {
        if (input.Kind != RuleInputKind.Series)
        {
            var bars = interval.Length * 3;
            return interval.Length >= TimeSpan.FromDays(1) && bars < TimeSpan.FromDays(4) ? TimeSpan.FromDays(4) : bars;
        }

        return input.Series switch
        {
            InventorySeries.Vault => TimeSpan.FromDays(45),
            InventorySeries.ManagedMoneyNet => TimeSpan.FromDays(10),
            _ => TimeSpan.FromDays(5),
        };
    }
}
