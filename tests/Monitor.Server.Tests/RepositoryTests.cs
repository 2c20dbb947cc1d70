using System.Text.RegularExpressions;

namespace Monitor.Server.Tests;

/// <summary>The repository stands alone: no file sends a reader to a document a clone does not have.</summary>
public sealed partial class RepositoryTests
{
    private static readonly string[] Skipped = [".git", ".ci", "bin", "obj", "node_modules"];
    private static readonly string[] TextExtensions = [".cs", ".md", ".ts", ".json", ".sql", ".sh", ".yml", ".yaml", ".props", ".csproj", ".example", ".service", ".html", ".css"];

    [Fact]
    public void NoFile_RefersToDocumentsOutsideTheRepository()
    {
        var offending = Files()
            .Where(f => TextExtensions.Contains(Path.GetExtension(f)))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => OutsideDocument().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(TestRepository.Root, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offending.Count == 0, string.Join("\n", offending));
    }

    [Fact]
    public void EveryRelativeLinkInTheDocs_PointsToAFileThatExists()
    {
        var broken = new List<string>();
        foreach (string file in Files().Where(f => f.EndsWith(".md", StringComparison.Ordinal)))
        {
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(file)))
            {
                string target = link.Groups[1].Value;
                if (!File.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)) && !Directory.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)))
                {
                    broken.Add($"{Path.GetRelativePath(TestRepository.Root, file)}: {target}");
                }
            }
        }

        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
    }

    private static IEnumerable<string> Files() => Walk(new DirectoryInfo(TestRepository.Root));

    private static IEnumerable<string> Walk(DirectoryInfo directory) =>
        directory.EnumerateFiles().Select(f => f.FullName)
            .Concat(directory.EnumerateDirectories().Where(d => !Skipped.Contains(d.Name)).SelectMany(Walk));

    [GeneratedRegex(@"CONTRACT\.md|DESIGN\.md|\.\./shared\b|\bshared/(reference|data)\b")]
    private static partial Regex OutsideDocument();

    /// <summary>A markdown link to a relative path (no scheme, no bare anchor), without its anchor.</summary>
    [GeneratedRegex(@"\]\((?![a-z]+:|#)([^)#\s]+)(?:#[^)]*)?\)")]
    private static partial Regex MarkdownLink();
}
