using System.Globalization;
using System.Text;

namespace Monitor.Core.Market;

/// <summary>
/// The location an inventory value names (a COMEX depository, an LME warehouse location, a vault): kept as the publisher
/// writes it, trimmed, and matched without regard to case. Null is the series' total over all locations.
/// </summary>
public static class InventoryLocation
{
    public const int MaxLength = 120;

    /// <summary>Compares locations as the contract matches them: ordinal, ignoring case; null (the total) equals only null.</summary>
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    public static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The form stores key a location by: upper case (the folding <see cref="StringComparison.OrdinalIgnoreCase"/>
    /// uses), and the empty string for the total, so a unique key over it treats the total as one value.
    /// </summary>
    public static string Key(string? location) => location is null ? "" : location.ToUpperInvariant();

    /// <summary>
    /// Reads a location as a client or a file gives it: trimmed, blank (or null) meaning the total. Null error when
    /// valid; otherwise what is wrong: too long, or holding characters a name cannot (controls, invisible formatting,
    /// text that was not valid Unicode).
    /// </summary>
    public static bool TryNormalize(string? text, out string? location, out string error)
    {
        location = null;
        error = "";
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return true;
        }

        if (trimmed.Length > MaxLength)
        {
            error = $"'location' may be at most {MaxLength} characters, got {trimmed.Length} ('{UntrustedText.Printable(trimmed)}')";
            return false;
        }

        foreach (var rune in trimmed.EnumerateRunes())
        {
            if (rune == Rune.ReplacementChar || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                    or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
                    or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate)
            {
                error = $"'location' '{UntrustedText.Printable(trimmed)}' holds a character a name cannot (U+{rune.Value:X4}); write the name as the publisher prints it";
                return false;
            }
        }

        location = trimmed;
        return true;
    }
}
