using System.Globalization;
using System.Text;
using Monitor.Core.Market;
using Monitor.Sources;
using NPOI.HSSF.UserModel;
using NPOI.POIFS.FileSystem;
using NPOI.SS.UserModel;
using NPOI.XSSF.UserModel;

namespace Monitor.Testing;

/// <summary>
/// Report files in the publishers' layouts, written here (no publisher's file is in the repository), for the parsers'
/// tests and benchmarks.
/// </summary>
public static class ReportFixtures
{
    public static readonly DateTimeOffset SeenAt = new(2026, 2, 3, 18, 0, 0, TimeSpan.Zero);

    public static ReportContext Context(DateOnly? asOf = null, ReportMapping? mapping = null, string file = "report") =>
        new(file, asOf, mapping, InstrumentCatalog.BuiltIn(), SeenAt);

    /// <summary>A depository block: name, registered, pledged (null when the metal has none), eligible.</summary>
    public sealed record Depository(string Name, double Registered, double? Pledged, double Eligible);

    /// <summary>A CME depository stock report (Excel 97-2003) as the CME lays it out.</summary>
    public static byte[] CmeReport(string metal, string unit, string activityDate, IReadOnlyList<Depository> depositories,
        double? totalRegistered = null, double? totalEligible = null, double? depositoryTotalOffset = null)
    {
        var workbook = new HSSFWorkbook();
        var sheet = workbook.CreateSheet("Daily Metal Stocks Report");
        int r = 4;
        Row(sheet, r, "COMMODITY EXCHANGE, INC.");
        r += 2;
        Row(sheet, r++, "METAL DEPOSITORY STATISTICS");
        var title = Row(sheet, r++, metal);
        title.CreateCell(6).SetCellValue("Report Date: 2/3/2026");
        var unitRow = Row(sheet, r++, unit);
        unitRow.CreateCell(6).SetCellValue($"Activity Date: {activityDate}");
        r++;
        Row(sheet, r++, "DEPOSITORY", "", "PREV TOTAL", "RECEIVED", "WITHDRAWN", "NET CHANGE", "ADJUSTMENT", "TOTAL TODAY");
        r++;
        foreach (var d in depositories)
        {
            Row(sheet, r++, d.Name);
            Values(sheet, r++, "  Registered", d.Registered);
            if (d.Pledged is { } pledged)
            {
                Values(sheet, r++, "  Pledged", pledged);
            }

            Values(sheet, r++, "  Eligible", d.Eligible);
            Values(sheet, r++, "  Total", d.Registered + d.Eligible + (depositoryTotalOffset ?? 0));
            r++;
        }

        double registered = totalRegistered ?? depositories.Sum(d => d.Registered);
        double eligible = totalEligible ?? depositories.Sum(d => d.Eligible);
        Values(sheet, r++, "TOTAL REGISTERED", registered);
        if (depositories.Any(d => d.Pledged is not null))
        {
            Values(sheet, r++, "TOTAL PLEDGED", depositories.Sum(d => d.Pledged ?? 0));
        }

        Values(sheet, r++, "TOTAL ELIGIBLE", eligible);
        Values(sheet, r++, "COMBINED TOTAL", registered + eligible);
        r += 2;
        Row(sheet, r, "The information in this report is taken from sources believed to be reliable; however,");
        using var stream = new MemoryStream();
        workbook.Write(stream);
        return stream.ToArray();
    }

    /// <summary>
    /// The report as Excel saves it with a password to open: a FILEPASS record (RC4 encryption, here with a verifier
    /// for a password nobody knows) right after the workbook's first record. NPOI cannot write encrypted workbooks, so
    /// the record is put into the Workbook stream of the compound file by hand.
    /// </summary>
    public static byte[] PasswordProtected(byte[] report)
    {
        var fileSystem = new POIFSFileSystem(new MemoryStream(report));
        var entry = (DocumentEntry)fileSystem.Root.GetEntry("Workbook");
        byte[] workbook;
        using (var input = new DocumentInputStream(entry))
        {
            workbook = new byte[entry.Size];
            input.ReadExactly(workbook);
        }

        int firstRecordEnd = 4 + BitConverter.ToUInt16(workbook, 2);
        var filePass = new List<byte> { 0x2F, 0x00, 54, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00 };
        filePass.AddRange(Enumerable.Range(1, 48).Select(i => (byte)(i * 37)));
        byte[] protectedWorkbook = [.. workbook.AsSpan(0, firstRecordEnd), .. filePass, .. workbook.AsSpan(firstRecordEnd)];
        entry.Delete();
        fileSystem.Root.CreateDocument("Workbook", new MemoryStream(protectedWorkbook));
        using var output = new MemoryStream();
        fileSystem.WriteFileSystem(output);
        return output.ToArray();
    }

