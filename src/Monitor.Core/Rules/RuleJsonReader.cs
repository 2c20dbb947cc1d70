using System.Globalization;
using System.Text.Json;
using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// Reads the fields of a rule's JSON object, collecting every problem (with the field's path) instead of stopping at
/// the first. Each reader returns null when the field is absent or wrong, and records why when it is wrong.
/// </summary>
internal sealed class RuleJsonReader(string prefix)
{
    public List<RuleProblem> Problems { get; } = [];

    public void Add(string field, string message) => Problems.Add(new RuleProblem(prefix + field, message));

    public static string Path(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    /// <summary>Reports fields the object should not have, and fields given twice.</summary>
    public void CheckFields(JsonElement obj, string path, IReadOnlyList<string> known, string owner)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            string field = Path(path, UntrustedText.Printable(property.Name));
            if (!seen.Add(property.Name))
            {
                Add(field, "is given more than once");
                continue;
            }

            if (known.Contains(property.Name))
            {
                continue;
            }

            string? near = known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
            Add(field, near is not null
                ? $"is not a field of {owner}; did you mean '{near}'?"
                : $"is not a field of {owner}; its fields are {string.Join(", ", known)}");
        }
    }

    public bool TryGet(JsonElement obj, string path, string name, bool required, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            Add(Path(path, name), "is required");
        }

        return false;
    }

    public string? String(JsonElement obj, string path, string name, bool required)
    {
        if (!TryGet(obj, path, name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add(Path(path, name), $"must be a string, got {Describe(value)}");
            return null;
        }

        return value.GetString();
    }

    public double? Number(JsonElement obj, string path, string name, bool required, bool positive)
    {
        if (!TryGet(obj, path, name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            Add(Path(path, name), value.ValueKind == JsonValueKind.Number
                ? $"{value.GetRawText()} is not a finite number"
                : $"must be a number, got {Describe(value)}");
            return null;
        }

        if (positive && number <= 0)
        {
            Add(Path(path, name), $"must be above 0, got {Format(number)}");
            return null;
        }

        return number;
    }

    public int? Integer(JsonElement obj, string path, string name, bool required, int min, int max)
    {
        if (!TryGet(obj, path, name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number)
            || number != Math.Floor(number) || number < min || number > max)
        {
            Add(Path(path, name), $"must be a whole number from {min} to {max}, got {Shown(value)}");
            return null;
        }

        return (int)number;
    }

    public T? Choice<T>(JsonElement obj, string path, string name, bool required)
        where T : struct, Enum
    {
        string? text = String(obj, path, name, required);
        if (text is null)
        {
            return null;
        }

        if (RuleText.TryParse(text, out T value))
        {
            return value;
        }

        string? near = Enum.GetValues<T>().Select(v => v.ToText())
            .FirstOrDefault(t => string.Equals(t, text, StringComparison.OrdinalIgnoreCase));
        Add(Path(path, name), near is not null
            ? $"'{UntrustedText.Printable(text)}' must be written '{near}'"
            : $"'{UntrustedText.Printable(text)}' is not one of {RuleText.Choices<T>()}");
        return null;
    }

    public RuleInput? Input(JsonElement obj, string path, string name, bool required, InputKinds kinds)
    {
        string? text = String(obj, path, name, required);
        if (text is null)
        {
            return null;
        }

        string field = Path(path, name);
        if (!RuleInput.TryParse(text, out var input, out string error))
        {
            Add(field, error);
            return null;
        }

        bool allowed = input.Kind switch
        {
            RuleInputKind.Price => kinds.HasFlag(InputKinds.Price),
            RuleInputKind.Series => kinds.HasFlag(InputKinds.Series),
            _ => kinds.HasFlag(InputKinds.Indicator),
        };
        if (!allowed)
        {
            string what = input.Kind switch
            {
                RuleInputKind.Price => "a price",
                RuleInputKind.Series => "an inventory series",
                _ => "an indicator",
            };
            string wanted = kinds switch
            {
                InputKinds.Price => $"a price such as {input.Instrument}",
                InputKinds.Series => "an inventory series, INSTRUMENT/series, such as ETF:SLV/holdings or COMEX:SI/registered",
                _ => $"a price such as {input.Instrument} or an indicator such as {input.Instrument}@rsi(14)",
            };
            Add(field, $"'{input}' is {what}; write {wanted}");
            return null;
        }

        return input;
    }

    /// <summary>A window, checked against the interval when that is known: at least <paramref name="minBars"/> bars, at most <see cref="RuleWindow.MaxBars"/>.</summary>
    public RuleWindow? Window(JsonElement obj, string path, string name, bool required, BarInterval? interval, int minBars)
    {
        if (!TryGet(obj, path, name, required, out var value))
        {
            return null;
        }

        string field = Path(path, name);
        string? text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (text is null)
        {
            Add(field, $"must be an ISO-8601 duration or a bar count (\"P15D\", \"20\"), got {Describe(value)}");
            return null;
        }

        if (!RuleWindow.TryParse(text, out var window, out string error))
        {
            Add(field, error);
            return null;
        }

        if (interval is not { } bar)
        {
            return window;
        }

        if (!RuleWindow.FitsInterval(window, bar, minBars, out error))
        {
            Add(field, error);
            return null;
        }

        return window;
    }

    public bool? Boolean(JsonElement obj, string path, string name)
    {
        if (!TryGet(obj, path, name, required: false, out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Add(Path(path, name), $"must be true or false, got {Describe(value)}");
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>An ISO-8601 time with an offset (<c>2026-06-30T00:00:00Z</c>).</summary>
    public DateTimeOffset? Time(JsonElement obj, string path, string name)
    {
        string? text = String(obj, path, name, required: false);
        if (text is null)
        {
            return null;
        }

        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var local)
            || local.Kind == DateTimeKind.Unspecified
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            Add(Path(path, name), $"'{UntrustedText.Printable(text)}' is not an ISO-8601 time with an offset, such as 2026-06-30T00:00:00Z");
            return null;
        }

        return time.ToUniversalTime();
    }

    /// <summary>
    /// The rule's <c>labels</c>: an object of string values, each key and value checked by <see cref="RuleLabels"/>
    /// at most <see cref="RuleLabels.MaxCount"/>. Absent or null: no labels. Null when wrong.
    /// </summary>
    public RuleLabels? Labels(JsonElement obj, string name)
    {
        if (!TryGet(obj, "", name, required: false, out var value))
        {
            return RuleLabels.Empty;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Add(name, $"must be an object of string values, such as {{\"desk\":\"precious\"}}, got {Describe(value)}");
            return null;
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        bool ok = true;
        int count = 0;
        foreach (var property in value.EnumerateObject())
        {
            count++;
            string? key = Text(() => property.Name);
            string field = Path(name, UntrustedText.Printable(key ?? "?"));
            string? keyError = key is null ? "is not valid Unicode (a lone surrogate)" : RuleLabels.CheckKey(key);
            if (keyError is not null)
            {
                Add(field, $"is not a label key: {keyError}");
                ok = false;
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                Add(field, $"must be a string, got {Describe(property.Value)}");
                ok = false;
                continue;
            }

            string? text = Text(() => property.Value.GetString()!);
            string? valueError = text is null ? "is not valid Unicode (a lone surrogate)" : RuleLabels.CheckValue(text);
            if (valueError is not null)
            {
                Add(field, valueError);
                ok = false;
            }
            else if (!pairs.TryAdd(key!, text!))
            {
                Add(field, "is given more than once");
                ok = false;
            }
        }

        if (count > RuleLabels.MaxCount)
        {
            Add(name, $"has {count} labels; at most {RuleLabels.MaxCount}");
            ok = false;
        }

        return ok ? RuleLabels.From(pairs) : null;
    }

    /// <summary>A string from the JSON, or null when its escapes are not valid UTF-16 (a lone surrogate), which System.Text.Json refuses to read.</summary>
    private static string? Text(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public TimeSpan? Duration(JsonElement obj, string path, string name)
    {
        string? text = String(obj, path, name, required: false);
        if (text is null)
        {
            return null;
        }

        if (!RuleWindow.TryParseDuration(text.Trim().ToUpperInvariant(), out var duration, out string? error))
        {
            Add(Path(path, name), $"'{UntrustedText.Printable(text)}' {error ?? "is not an ISO-8601 duration (P5D, PT6H)"}");
            return null;
        }

        return duration;
    }

    public QuantityUnit? Unit(JsonElement obj, string path, string name)
    {
        string? text = String(obj, path, name, required: false);
        if (text is null)
        {
            return null;
        }

        if (!QuantityUnits.TryParse(text, out var unit))
        {
            Add(Path(path, name), $"'{UntrustedText.Printable(text)}' is not a unit; known: {string.Join(", ", QuantityUnits.Symbols)}");
            return null;
        }

        return unit;
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{UntrustedText.Printable(value.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    private static string Shown(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Describe(value);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The kinds of input a parameter accepts.</summary>
[Flags]
internal enum InputKinds
{
    None = 0,
    Price = 1,
    Series = 2,
    Indicator = 4,
    PriceOrIndicator = Price | Indicator,
    Any = Price | Series | Indicator,
}
