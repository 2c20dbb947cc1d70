using System.Globalization;
using System.Text;
using System.Text.Json;
using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>The outcome of parsing one rule: the rule when valid, else every problem found.</summary>
public sealed record RuleParseResult(RuleDefinition? Rule, IReadOnlyList<RuleProblem> Problems)
{
    public bool IsValid => Rule is not null;
}

/// <summary>The outcome of parsing an array of rules: the valid ones, and every problem with its index (<c>[2].params.z</c>).</summary>
public sealed record RuleListParseResult(IReadOnlyList<RuleDefinition> Rules, IReadOnlyList<RuleProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// Rule definitions to and from the JSON of the rules API (docs/api.md, Rules). Parsing checks every field and reports all
/// problems at once, each naming its field (<c>params.window: 'P15X' is not an ISO-8601 duration or a bar count</c>).
/// Serializing writes the same shape back: every top-level field, <c>evaluate</c> only when it is <c>tick</c>, and
/// in <c>params</c> the type's fields (optional ones only when set, <c>direction</c> only when not <c>both</c>).
/// Inputs are written in canonical form; windows as they were written.
/// </summary>
public static class RuleJson
{
    public const int MaxIdLength = 100;
    public const int MaxNameLength = 200;
    public const int MaxBars = 10_000;

    private static readonly string[] TopFields =
        ["id", "name", "type", "severity", "interval", "pendingBars", "keepFiringBars", "evaluate", "labels", "enabled", "until", "activeWhen", "forEach", "params"];

    private static readonly string[] AgeFields = ["maxInputAge", "maxPriceAge", "maxInventoryAge"];

    public static RuleParseResult Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            return new RuleParseResult(null, [new RuleProblem("(json)", $"malformed JSON: {e.Message}")]);
        }
    }

    public static RuleParseResult Parse(JsonElement element) => Parse(element, "");

    /// <summary>A list of rules built into the product: valid by construction, so a problem is a bug and throws.</summary>
    public static IReadOnlyList<RuleDefinition> ParseBuiltIn(string json, string what)
    {
        var result = ParseList(json);
        return result.IsValid
            ? result.Rules
            : throw new InvalidOperationException($"the {what} are not valid: {string.Join("; ", result.Problems)}");
    }

    public static RuleListParseResult ParseList(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return ParseList(document.RootElement);
        }
        catch (JsonException e)
        {
            return new RuleListParseResult([], [new RuleProblem("(json)", $"malformed JSON: {e.Message}")]);
        }
    }

    /// <summary>Parses a JSON array of rules; ids must be unique.</summary>
    public static RuleListParseResult ParseList(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return new RuleListParseResult([], [new RuleProblem("(root)", $"must be an array of rules, got {RuleJsonReader.Describe(element)}")]);
        }

        var rules = new List<RuleDefinition>();
        var problems = new List<RuleProblem>();
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int index = 0;
        foreach (var item in element.EnumerateArray())
        {
            string prefix = string.Create(CultureInfo.InvariantCulture, $"[{index}].");
            var result = Parse(item, prefix);
            problems.AddRange(result.Problems);
            if (result.Rule is { } rule)
            {
                if (firstIndex.TryGetValue(rule.Id, out int first))
                {
                    problems.Add(new RuleProblem(prefix + "id", $"'{rule.Id}' is also the id of [{first}]"));
                }
                else
                {
                    firstIndex[rule.Id] = index;
                    rules.Add(rule);
                }
            }

            index++;
        }

        return new RuleListParseResult(rules, problems);
    }

    public static string Serialize(RuleDefinition rule)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, rule);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Serialize(IEnumerable<RuleDefinition> rules)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var rule in rules)
            {
                Write(writer, rule);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Utf8JsonWriter writer, RuleDefinition rule)
    {
        writer.WriteStartObject();
        writer.WriteString("id", rule.Id);
        writer.WriteString("name", rule.Name);
        writer.WriteString("type", rule.Type.ToText());
        writer.WriteString("severity", rule.Severity.ToText());
        writer.WriteString("interval", rule.Interval.Name);
        writer.WriteNumber("pendingBars", rule.PendingBars);
        writer.WriteNumber("keepFiringBars", rule.KeepFiringBars);
        if (rule.Evaluate != EvaluationMode.Bar)
        {
            writer.WriteString("evaluate", rule.Evaluate.ToText());
        }

        // Written only when not the default, so the JSON (and fingerprint) of a rule without them stays as it was.
        if (rule.Labels.Count > 0)
        {
            writer.WriteStartObject("labels");
            foreach (var (key, value) in rule.Labels)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        if (!rule.Enabled)
        {
            writer.WriteBoolean("enabled", false);
        }

        if (rule.Until is { } until)
        {
            writer.WriteString("until", until.ToUniversalTime());
        }

        if (rule.ActiveWhen is { } activeWhen)
        {
            writer.WritePropertyName("activeWhen");
            writer.WriteRawValue(activeWhen.Json);
        }

        if (rule.ForEach is { } forEach)
        {
            writer.WriteStartArray("forEach");
            foreach (string pattern in forEach.Patterns)
            {
                writer.WriteStringValue(pattern);
            }

            writer.WriteEndArray();
        }

        writer.WriteStartObject("params");
        WriteParameters(writer, rule.Parameters);
        WriteAge(writer, "maxInputAge", rule.Ages.Any);
        WriteAge(writer, "maxPriceAge", rule.Ages.Price);
        WriteAge(writer, "maxInventoryAge", rule.Ages.Inventory);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteParameters(Utf8JsonWriter w, RuleParameters parameters)
    {
        switch (parameters)
        {
            case ThresholdParameters p:
                w.WriteString("input", p.Input.ToString());
                w.WriteString("op", p.Op.ToText());
                w.WriteNumber("value", p.Value);
                break;
            case PercentMoveParameters p:
                w.WriteString("input", p.Input.ToString());
                WriteWindow(w, p.Window);
                w.WriteNumber("minPct", p.MinPct);
                break;
            case IndicatorCrossParameters p:
                w.WriteString("fast", p.Fast.ToString());
                w.WriteString("slow", p.Slow.ToString());
                w.WriteString("direction", p.Direction.ToText());
                break;
            case PriceFlowDivergenceParameters p:
                w.WriteString("price", p.Price.ToString());
                w.WriteString("flow", p.Flow.ToString());
                WriteWindow(w, p.Window);
                w.WriteNumber("minPriceChangePct", p.MinPriceChangePct);
                w.WriteNumber("minFlowChangePct", p.MinFlowChangePct);
                if (p.Direction != DivergenceDirection.Both)
                {
                    w.WriteString("direction", p.Direction.ToText());
                }

                break;
            case InventoryDrawdownParameters p:
                w.WriteString("input", p.Input.ToString());
                WriteWindow(w, p.Window);
                WriteOptional(w, "minPerDay", p.MinPerDay);
                WriteOptional(w, "minPct", p.MinPct);
                WriteUnit(w, p.Unit);
                break;
            case CrossVenueFlowParameters p:
                w.WriteString("from", p.From.ToString());
                w.WriteString("to", p.To.ToString());
                WriteWindow(w, p.Window);
                w.WriteNumber("minTransfer", p.MinTransfer);
                WriteUnit(w, p.Unit);
                break;
            case RatioZScoreParameters p:
                w.WriteString("numerator", p.Numerator.ToString());
                w.WriteString("denominator", p.Denominator.ToString());
                WriteWindow(w, p.Window);
                w.WriteNumber("z", p.Z);
                break;
            case SpreadParameters p:
                w.WriteString("near", p.Near.ToString());
                w.WriteString("far", p.Far.ToString());
                w.WriteString("op", p.Op.ToText());
                WriteOptional(w, "value", p.Value);
                break;
            case StockToUseParameters p:
                w.WriteString("input", p.Input.ToString());
                w.WriteNumber("annualUse", p.AnnualUse);
                w.WriteNumber("maxDays", p.MaxDays);
                WriteUnit(w, p.Unit);
                break;
            case RsiDivergenceParameters p:
                w.WriteString("input", p.Input.ToString());
                w.WriteNumber("period", p.Period);
                w.WriteNumber("lookback", p.Lookback);
                break;
            case ExpressionParameters p:
                w.WriteString("condition", p.Condition);
                if (p.Message is not null)
                {
                    w.WriteString("message", p.Message);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(parameters), parameters.GetType().Name, "unknown rule parameters");
        }
    }

    private static void WriteWindow(Utf8JsonWriter w, RuleWindow window) =>
        w.WriteString("window", window.Text.Length > 0 ? window.Text : RuleWindow.IsoDuration(window.Duration));

    private static void WriteOptional(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } number)
        {
            w.WriteNumber(name, number);
        }
    }

    private static void WriteUnit(Utf8JsonWriter w, QuantityUnit? unit)
    {
        if (unit is { } u)
        {
            w.WriteString("unit", u.Symbol());
        }
    }

    private static void WriteAge(Utf8JsonWriter w, string name, TimeSpan? age)
    {
        if (age is { } value)
        {
            w.WriteString(name, RuleWindow.IsoDuration(value));
        }
    }

    private static RuleParseResult Parse(JsonElement root, string prefix)
    {
        var r = new RuleJsonReader(prefix);
        if (root.ValueKind != JsonValueKind.Object)
        {
            r.Add("(root)", $"a rule is a JSON object, got {RuleJsonReader.Describe(root)}");
            return new RuleParseResult(null, r.Problems);
        }

        r.CheckFields(root, "", TopFields, "a rule");
        string? id = CheckId(r, r.String(root, "", "id", required: true));
        string? name = CheckName(r, r.String(root, "", "name", required: false));
        var type = r.Choice<RuleType>(root, "", "type", required: true);
        if (type == RuleType.SourceLate)
        {
            r.Add("type", "sourceLate alerts are raised by data sources (/api/v1/sources), not by rules");
            type = null;
        }

        var severity = r.Choice<AlertSeverity>(root, "", "severity", required: false) ?? AlertSeverity.Warning;
        var interval = ParseInterval(r, root);
        int pendingBars = r.Integer(root, "", "pendingBars", required: false, 0, MaxBars) ?? 0;
        int keepFiringBars = r.Integer(root, "", "keepFiringBars", required: false, 0, MaxBars) ?? 0;
        var evaluate = r.Choice<EvaluationMode>(root, "", "evaluate", required: false) ?? EvaluationMode.Bar;
        var labels = r.Labels(root, "labels");
        bool enabled = r.Boolean(root, "", "enabled") ?? true;
        var until = r.Time(root, "", "until");
        var activeWhen = ParseActiveWhen(r, root);
        var forEach = ParseForEach(r, root, type);

        RuleParameters? parameters = null;
        InputAgeLimits? ages = null;
        if (r.TryGet(root, "", "params", required: true, out var p))
        {
            if (p.ValueKind != JsonValueKind.Object)
            {
                r.Add("params", $"must be an object, got {RuleJsonReader.Describe(p)}");
            }
            else if (type is { } ruleType)
            {
                parameters = ParseParameters(r, ruleType, p, interval, forEach is null ? null : ForEachRules.Placeholder);
                ages = ParseAges(r, p);
            }
        }

        if (forEach is not null && parameters is not null)
        {
            CheckForEach(r, parameters);
        }

        if (parameters is not null)
        {
            CheckCombination(r, parameters, evaluate, pendingBars);
        }

        if (r.Problems.Count > 0 || id is null || parameters is null || ages is null || interval is null || labels is null)
        {
            return new RuleParseResult(null, r.Problems);
        }

        return new RuleParseResult(
            new RuleDefinition
            {
                Id = id,
                Name = name ?? id,
                Parameters = parameters,
                Severity = severity,
                Interval = interval.Value,
                PendingBars = pendingBars,
                KeepFiringBars = keepFiringBars,
                Evaluate = evaluate,
                Ages = ages,
                Labels = labels ?? RuleLabels.Empty,
                Enabled = enabled,
                Until = until,
                ActiveWhen = activeWhen,
                ForEach = forEach,
            },
            r.Problems);
    }

    /// <summary><c>forEach</c>: for expression rules, a list of instrument ids and patterns; null when absent.</summary>
    private static InstrumentPatterns? ParseForEach(RuleJsonReader r, JsonElement root, RuleType? type)
    {
        if (!r.TryGet(root, "", "forEach", required: false, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (type is { } t && t != RuleType.Expression)
        {
            r.Add("forEach", $"applies to expression rules, whose condition names each instrument as '$'; a {t.ToText()} rule names its inputs");
            return null;
        }

        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            r.Add("forEach", $"must be an array of instrument ids or patterns, such as [\"ETF:*\"], got {RuleJsonReader.Describe(element)}");
            return null;
        }

        if (!InstrumentPatterns.TryCreate([.. element.EnumerateArray().Select(e => e.GetString()!)], out var patterns, out string error))
        {
            r.Add("forEach", error);
            return null;
        }

        return patterns;
    }

    /// <summary>A forEach condition names its instrument as <c>$</c>, and reads nothing else (each member runs in its instrument's grain).</summary>
    private static void CheckForEach(RuleJsonReader r, RuleParameters parameters)
    {
        if (!parameters.Inputs.Any(i => i.Instrument == ForEachRules.Placeholder))
        {
            r.Add("params.condition", "a forEach rule names each instrument as '$' in its condition, as in $@rsi(14) > 70 or pctChange($/holdings, P5D) < -2");
        }
        else if (parameters.Inputs.FirstOrDefault(i => i.Instrument != ForEachRules.Placeholder) is { Instrument.Value: not null } other)
        {
            r.Add("params.condition", $"a forEach condition reads only '$' (its price, bars, indicators and series); it also reads {other}");
        }
    }

    private static RuleActiveTimes? ParseActiveWhen(RuleJsonReader r, JsonElement root)
    {
        if (!r.TryGet(root, "", "activeWhen", required: false, out var element))
        {
            return null;
        }

        var (times, problems) = RuleActiveTimes.Read(element, "activeWhen");
        foreach (var problem in problems)
        {
            r.Add(problem.Path, problem.Message);
        }

        return times;
    }

    private static string? CheckId(RuleJsonReader r, string? id)
    {
        if (id is null)
        {
            return null;
        }

        bool valid = id.Length is > 0 and <= MaxIdLength && char.IsAsciiLetterOrDigit(id[0])
            && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
        if (!valid)
        {
            r.Add("id", $"'{UntrustedText.Printable(id)}' is not a rule id: 1 to {MaxIdLength} of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit");
            return null;
        }

        return id;
    }

    private static string? CheckName(RuleJsonReader r, string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            r.Add("name", $"must be 1 to {MaxNameLength} characters and not blank");
            return null;
        }

        int control = name.AsSpan().IndexOfAnyInRange('\0', '\u001F');
        if (control >= 0 || name.Contains('\u007F', StringComparison.Ordinal))
        {
            r.Add("name", $"'{UntrustedText.Printable(name)}' contains a control character");
            return null;
        }

        return name;
    }

    private static BarInterval? ParseInterval(RuleJsonReader r, JsonElement root)
    {
        string? text = r.String(root, "", "interval", required: false);
        if (text is null)
        {
            return root.TryGetProperty("interval", out var given) && given.ValueKind is not JsonValueKind.Null ? null : BarInterval.OneDay;
        }

        if (!BarInterval.TryParse(text, out var interval, out string error))
        {
            r.Add("interval", error);
            return null;
        }

        return interval;
    }

    private static InputAgeLimits ParseAges(RuleJsonReader r, JsonElement p) =>
        new(r.Duration(p, "params", "maxInputAge"), r.Duration(p, "params", "maxPriceAge"), r.Duration(p, "params", "maxInventoryAge"));

    private static RuleParameters? ParseParameters(RuleJsonReader r, RuleType type, JsonElement p, BarInterval? interval, InstrumentId? each)
    {
        const string P = "params";
        string owner = $"a {type.ToText()} rule's params";
        switch (type)
        {
            case RuleType.Threshold:
            {
                r.CheckFields(p, P, Fields("input", "op", "value"), owner);
                var input = r.Input(p, P, "input", true, InputKinds.Any);
                var op = r.Choice<ThresholdOp>(p, P, "op", true);
                var value = r.Number(p, P, "value", true, positive: false);
                return input is { } i && op is { } o && value is { } v ? new ThresholdParameters(i, o, v) : null;
            }

            case RuleType.PercentMove:
            {
                r.CheckFields(p, P, Fields("input", "window", "minPct"), owner);
                var input = r.Input(p, P, "input", true, InputKinds.Any);
                var window = r.Window(p, P, "window", true, interval, minBars: 1);
                var minPct = r.Number(p, P, "minPct", true, positive: true);
                return input is { } i && window is { } w && minPct is { } m ? new PercentMoveParameters(i, w, m) : null;
            }

            case RuleType.IndicatorCross:
            {
                r.CheckFields(p, P, Fields("fast", "slow", "direction"), owner);
                var fast = r.Input(p, P, "fast", true, InputKinds.PriceOrIndicator);
                var slow = r.Input(p, P, "slow", true, InputKinds.PriceOrIndicator);
                var direction = r.Choice<CrossDirection>(p, P, "direction", false) ?? CrossDirection.Both;
                return Distinct(r, "slow", fast, slow, "fast") && fast is { } f && slow is { } s
                    ? new IndicatorCrossParameters(f, s, direction)
                    : null;
            }

            case RuleType.PriceFlowDivergence:
            {
                r.CheckFields(p, P, Fields("price", "flow", "window", "minPriceChangePct", "minFlowChangePct", "direction"), owner);
                var price = r.Input(p, P, "price", true, InputKinds.Price);
                var flow = r.Input(p, P, "flow", true, InputKinds.Series);
                var window = r.Window(p, P, "window", true, interval, minBars: 1);
                var minPrice = r.Number(p, P, "minPriceChangePct", true, positive: true);
                var minFlow = r.Number(p, P, "minFlowChangePct", true, positive: true);
                var direction = r.Choice<DivergenceDirection>(p, P, "direction", false) ?? DivergenceDirection.Both;
                return price is { } pr && flow is { } fl && window is { } w && minPrice is { } mp && minFlow is { } mf
                    ? new PriceFlowDivergenceParameters(pr, fl, w, mp, mf, direction)
                    : null;
            }

            case RuleType.InventoryDrawdown:
            {
                r.CheckFields(p, P, Fields("input", "window", "minPerDay", "minPct", "unit"), owner);
                var input = r.Input(p, P, "input", true, InputKinds.Series);
                var window = r.Window(p, P, "window", true, interval, minBars: 1);
                var minPerDay = r.Number(p, P, "minPerDay", false, positive: true);
                var minPct = r.Number(p, P, "minPct", false, positive: true);
                var unit = r.Unit(p, P, "unit");
                bool bounds = true;
                if (p.TryGetProperty("minPerDay", out _) == p.TryGetProperty("minPct", out _))
                {
                    r.Add("params.minPerDay", "give exactly one of minPerDay (outflow per day) and minPct (percent lost over the window)");
                    bounds = false;
                }
                else if (unit is not null && !p.TryGetProperty("minPerDay", out _))
                {
                    r.Add("params.unit", "applies to minPerDay only; minPct is a percentage");
                    bounds = false;
                }

                return bounds && input is { } i && window is { } w && (minPerDay is not null || minPct is not null)
                    ? new InventoryDrawdownParameters(i, w, minPerDay, minPct, unit)
                    : null;
            }

            case RuleType.CrossVenueFlow:
            {
                r.CheckFields(p, P, Fields("from", "to", "window", "minTransfer", "unit"), owner);
                var from = r.Input(p, P, "from", true, InputKinds.Series);
                var to = r.Input(p, P, "to", true, InputKinds.Series);
                var window = r.Window(p, P, "window", true, interval, minBars: 1);
                var minTransfer = r.Number(p, P, "minTransfer", true, positive: true);
                var unit = r.Unit(p, P, "unit");
                return Distinct(r, "to", from, to, "from") && from is { } f && to is { } t && window is { } w && minTransfer is { } m
                    ? new CrossVenueFlowParameters(f, t, w, m, unit)
                    : null;
            }

            case RuleType.RatioZScore:
            {
                r.CheckFields(p, P, Fields("numerator", "denominator", "window", "z"), owner);
                var numerator = r.Input(p, P, "numerator", true, InputKinds.Any);
                var denominator = r.Input(p, P, "denominator", true, InputKinds.Any);
                var window = r.Window(p, P, "window", true, interval, minBars: 2);
                var z = r.Number(p, P, "z", true, positive: true);
                return Distinct(r, "denominator", numerator, denominator, "numerator") && numerator is { } n && denominator is { } d
                    && window is { } w && z is { } zz
                    ? new RatioZScoreParameters(n, d, w, zz)
                    : null;
            }

            case RuleType.Spread:
            {
                r.CheckFields(p, P, Fields("near", "far", "op", "value"), owner);
                var near = r.Input(p, P, "near", true, InputKinds.Any);
                var far = r.Input(p, P, "far", true, InputKinds.Any);
                var op = r.Choice<SpreadOp>(p, P, "op", true);
                bool needsValue = op is SpreadOp.Above or SpreadOp.Below;
                var value = r.Number(p, P, "value", needsValue, positive: false);
                bool valueOk = true;
                if (op is SpreadOp.Backwardation or SpreadOp.Contango && p.TryGetProperty("value", out _))
                {
                    r.Add("params.value", $"does not apply to '{op.Value.ToText()}', which compares near with far");
                    valueOk = false;
                }

                return Distinct(r, "far", near, far, "near") && valueOk && near is { } ne && far is { } fa && op is { } o
                    && (!needsValue || value is not null)
                    ? new SpreadParameters(ne, fa, o, needsValue ? value : null)
                    : null;
            }

            case RuleType.StockToUse:
            {
                r.CheckFields(p, P, Fields("input", "annualUse", "maxDays", "unit"), owner);
                var input = r.Input(p, P, "input", true, InputKinds.Series);
                var annualUse = r.Number(p, P, "annualUse", true, positive: true);
                var maxDays = r.Number(p, P, "maxDays", true, positive: true);
                var unit = r.Unit(p, P, "unit");
                return input is { } i && annualUse is { } a && maxDays is { } m ? new StockToUseParameters(i, a, m, unit) : null;
            }

            case RuleType.RsiDivergence:
            {
                r.CheckFields(p, P, Fields("input", "period", "lookback"), owner);
                var input = r.Input(p, P, "input", true, InputKinds.Price);
                int? period = r.Integer(p, P, "period", false, 2, 1000);
                int? lookback = r.Integer(p, P, "lookback", true, 2, 1000);
                bool periodGiven = p.TryGetProperty("period", out var given) && given.ValueKind != JsonValueKind.Null;
                return input is { } i && lookback is { } l && (period is not null || !periodGiven)
                    ? new RsiDivergenceParameters(i, period ?? 14, l)
                    : null;
            }

            case RuleType.Expression:
            {
                r.CheckFields(p, P, Fields("condition", "message"), owner);
                string? condition = r.String(p, P, "condition", true);
                string? message = r.String(p, P, "message", false);
                if (condition is null || interval is not { } bar)
                {
                    return null;
                }

                if (!ExpressionParameters.TryCreate(condition, message, bar, out var parameters, out var problems, each))
                {
                    foreach (var problem in problems)
                    {
                        r.Add(problem.Field, problem.Message);
                    }

                    return null;
                }

                return parameters;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    private static string[] Fields(params string[] names) => [.. names, .. AgeFields];

    private static bool Distinct(RuleJsonReader r, string field, RuleInput? first, RuleInput? second, string firstField)
    {
        if (first is { } a && second is { } b && a == b)
        {
            r.Add($"params.{field}", $"'{b}' is the same input as params.{firstField}");
            return false;
        }

        return true;
    }

    /// <summary>Checks that need the whole definition: what tick evaluation and pendingBars mean for this rule.</summary>
    private static void CheckCombination(RuleJsonReader r, RuleParameters parameters, EvaluationMode evaluate, int pendingBars)
    {
        if (evaluate == EvaluationMode.Tick)
        {
            if (parameters is RsiDivergenceParameters)
            {
                r.Add("evaluate", "'tick' is not supported by rsiDivergence, which compares closed bars");
            }
            else if (!parameters.Inputs.Any(i => i.Kind == RuleInputKind.Price))
            {
                r.Add("evaluate", "'tick' needs a price input; indicators and inventory series change only when a bar closes or a value is published");
            }
        }

        bool cross = parameters is IndicatorCrossParameters
            || parameters is ThresholdParameters { Op: ThresholdOp.CrossesAbove or ThresholdOp.CrossesBelow };
        if (cross && pendingBars > 0)
        {
            r.Add("pendingBars", "must be 0 for a cross, which holds at the one evaluation where it happens; use keepFiringBars to keep the alert firing");
        }
    }
}