    public static IReadOnlyList<Depository> GoldDepositories { get; } =
    [
        new("ASAHI DEPOSITORY LLC", 1_982_016.404, 81_868.527, 144_330.499),
        new("BRINK'S, INC.", 6_986_792.622, 544_747.742, 3_509_197.972),
        new("STONEX PRECIOUS METALS LLC", 23_806.443, null, 16_268.406),
    ];

    /// <summary>A metal's table of the LME stocks report: title, header, locations, Total, +/-.</summary>
    public sealed record LmeTable(string Title, IReadOnlyList<(string Country, string Location, double Opening, double In, double Out, double Open, double Cancelled)> Rows, double TotalOffset = 0);

    public static readonly string[] LmeHeader = ["Country/Region", "Location", "Opening Stock", "Delivered In", "Delivered Out", "Closing Stock", "Open Tonnage", "Cancelled Tonnage"];

    /// <summary>The LME report's rows (first the head, holding the date when given), cells as text or numbers.</summary>
    public static List<object?[]> LmeRows(string? dateText, params LmeTable[] tables)
    {
        var rows = new List<object?[]> { new object?[] { "", dateText is null ? "" : $"Stocks by location, {dateText}" } };
        foreach (var table in tables)
        {
            rows.Add(["", table.Title]);
            rows.Add([]);
            rows.Add([.. LmeHeader]);
            rows.Add([]);
            foreach (var (country, location, opening, deliveredIn, deliveredOut, open, cancelled) in table.Rows)
            {
                rows.Add([country, location, opening, deliveredIn, deliveredOut, open + cancelled, open, cancelled]);
            }

            rows.Add([]);
            rows.Add(["Total", "", table.Rows.Sum(r => r.Opening), table.Rows.Sum(r => r.In), table.Rows.Sum(r => r.Out),
                table.Rows.Sum(r => r.Open + r.Cancelled) + table.TotalOffset, table.Rows.Sum(r => r.Open), table.Rows.Sum(r => r.Cancelled)]);
            rows.Add([]);
            rows.Add(["+/-", "", 0, "", "", 0, "", ""]);
            rows.Add([]);
        }

        return rows;
    }

    public static LmeTable Copper { get; } = new("Copper",
    [
        ("Germany", "Hamburg", 29_750, 0, 0, 29_750, 0),
        ("Korea (South)", "Busan", 2_825, 250, 0, 2_875, 200),
        ("USA", "New Orleans", 60_000, 0, 800, 40_000, 19_200),
    ]);

    public static LmeTable Zinc { get; } = new("Special High Grade Zinc",
    [
        ("Singapore", "Singapore", 50_000, 525, 650, 45_000, 4_875),
    ]);

    public static byte[] Csv(IEnumerable<object?[]> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(string.Join(',', row.Select(Cell))).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] Csv(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n"));

    /// <summary>The rows as the first sheet of an xlsx workbook; numbers stay numbers.</summary>
    public static byte[] Xlsx(string sheetName, IEnumerable<object?[]> rows)
    {
        var workbook = new XSSFWorkbook();
        var sheet = workbook.CreateSheet(sheetName);
        int r = 0;
        foreach (var values in rows)
        {
            var row = sheet.CreateRow(r++);
            for (int c = 0; c < values.Length; c++)
            {
                switch (values[c])
                {
                    case double number:
                        row.CreateCell(c).SetCellValue(number);
                        break;
                    case int number:
                        row.CreateCell(c).SetCellValue(number);
                        break;
                    case string text when text.Length > 0:
                        row.CreateCell(c).SetCellValue(text);
                        break;
                }
            }
        }

        using var stream = new MemoryStream();
        workbook.Write(stream);
        return stream.ToArray();
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double number => number.ToString(CultureInfo.InvariantCulture),
        int number => number.ToString(CultureInfo.InvariantCulture),
        string text when text.Contains(',', StringComparison.Ordinal) => $"\"{text}\"",
        var other => other.ToString() ?? "",
    };

    private static IRow Row(ISheet sheet, int index, params string[] texts)
    {
        var row = sheet.CreateRow(index);
        for (int c = 0; c < texts.Length; c++)
        {
            row.CreateCell(c).SetCellValue(texts[c]);
        }

        return row;
    }

    private static void Values(ISheet sheet, int index, string label, double totalToday)
    {
        var row = Row(sheet, index, label);
        row.CreateCell(2).SetCellValue(totalToday);
        row.CreateCell(7).SetCellValue(totalToday);
    }
}
