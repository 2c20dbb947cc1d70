using System.Text;
using Monitor.Cli.Import;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage;

namespace Monitor.Cli.Tests;

/// <summary><c>monitor import</c> into a real SQLite store: what is stored, and every skipped row with its line and reason.</summary>
public sealed class ImportCommandTests() : SqliteStoreTest("monitor-import-tests-")
{
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly InstrumentId Gold = InstrumentId.Parse("COMEX:GC");
    [Fact]
    public async Task Ticks_CsvWithBomAnyOrderAndCase_StoredWithIndicesSeqDuplicatesAndLateFlags()
    {
        var result = await ImportAsync(ImportCommand.Kind.Ticks, "\uFEFFPrice,TS,Instrument,Volume,Seq\n" +
            "82.5,2026-01-14T15:30:00.1234567Z,COMEX:SI,2,1\n" +
            "\"$82.6\",2026-01-14T10:31:00-05:00,COMEX:SI,\"1,200\",2\n" +     // currency sign, thousands, an offset
            "82.7,2026-01-14T15:30:30Z,COMEX:SI,1,3\n" +                          // late: 15:30 closed at 15:31
            "82.8,2026-01-14T15:32:00Z,COMEX:SI,1,2\n" +                          // duplicate seq
            "2400,1768404720000,COMEX:GC,,\n");                                    // Unix ms, blank volume and seq

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Errors);
        Assert.Contains("imported 4 ticks of 2 instrument(s)", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 of them late, 1 duplicate(s) skipped", result.Output, StringComparison.Ordinal);
        var silver = await ReadAsync(Silver);
        Assert.Equal([1L, 2, 3], silver.Select(t => t.Index));
        Assert.Equal([false, false, true], silver.Select(t => t.Late));
        Assert.Equal(new DateTimeOffset(2026, 1, 14, 15, 30, 0, TimeSpan.Zero).AddTicks(1_234_560), silver[0].Time);   // whole microseconds
        Assert.Equal((82.6, 1200.0), (silver[1].Price, silver[1].Volume));
        Assert.Equal(new DateTimeOffset(2026, 1, 14, 15, 32, 0, TimeSpan.Zero), (await ReadAsync(Gold)).Single().Time);
        Assert.Equal(new TickMark(3, 3), await Store.Ticks.GetMarkAsync(Silver));
    }

