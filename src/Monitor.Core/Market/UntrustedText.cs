using System.Globalization;

namespace Monitor.Core.Market;

/// <summary>Text from clients, made safe to put in an error message or a log line.</summary>
public static class UntrustedText
{
    /// <summary>Shortens and escapes untrusted text so an error message stays readable.</summary>
    public static string Printable(string text)
    {
        const int MaxShown = 40;
        var shown = text.Length > MaxShown ? text[..MaxShown] + "..." : text;
        var builder = new System.Text.StringBuilder(shown.Length);
        foreach (char c in shown)
        {
            if (IsInvisible(c) || c == '\uFFFD')
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Characters a terminal or log viewer would hide, reorder or mangle (NUL, zero-width, RTL marks...).</summary>
    private static bool IsInvisible(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned;
}
