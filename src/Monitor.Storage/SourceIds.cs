namespace Monitor.Storage;

internal static class SourceIds
{
    /// <summary><paramref name="segment"/> if it is safe as one path segment (letters, digits, '-', '_', '.' and not
    /// only dots); the API allows no other source ids, so anything else is a bug.</summary>
    public static string CheckedPathSegment(string segment) =>
        segment.Length is > 0 and <= 128 && segment.Trim('.').Length > 0
        && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? segment
            : throw new ArgumentException($"'{segment}' cannot name an archive folder or file", nameof(segment));
}
