using System.Globalization;

namespace Monitor.Core.Market;

/// <summary>
/// An instrument id of the form <c>VENUE:CODE</c> in upper case (<c>COMEX:SI</c>, <c>ETF:SLV</c>).
/// Both parts are 1-16 characters of A-Z, 0-9, '.', '_' or '-'; the venue starts with a letter.
/// </summary>
public readonly record struct InstrumentId
{
    private const int MaxPartLength = 16;

    private InstrumentId(string value) => Value = value;

    public string Value { get; }

    public string Venue => Value[..Value.IndexOf(':', StringComparison.Ordinal)];

    public string Code => Value[(Value.IndexOf(':', StringComparison.Ordinal) + 1)..];

    public static InstrumentId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>Accepts the canonical upper-case form only, so one instrument never has two ids.</summary>
    public static bool TryParse(string? text, out InstrumentId id, out string error)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "instrument id is empty; expected VENUE:CODE such as COMEX:SI";
            return false;
        }

        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1 || text.IndexOf(':', colon + 1) >= 0)
        {
            error = $"instrument id '{UntrustedText.Printable(text)}' is not of the form VENUE:CODE (for example COMEX:SI)";
            return false;
        }

        if (colon > MaxPartLength || text.Length - colon - 1 > MaxPartLength)
        {
            error = $"instrument id '{UntrustedText.Printable(text)}' is too long: venue and code are at most {MaxPartLength} characters each";
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (i == colon || c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-')
            {
                continue;
            }

            error = c is >= 'a' and <= 'z'
                ? $"instrument id '{UntrustedText.Printable(text)}' must be upper case ('{UntrustedText.Printable(text.ToUpperInvariant())}')"
                : $"instrument id '{UntrustedText.Printable(text)}' contains '{UntrustedText.Printable(c.ToString())}' at position {i}; allowed are A-Z, 0-9, '.', '_', '-'";
            return false;
        }

        if (text[0] is < 'A' or > 'Z')
        {
            error = $"instrument id '{UntrustedText.Printable(text)}' must start with a letter";
            return false;
        }

        id = new InstrumentId(text);
        error = "";
        return true;
    }

    public override string ToString() => Value ?? "";
}
