using Monitor.Core.Market;

namespace Monitor.Server.Api;

/// <summary>
/// The free text people send when they act on alerts (acknowledge, assign, shelve, comment): a name is required, one
/// line, at most <see cref="MaxName"/> characters; a comment at most <see cref="MaxComment"/>, and neither may hold
/// control characters other than a comment's line breaks and tabs (they would hide or garble text on the board and in logs).
/// </summary>
internal static class PersonText
{
    public const int MaxName = 100;
    public const int MaxComment = 2000;

    /// <summary>The trimmed name, or null with the problem added.</summary>
    public static string? Name(string? value, string field, string purpose, List<string> problems)
    {
        string? name = value?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxName)
        {
            problems.Add($"'{field}' is required: {purpose}, at most {MaxName} characters");
            return null;
        }

        if (name.Any(char.IsControl))
        {
            problems.Add($"'{field}' '{UntrustedText.Printable(name)}' holds control characters");
            return null;
        }

        return name;
    }

    /// <summary>The trimmed comment (null when absent or blank and not <paramref name="required"/>), adding a problem if it is too long or holds control characters.</summary>
    public static string? Comment(string? value, string field, bool required, List<string> problems)
    {
        string? text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                problems.Add($"'{field}' is required: the comment's text, at most {MaxComment} characters");
            }

            return null;
        }

        if (text.Length > MaxComment)
        {
            problems.Add($"'{field}' may be at most {MaxComment} characters");
        }
        else if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            problems.Add($"'{field}' holds control characters other than line breaks and tabs");
        }

        return text;
    }
}
