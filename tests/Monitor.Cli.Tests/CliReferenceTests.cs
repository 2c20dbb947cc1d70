using System.CommandLine;
using Monitor.Testing;

namespace Monitor.Cli.Tests;

/// <summary>docs/api.md's CLI table against the command tree <c>monitor --help</c> shows: every command has a row, and the
/// row names each of its options.</summary>
public sealed class CliReferenceTests
{
    [Fact]
    public void EveryCommandAndOption_IsInTheCliTable()
    {
        var rows = ApiReference.TableRows(ApiReference.Section("CLI")).Select(row => ApiReference.CodeSpans(row[0]) is [var first, ..] ? first : "").ToList();
        var missing = new List<string>();
        foreach (var (path, command) in Commands(MonitorCommand.Create(), "monitor"))
        {
            string? row = rows.FirstOrDefault(r => r == path || r.StartsWith(path + " ", StringComparison.Ordinal));
            if (row is null)
            {
                missing.Add($"{path}: no row");
                continue;
            }

            var words = row.Split([' ', '[', ']', '='], StringSplitOptions.RemoveEmptyEntries);
            missing.AddRange(command.Options.Where(o => !o.Hidden && !o.Recursive && !words.Contains(o.Name, StringComparer.Ordinal))
                .Select(o => $"{path}: option {o.Name} not named"));
        }

        Assert.True(missing.Count == 0, "docs/api.md, CLI, lacks:\n" + string.Join("\n", missing));
    }

    /// <summary>The commands that do something (those without subcommands), by their path from the root.</summary>
    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path) =>
        command.Subcommands.Count == 0
            ? [(path, command)]
            : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => Commands(c, $"{path} {c.Name}"));
}
