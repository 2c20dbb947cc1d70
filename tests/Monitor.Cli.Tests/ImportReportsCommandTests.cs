using System.CommandLine;
using System.Text;
using System.Text.Json;
using Monitor.Cli.Import;
using Monitor.Core.Market;
using Monitor.Sources;
using Monitor.Storage;

namespace Monitor.Cli.Tests;

/// <summary><c>monitor import inventory --format KIND FILE...</c>: JSON lines out, problems naming file and line, all or nothing per file.</summary>
public sealed class ImportReportsCommandTests() : SqliteStoreTest("monitor-import-reports-")
{
    private const string LmeCsv = """
        ,Copper,,,,,,
        ,,,,,,,
        Country/Region,Location,Opening Stock,Delivered In,Delivered Out,Closing Stock,Open Tonnage,Cancelled Tonnage
        Germany,Hamburg,29750,0,0,29750,29750,0
        USA,New Orleans,60000,0,800,59200,40000,19200
        Total,,89750,0,800,88950,69750,19200
        +/-,,0,,,-800,,
        """;

    [Fact]
    public async Task DryRunJson_PrintsEveryValueAsAJsonLine()
    {
        string file = Write("stocks.csv", LmeCsv);

        var (exitCode, output, errors) = await InvokeAsync("--format", "lme-stocks", file, "--as-of", "2026-02-02", "--dry-run", "--json");

        Assert.Equal(0, exitCode);
        Assert.Equal("", errors);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(9, lines.Count);
        var total = Assert.Single(lines, l => l.GetProperty("series").GetString() == "stocks" && l.GetProperty("location").ValueKind == JsonValueKind.Null);
        Assert.Equal("stocks.csv", total.GetProperty("file").GetString());
        Assert.Equal("LME:CA", total.GetProperty("instrument").GetString());
        Assert.Equal("2026-02-02", total.GetProperty("asOf").GetString());
        Assert.Equal(88950, total.GetProperty("quantity").GetDouble());
        Assert.Equal("t", total.GetProperty("unit").GetString());
        Assert.Contains(lines, l => l.GetProperty("location").GetString() == "New Orleans" && l.GetProperty("series").GetString() == "cancelled");
    }

    [Fact]
    public async Task RejectedFile_ExitsOneNamingFileAndLine_AndTheOtherFilesAreStillRead()
    {
        string good = Write("good.csv", LmeCsv);
        string bad = Write("bad.csv", LmeCsv.Replace("Total,,89750,0,800,88950", "Total,,89750,0,800,90000", StringComparison.Ordinal));

        var (exitCode, output, errors) = await InvokeAsync("--format", "lme-stocks", bad, good, "--as-of", "2026-02-02", "--dry-run", "--json");

        Assert.Equal(1, exitCode);
        Assert.Contains("bad.csv: line 6: Copper: Total Closing Stock 90,000 is not the sum of the locations, 88,950", errors, StringComparison.Ordinal);
        Assert.Contains("bad.csv: rejected, nothing stored", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("bad.csv", output, StringComparison.Ordinal);
        Assert.Contains("good.csv", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_StoresTheValuesWithTheirLocations_RejectedFileStoresNothing()
    {
        string good = Write("good.csv", LmeCsv);
        string html = Write("page.csv", "<!DOCTYPE html><html><body>Service unavailable</body></html>");
        var import = new ReportImport(ReportParsers.Get("lme-stocks"), null, InstrumentCatalog.BuiltIn(), TimeProvider.System)
        {
            AsOf = new DateOnly(2026, 2, 2),
            Store = Store,
        };
        var output = new StringWriter();
        var errors = new StringWriter();

        int exitCode = await import.RunAsync([new FileInfo(html), new FileInfo(good)], output, errors, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Contains("page.csv: line 1: the file is an HTML page", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("good.csv: imported 9 inventory value(s)", output.ToString(), StringComparison.Ordinal);
        var stored = await Store.Inventory.ReadAsync(InstrumentId.Parse("LME:CA"), "stocks", null, new DateOnly(2026, 2, 2), new DateOnly(2026, 2, 2), allVersions: true);
        Assert.Contains(stored, v => v.Value.Location is null && v.Value.Quantity == 88950);
    }

    [Fact]
    public async Task WithoutFormat_TheInventoryImportTakesOneFileAsBefore()
    {
        string first = Write("a.csv", "instrument,series,asOf,quantity,unit\nETF:SLV,holdings,2026-02-02,1,oz\n");

        var (exitCode, _, errors) = await InvokeAsync(first, first);

        Assert.Equal(2, exitCode);
        Assert.Contains("takes one file without --format", errors, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(Folder.FullName, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"), Encoding.UTF8);
        return path;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> InvokeAsync(params string[] arguments)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = errors };
        int exitCode = await ImportCommand.Create().Parse(["inventory", .. arguments]).InvokeAsync(configuration);
        return (exitCode, output.ToString(), errors.ToString());
    }
}
