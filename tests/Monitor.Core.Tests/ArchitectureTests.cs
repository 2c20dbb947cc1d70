using System.Text.RegularExpressions;
using System.Xml.Linq;
using Monitor.Core.Market;

namespace Monitor.Core.Tests;

/// <summary>Monitor.Core is the domain: base class library only (dependencies point inward).</summary>
public class ArchitectureTests
{
    private static readonly string[] ForbiddenPrefixes = ["Orleans", "Microsoft.Orleans", "Microsoft.AspNetCore"];

    [Fact]
    public void CoreAssembly_ReferencesOnlyTheBaseClassLibrary()
    {
        var references = CoreReferences();

        Assert.NotEmpty(references);
        Assert.All(references, name => Assert.True(
            name.StartsWith("System.", StringComparison.Ordinal) || name is "System" or "netstandard" or "mscorlib",
            $"Monitor.Core references {name}, which is not part of the base class library"));
    }

    [Fact]
    public void CoreAssembly_ReferencesNoOrleansOrAspNetCore()
    {
        Assert.All(CoreReferences(), name => Assert.DoesNotContain(
            ForbiddenPrefixes, prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void CoreProject_HasNoPackageProjectOrFrameworkReferences()
    {
        var project = XDocument.Load(Path.Combine(SolutionDirectory(), "src", "Monitor.Core", "Monitor.Core.csproj"));

        var references = project.Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference" or "FrameworkReference")
            .Select(e => $"{e.Name.LocalName} {e.Attribute("Include")?.Value ?? e.Attribute("Update")?.Value}");

        Assert.Empty(references);
    }

    /// <summary>
    /// One driver feeds every <see cref="Rules.RuleSet"/> (the grains and the backtest engine call it), so no driver can
    /// order or advance events its own way: outside the driver, only the set itself (forwarding to its rules) calls these.
    /// </summary>
    [Fact]
    public void RuleSetEvents_AreFedOnlyByThePipelineDriver()
    {
        string[] allowed = [Path.Combine("Monitor.Core", "Pipeline", "PipelineDriver.cs"), Path.Combine("Monitor.Core", "Rules", "RuleSet.cs")];
        var source = Path.Combine(SolutionDirectory(), "src");
        var calls = new Regex(@"\.(OnTick|OnBarClosed|AdvanceTo)\s*\(");

        var offenders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(file => !allowed.Contains(Path.GetRelativePath(source, file)))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, number: i + 1)))
            .Where(l => calls.IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(source, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "only PipelineDriver feeds a RuleSet:\n" + string.Join("\n", offenders));
    }

    private static List<string> CoreReferences() =>
        typeof(Bar).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

    private static string SolutionDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Monitor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Monitor.sln above {AppContext.BaseDirectory}");
    }
}