    [Fact]
    public async Task Ticks_BadRows_EachListedWithLineAndReason_TheRestStored()
    {
        var result = await ImportAsync(ImportCommand.Kind.Ticks, "instrument,ts,price,volume\n" +
            "COMEX:SI,2026-01-14T15:30:00Z,HOLIDAY,1\n" +
            "COMEX:SI,2026-01-14T15:30:01Z,82.5,1\n" +
            "COMEX:XX,2026-01-14T15:30:02Z,82.5,1\n" +
            "comex:si,2026-01-14T15:30:03Z,82.5,1\n" +
            "COMEX:SI,yesterday,82.5,1\n" +
            "COMEX:SI,2026-01-14T15:30:04Z,-1,1\n" +
            "COMEX:SI,2026-01-14T15:30:05Z,0.146%,1\n" +
            "COMEX:SI,2026-01-14T15:30:06Z,82.5,-3\n" +
            "COMEX:SI,1969-12-31T00:00:00Z,82.5,1\n" +
            "COMEX:SI,2026-01-14T15:30:07Z,1.234.5,1\n" +
            "COMEX:SI,2026-01-14T15:30:07Z,1.7e308,1\n" +
            "COMEX:SI,2026-01-14T15:30:07Z,82.5,1e13\n" +
            "COMEX:SI,2099-01-01T00:00:00Z,82.5,1\n" +
            "COMEX:SI,2026-01-14T15:30:08Z,82.6,1\n");

        Assert.Equal(0, result.ExitCode);
        string[] expected =
        [
            "ticks.csv:2: skipped: 'price' holds the text 'HOLIDAY', not a number",
            "ticks.csv:4: skipped: unknown instrument 'COMEX:XX'",
            "ticks.csv:5: skipped: instrument id 'comex:si' must be upper case",
            "ticks.csv:6: skipped: 'ts' 'yesterday' is not a date or time",
            "ticks.csv:7: skipped: 'price' must be above 0 and at most 1e9, got -1",
            "ticks.csv:8: skipped: 'price' '0.146%' is a percentage",
            "ticks.csv:9: skipped: 'volume' must be from 0 to 1e12, got -3",
            "ticks.csv:10: skipped: 'ts' 1969-12-31T00:00:00.0000000+00:00 is before 1970",
            "ticks.csv:11: skipped: 'price' '1.234.5' is not a number",
            "ticks.csv:12: skipped: 'price' must be above 0 and at most 1e9, got 1.7E+308",
            "ticks.csv:13: skipped: 'volume' must be from 0 to 1e12, got 10000000000000",
            "ticks.csv:14: skipped: 'ts' 2099-01-01T00:00:00.0000000+00:00 is more than 00:01:00 ahead",
        ];
        var lines = result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Length, lines.Length);
        Assert.All(expected.Zip(lines), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
        Assert.Equal([82.5, 82.6], (await ReadAsync(Silver)).Select(t => t.Price));
        Assert.Contains("12 row(s) skipped", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticks_Ndjson_BrokenLinesSkipped_AndASecondImportContinuesTheIndices()
    {
        var first = await ImportAsync(ImportCommand.Kind.Ticks,
            "{\"instrument\":\"COMEX:SI\",\"ts\":\"2026-01-14T15:30:00Z\",\"price\":82.5,\"seq\":1}\n" +
            "{\"instrument\":\"COMEX:SI\",\"ts\":\"2026-01-14T15:30:01Z\",\"price\":82.6\n" +
            "[1,2]\n" +
            "\n" +
            "{\"Instrument\":\"COMEX:SI\",\"TS\":1768404602000,\"Price\":82.7,\"seq\":2}\n", "ticks.ndjson");
        var second = await ImportAsync(ImportCommand.Kind.Ticks,
            "{\"instrument\":\"COMEX:SI\",\"ts\":\"2026-01-14T15:30:03Z\",\"price\":82.8,\"seq\":2}\n" +
            "{\"instrument\":\"COMEX:SI\",\"ts\":\"2026-01-14T15:30:04Z\",\"price\":82.9,\"seq\":3}\n", "more.ndjson");

        Assert.StartsWith("ticks.ndjson:2: skipped: the line is not valid JSON", first.Errors, StringComparison.Ordinal);
        Assert.Contains("ticks.ndjson:3: skipped: the line is not a JSON object", first.Errors, StringComparison.Ordinal);
        Assert.Contains("1 duplicate(s) skipped", second.Output, StringComparison.Ordinal);
        Assert.Equal([(1L, 82.5), (2, 82.7), (3, 82.9)], (await ReadAsync(Silver)).Select(t => (t.Index, t.Price)));
    }

    [Fact]
    public async Task Bars_RealFileProblems_OhlcViolationsHolidayRowsAndOrder_Refused()
    {
        var result = await ImportAsync(ImportCommand.Kind.Bars,
            "Date,Open,High,Low,Close,Adj Close,Volume,Dividends\n" +
            "2019-03-08 00:00:00-05:00,2.75,2.78,2.74,2.76,2.76,300,0\n" +
            "2019-03-11 00:00:00-04:00,2.76,2.79,2.75,2.78,2.78,280,0\n" +     // the offset changes with daylight saving
            "2019-03-12 00:00:00-04:00,2.76,2.75,2.74,2.745,2.745,279,0\n" +  // open above high
            "2019-03-13 00:00:00-04:00,2.76,2.79,2.75,2.77,2.77,0,0\n" +      // repeats the 11th's open, high, low: holiday
            "2019-03-13 00:00:00-04:00,2.77,2.80,2.76,2.79,2.79,310,0\n" +
            "2019-03-12 00:00:00-04:00,2.77,2.80,2.76,2.79,2.79,310,0\n" +    // not after the previous date
            "2019-03-14 00:00:00-04:00,AWAITED,2.80,2.76,2.79,2.79,310,0\n" +
            "2019-03-15 00:00:00-04:00,2.8,2.8,2.8,2.8,2.8,0,0\n" +
            "2019-03-18 00:00:00-04:00,2.8,2.8,2.8,2.8,2.8,0,0\n",             // flat and repeated: a quiet day, kept
            "HG=F.csv", new ImportOptions { Instrument = "COMEX:HG" });

        Assert.Equal(0, result.ExitCode);
        var lines = result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("HG=F.csv:4: skipped: OHLC violation: high 2.75 is below the open 2.76", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("HG=F.csv:5: skipped: repeats line 3's open, high and low with no new volume: a holiday row", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("HG=F.csv:7: skipped: its date 2019-03-12 00:00 is not after line 6's (2019-03-13 00:00)", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("HG=F.csv:8: skipped: 'open' holds the text 'AWAITED'", lines[3], StringComparison.Ordinal);
        var bars = await Store.Bars.ReadRangeAsync(InstrumentId.Parse("COMEX:HG"), BarInterval.OneDay, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue).ToListAsync();
        Assert.Equal(["2019-03-08", "2019-03-11", "2019-03-13", "2019-03-15", "2019-03-18"], bars.Select(b => b.Time.ToString("yyyy-MM-dd", null)));
        Assert.All(bars, b => Assert.Equal(TimeSpan.Zero, b.Time.TimeOfDay));
    }

    [Fact]
    public async Task Inventory_MappedColumnWithHolidayMarkers_ConvertedAndPublishedAfterTheDay()
    {
        var result = await ImportAsync(ImportCommand.Kind.Inventory,
            "Date, GLD Close, Total Net Asset Value Ounces in the Trust as at 4.15 p.m. NYT\n" +
            "18-Nov-2004, 44.38, 260000.00\n" +
            "19-Nov-2004, HOLIDAY, HOLIDAY\n" +
            "22-Nov-2004, $44.75, \"1,250,000.50\"\n",
            "GLD.csv",
            new ImportOptions
            {
                Instrument = "ETF:GLD", Series = "holdings", Unit = "koz", PublishedAfter = TimeSpan.FromHours(22),
                Columns = ImportCommand.ToMapping(["quantity=Total Net Asset Value Ounces in the Trust as at 4.15 p.m. NYT"]),
            });

        Assert.StartsWith("GLD.csv:3: skipped: 'quantity' holds the text 'HOLIDAY'", result.Errors, StringComparison.Ordinal);
        var values = await Store.Inventory.ReadAsync(InstrumentId.Parse("ETF:GLD"), "holdings", null, DateOnly.MinValue, DateOnly.MaxValue, allVersions: true);
        Assert.Equal(2, values.Count);
        Assert.Equal(260_000_000, values[0].Value.Quantity, 6);
        Assert.Equal(1_250_000_500, values[1].Value.Quantity, 6);
        Assert.Equal(new DateTimeOffset(2004, 11, 18, 22, 0, 0, TimeSpan.Zero), values[0].Value.PublishedAt);
        Assert.All(values, v => Assert.Equal(QuantityUnit.TroyOunce, v.Value.Unit));
    }

    [Fact]
    public async Task Inventory_UnknownSeriesUnitAndIncompatibleUnit_Refused()
    {
        var result = await ImportAsync(ImportCommand.Kind.Inventory,
            "instrument,series,asOf,publishedAt,quantity,unit\n" +
            "COMEX:SI,registered,2026-01-14,2026-01-15T01:00:00Z,114.26,moz\n" +
            "COMEX:SI,warehouse,2026-01-14,2026-01-15T01:00:00Z,1,moz\n" +
            "COMEX:SI,registered,2026-01-14,2026-01-15T01:00:00Z,1,bushels\n" +
            "COMEX:SI,mmNet,2026-01-14,2026-01-15T01:00:00Z,1,moz\n" +
            "COMEX:SI,registered,2026-01-14,2026-01-16T01:00:00Z,114.30,moz\n" +
            "COMEX:SI,registered,2026-01-14,2026-01-16T01:00:00Z,1e308,moz\n");

        var lines = result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("inventory.csv:3: skipped: unknown series 'warehouse'", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("inventory.csv:4: skipped: unknown unit 'bushels'", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("inventory.csv:5: skipped: 'mmNet' is kept in contracts;", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("inventory.csv:7: skipped: 'quantity' must be at most 1e15 oz", lines[3], StringComparison.Ordinal);
        var values = await Store.Inventory.ReadAsync(Silver, "registered", null, DateOnly.MinValue, DateOnly.MaxValue, allVersions: true);
        Assert.Equal([1, 2], values.Select(v => v.Version));   // the second is a restatement
    }

    [Fact]
    public async Task Inventory_LocationColumn_TotalAndLocationsStoredApart_MatchedWithoutCase_BadNameRefused()
    {
        var result = await ImportAsync(ImportCommand.Kind.Inventory,
            "Instrument,Series,AsOf,PublishedAt,Quantity,Unit,Location\n" +
            "COMEX:SI,registered,2026-01-14,2026-01-15T01:00:00Z,100,moz,\n" +                 // blank: the total
            "COMEX:SI,registered,2026-01-14,2026-01-15T01:00:00Z,60,moz,\" Brink's \"\n" +    // trimmed
            "COMEX:SI,registered,2026-01-14,2026-01-15T01:00:00Z,40,moz,JP Morgan\n" +
            "COMEX:SI,registered,2026-01-14,2026-01-16T01:00:00Z,41,moz,JP MORGAN\n" +         // the same location, restated
            "COMEX:SI,registered,2026-01-14,2026-01-15T01:00:00Z,1,moz,\"Vault\u0007\"\n");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("inventory.csv:6: skipped: 'location' 'Vault", result.Errors, StringComparison.Ordinal);
        Assert.Contains("U+0007", result.Errors, StringComparison.Ordinal);
        var total = await Store.Inventory.ReadAsync(Silver, "registered", null, DateOnly.MinValue, DateOnly.MaxValue, allVersions: true);
        var brinks = await Store.Inventory.ReadAsync(Silver, "registered", "BRINK'S", DateOnly.MinValue, DateOnly.MaxValue, allVersions: true);
        var jpMorgan = await Store.Inventory.ReadAsync(Silver, "registered", "jp morgan", DateOnly.MinValue, DateOnly.MaxValue, allVersions: true);
        Assert.Equal([(100_000_000d, (string?)null, 1)], total.Select(v => (v.Value.Quantity, v.Value.Location, v.Version)));
        Assert.Equal([(60_000_000d, "Brink's", 1)], brinks.Select(v => (v.Value.Quantity, v.Value.Location!, v.Version)));
        Assert.Equal([(40_000_000d, 1), (41_000_000d, 2)], jpMorgan.Select(v => (v.Value.Quantity, v.Version)));
    }

    [Fact]
    public async Task MissingColumns_ExitCode2_NothingStored()
    {
        var result = await ImportAsync(ImportCommand.Kind.Ticks, "instrument,time,last\nCOMEX:SI,2026-01-14T15:30:00Z,82.5\n");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ticks.csv: no column for price (found the columns instrument, time, last)", result.Errors, StringComparison.Ordinal);
        Assert.Equal(default, await Store.Ticks.GetMarkAsync(Silver));
    }

    private async Task<List<StoredTick>> ReadAsync(InstrumentId instrument) => await Store.Ticks.ReadAfterAsync(instrument, 0).ToListAsync();

    private async Task<(int ExitCode, string Output, string Errors)> ImportAsync(ImportCommand.Kind kind, string content, string? name = null, ImportOptions? options = null)
    {
        var file = new FileInfo(Path.Combine(Folder.FullName, name ?? (kind == ImportCommand.Kind.Ticks ? "ticks.csv" : kind == ImportCommand.Kind.Bars ? "bars.csv" : "inventory.csv")));
        await File.WriteAllTextAsync(file.FullName, content, new UTF8Encoding(false));
        using var output = new StringWriter();
        using var errors = new StringWriter();
        int exit = await ImportCommand.RunAsync(kind, file, options ?? new ImportOptions(), Store, InstrumentCatalog.BuiltIn(), output, errors, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString().Replace("\r", "", StringComparison.Ordinal));
    }
}

internal static class AsyncEnumerables
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
