using System.Text.RegularExpressions;
using Xunit;

namespace Monitor.Testing;

/// <summary>docs/api.md, read by the tests that hold it to what the code has.</summary>
public static partial class ApiReference
{
    /// <summary>The text under <c>## <paramref name="heading"/></c>, up to the next heading of that level.</summary>
    public static string Section(string heading)
    {
        string[] lines = File.ReadAllLines(TestRepository.PathOf("docs", "api.md"));
        int start = Array.IndexOf(lines, $"## {heading}");
        Assert.True(start >= 0, $"docs/api.md has no section ## {heading}");
        return string.Join("\n", lines.Skip(start + 1).TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal)));
    }

    /// <summary>The cells of each table row of <paramref name="section"/>, header rows left out.</summary>
    public static IReadOnlyList<string[]> TableRows(string section)
    {
        string[] lines = section.Split('\n');
        var rows = new List<string[]>();
        for (int i = 0; i < lines.Length; i++)
        {
            bool header = i + 1 < lines.Length && IsDivider(lines[i + 1]);
            if (lines[i].StartsWith('|') && !IsDivider(lines[i]) && !header)
            {
                rows.Add([.. lines[i].Trim().Trim('|').Split('|').Select(cell => cell.Trim())]);
            }
        }

        return rows;
    }

    /// <summary>The <c>`code spans`</c> of <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> CodeSpans(string text) => [.. CodeSpan().Matches(text).Select(m => m.Groups[1].Value)];

    private static bool IsDivider(string line) => line.StartsWith("|---", StringComparison.Ordinal);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
