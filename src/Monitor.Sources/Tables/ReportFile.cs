using System.Text;
using ExcelDataReader;
using ExcelDataReader.Exceptions;

namespace Monitor.Sources.Tables;

/// <summary>
/// Opens a report's bytes as the sheets it holds: a workbook (Excel 97-2003 or xlsx, told by its signature) or CSV text.
/// Anything else (an empty file, an HTML page served in place of the report, a damaged, truncated or password-protected
/// workbook) is a problem that says what was found and what was expected.
/// </summary>
internal static class ReportFile
{
    private static readonly byte[] OleSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] ZipSignature = [0x50, 0x4B, 0x03, 0x04];

    static ReportFile()
    {
        // Excel 97-2003 text is stored in Windows code pages, which .NET knows only once this provider is registered.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static bool IsWorkbook(ReadOnlySpan<byte> content) =>
        content.StartsWith(OleSignature) || content.StartsWith(ZipSignature);

    /// <summary>The sheets of a workbook, or of a CSV file (one sheet) when <paramref name="csvAllowed"/>.</summary>
    public static bool TryOpen(ReadOnlyMemory<byte> content, string expected, bool csvAllowed, out IReadOnlyList<Grid> sheets, out ReportProblem problem)
    {
        sheets = [];
        problem = null!;
        var span = content.Span;
        if (span.IsEmpty)
        {
            problem = new ReportProblem("", $"the file is empty; expected {expected}");
            return false;
        }

        if (IsWorkbook(span))
        {
            return TryReadWorkbook(content, expected, out sheets, out problem);
        }

        if (LooksLikeHtml(span))
        {
            problem = new ReportProblem("line 1", $"the file is an HTML page (an error or login page served in place of the report?); expected {expected}");
            return false;
        }

        if (!csvAllowed)
        {
            problem = new ReportProblem("", $"the file is not an Excel workbook (it starts with '{Preview(span)}'); expected {expected}");
            return false;
        }

        sheets = [ReadCsv(span)];
        return true;
    }

    /// <summary>CSV text as a grid: row i is line i + 1, blank lines are empty rows.</summary>
    public static Grid ReadCsv(ReadOnlySpan<byte> content)
    {
        var rows = new List<object?[]>();
        using var reader = new StringReader(Decode(content));
        var records = new CsvRecordReader(reader);
        var fields = new List<string>();
        while (records.TryRead(fields, out int line))
        {
            while (rows.Count < line - 1)
            {
                rows.Add([]);
            }

            rows.Add([.. fields]);
        }

        return new Grid(null, rows);
    }

    /// <summary>UTF-8 text without its byte order mark.</summary>
    public static string Decode(ReadOnlySpan<byte> content) =>
        Encoding.UTF8.GetString(content.StartsWith(Encoding.UTF8.Preamble) ? content[3..] : content);

    private static bool TryReadWorkbook(ReadOnlyMemory<byte> content, string expected, out IReadOnlyList<Grid> sheets, out ReportProblem problem)
    {
        sheets = [];
        problem = null!;
        try
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            using var reader = ExcelReaderFactory.CreateReader(stream);
            var read = new List<Grid>();
            do
            {
                var rows = new List<object?[]>();
                while (reader.Read())
                {
                    var row = new object?[reader.FieldCount];
                    for (int column = 0; column < row.Length; column++)
                    {
                        row[column] = reader.GetValue(column);
                    }

                    rows.Add(row);
                }

                read.Add(new Grid(reader.Name, rows));
            }
            while (reader.NextResult());

            sheets = read;
            return true;
        }
        catch (InvalidPasswordException)
        {
            problem = new ReportProblem("", $"the workbook is password-protected and cannot be read; expected {expected} without a password");
        }
        catch (Exception e) when (e is ExcelReaderException or IOException or InvalidDataException or ArgumentException
            or InvalidOperationException or IndexOutOfRangeException or NotSupportedException or System.Xml.XmlException or FormatException)
        {
            problem = new ReportProblem("", $"the workbook cannot be read, it is truncated or damaged ({e.Message}); expected {expected}");
        }

        return false;
    }

    private static bool LooksLikeHtml(ReadOnlySpan<byte> content)
    {
        string start = Decode(content[..Math.Min(content.Length, 512)]).TrimStart().ToUpperInvariant();
        return start.StartsWith("<!DOCTYPE HTML", StringComparison.Ordinal) || start.StartsWith("<HTML", StringComparison.Ordinal)
            || (start.StartsWith('<') && start.Contains("<HTML", StringComparison.Ordinal));
    }

    private static string Preview(ReadOnlySpan<byte> content) =>
        ImportValues.Shorten(Decode(content[..Math.Min(content.Length, 40)]).Split('\n')[0]);
}
