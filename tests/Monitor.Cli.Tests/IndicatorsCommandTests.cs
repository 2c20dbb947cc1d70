using System.Globalization;
using System.Text;
using Monitor.Core.Indicators;
using Monitor.Core.Market;

namespace Monitor.Cli.Tests;

/// <summary><c>monitor indicators</c> end to end: a CSV file in, a CSV file and an exit code out.</summary>
public sealed class IndicatorsCommandTests : IDisposable
{
    private static readonly string[] StandardColumns = ["date", "open", "high", "low", "close", "volume"];
    private static readonly string Header = string.Join(',', StandardColumns);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("monitor-cli-tests-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Run_MultiOutputSpec_HeaderQuotesColumnsWithCommas()
    {
        var result = Run(Csv(Quotes(3)), "sma(3)", "macd(12,26,9)", "bb(20,2)");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "date,sma(3)," +
            "\"macd(12,26,9).macd\",\"macd(12,26,9).signal\",\"macd(12,26,9).histogram\",\"macd(12,26,9).fastEma\",\"macd(12,26,9).slowEma\"," +
            "\"bb(20,2).sma\",\"bb(20,2).upperBand\",\"bb(20,2).lowerBand\",\"bb(20,2).percentB\",\"bb(20,2).zScore\",\"bb(20,2).width\"",
            result.Lines[0]);
    }

    [Fact]
    public void Run_ManyIndicators_EveryCellRoundTripsToTheIndicatorValue()
    {
        var quotes = Quotes(60);
        string[] specs = ["sma(3)", "ema(5)", "wma(4)", "macd(12,26,9)", "bb(20,2)", "rsi(14)", "atr(14)", "stoch(14,3,3)", "adx(5)", "obv", "vwap"];

        var result = Run(Csv(quotes), specs);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Errors);
        AssertRows(quotes, specs, result);
    }

    [Fact]
    public void Run_BeforeWarmUp_LeavesTheCellEmpty()
    {
        var quotes = Quotes(4);

        var result = Run(Csv(quotes), "sma(3)");

        Assert.Equal(["2020-12-01,", "2020-12-02,"], result.Lines[1..3]);
        Assert.NotEqual("2020-12-03,", result.Lines[3]);
        AssertRows(quotes, ["sma(3)"], result);
    }

    [Fact]
    public void Run_Utf8ByteOrderMark_ReadsTheHeader()
    {
        var quotes = Quotes(5);

        var result = Run(Csv(quotes), ["sma(2)"], byteOrderMark: true);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Errors);
        AssertRows(quotes, ["sma(2)"], result);
    }

    [Theory]
    [InlineData("2020-12-15 09:30", "2020-12-15 09:31", "2020-12-15 09:32")]
    [InlineData("2020-12-15T09:30:00-05:00", "2020-12-15T10:30:00-05:00", "2020-12-16T09:30:00+05:30")]
    [InlineData("2020-12-15T14:30:00Z", "2020-12-15T14:30:00.5Z", "2020-12-15T14:31:00.125Z")]
    [InlineData("12/15/2020", "12/16/2020", "1/4/2021")]
    [InlineData("2020-12-15", "2020-12-16", "2020-12-17")]
    public void Run_DateFormats_ComputedAndEchoedAsWritten(string first, string second, string third)
    {
        string[] dates = [first, second, third];
        var quotes = Quotes(3, i => dates[i]);

        var result = Run(Csv(quotes), "sma(2)");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Errors);
        AssertRows(quotes, ["sma(2)"], result);
    }

    [Fact]
    public void Run_UpperAndMixedCaseReorderedColumns_SameOutputAsTheStandardHeader()
    {
        var quotes = Quotes(20);
        string[] specs = ["sma(3)", "atr(3)", "stoch(5,3,3)", "obv", "vwap"];

        var standard = Run(Csv(quotes), specs);
        var reordered = Run(Csv(quotes, "Date", "CLOSE", "Volume", "low", "OPEN", "High"), specs);

        Assert.Equal(0, reordered.ExitCode);
        Assert.Equal(standard.Lines, reordered.Lines);
        AssertRows(quotes, specs, reordered);
    }

    [Fact]
    public void Run_QuotedHeaderAndFields_ReadLikePlainOnes()
    {
        var quotes = Quotes(5);
        string quotedCsv = Csv(quotes, StandardColumns.Select(c => $"\"{c}\"").ToArray())
            .Replace("2020-12-03,", "\"2020-12-03\",", StringComparison.Ordinal);

        var result = Run(quotedCsv, "sma(2)");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Errors);
        AssertRows(quotes, ["sma(2)"], result);
    }

    [Theory]
    [InlineData("date,open,high,low,close", "volume")]
    [InlineData("date,open,high,low,volume", "close")]
    [InlineData("day,open,high,low,close,volume", "date")]
    public void Run_HeaderMissingAColumn_Exits2NamingIt(string header, string missing)
    {
        var result = Run($"{header}\n2020-12-15,1,2,0.5,1.5\n", "sma(2)");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"lacks column(s) {missing}", result.Errors, StringComparison.Ordinal);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Run_EmptyFile_Exits2SayingSo()
    {
        var result = Run("", "sma(2)");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("empty", result.Errors, StringComparison.Ordinal);
        Assert.Null(result.Output);
    }

    [Theory]
    [InlineData("sma(0)", "sma(0)")]
    [InlineData("nope(3)", "unknown indicator 'nope'")]
    [InlineData("macd(26,12,9)", "must be shorter")]
    [InlineData("sma(3", "malformed")]
    public void Run_InvalidSpec_Exits2WithAMessage(string spec, string mentioned)
    {
        var result = Run(Csv(Quotes(3)), "sma(2)", spec);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Errors, StringComparison.Ordinal);
        Assert.Contains(mentioned, result.Errors, StringComparison.Ordinal);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Run_MissingQuotesFile_Exits2NamingIt()
    {
        var missing = new FileInfo(Path.Combine(_directory.FullName, "no-such-quotes.csv"));

        var result = Run(missing, ["sma(2)"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-quotes.csv does not exist", result.Errors, StringComparison.Ordinal);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Run_UnreadableRows_ReportedWithLineNumbersAndSkipped()
    {
        var good = Quotes(6);
        string csv = string.Join(
            '\n',
            Header,
            Row(good[0], StandardColumns),
            ",1,2,0.5,1.5,100",
            Row(good[1], StandardColumns),
            "",
            Row(good[2], StandardColumns),
            "2020-12-17,1,2,0.5,HOLIDAY,100",
            Row(good[3], StandardColumns),
            "2020-12-18,1,2",
            Row(good[4], StandardColumns),
            Row(good[5], StandardColumns));

        var result = Run(csv, "sma(3)", "rsi(2)");

        Assert.Equal(0, result.ExitCode);
        var errors = result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Collection(
            errors,
            e => Assert.Equal("quotes.csv:3: skipped: the date is empty", e),
            e => Assert.Equal("quotes.csv:7: skipped: close 'HOLIDAY' is not a number", e),
            e => Assert.StartsWith("quotes.csv:9: skipped: has 3 field(s)", e, StringComparison.Ordinal),
            e => Assert.Equal("quotes.csv: 3 row(s) skipped; the others were computed", e));
        AssertRows(good, ["sma(3)", "rsi(2)"], result);
    }

    /// <summary>
    /// Each output row echoes its quote's date as written, and each cell is empty exactly when a fresh indicator fed
    /// the same bars has no value, or else parses back to that value bit for bit.
    /// </summary>
    private static void AssertRows(IReadOnlyList<CsvQuote> quotes, string[] specs, RunResult result)
    {
        var indicators = specs.Select(IndicatorSpec.Create).ToList();
        Assert.Equal(quotes.Count + 1, result.Lines.Length);
        for (int row = 0; row < quotes.Count; row++)
        {
            var cells = result.Lines[row + 1].Split(',');
            Assert.Equal(quotes[row].Date, cells[0]);
            int column = 1;
            foreach (var indicator in indicators)
            {
                indicator.Update(quotes[row].Bar);
                for (int output = 0; output < indicator.Outputs.Count; output++, column++)
                {
                    double? expected = indicator.Output(output);
                    string cell = cells[column];
                    Assert.True(
                        expected is null ? cell.Length == 0 : double.Parse(cell, CultureInfo.InvariantCulture) == expected,
                        $"row {row + 1}, {indicator.OutputKey(output)}: expected {expected?.ToString("R", CultureInfo.InvariantCulture) ?? "empty"}, got '{cell}'");
                }
            }

            Assert.Equal(column, cells.Length);
        }
    }

    /// <summary>Bars with prices that need all 17 significant digits, dated daily from 2020-12-01 unless told.</summary>
    private static List<CsvQuote> Quotes(int count, Func<int, string>? date = null) =>
        Enumerable.Range(0, count).Select(i =>
        {
            double close = 100 + (10 * Math.Sin(i / 3.0)) + (i / 7.0);
            double open = close - (0.3 * Math.Cos(i));
            double high = Math.Max(open, close) + 0.25 + (i % 3 / 10.0);
            double low = Math.Min(open, close) - (0.2 * Math.Abs(Math.Sin(i)));
            double volume = 1000 + (i * 37 % 101);
            var time = new DateTimeOffset(2020, 12, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i);
            string text = date?.Invoke(i) ?? time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return new CsvQuote(text, new Bar(time, open, high, low, close, volume));
        }).ToList();

    private static string Csv(IEnumerable<CsvQuote> quotes) => Csv(quotes, StandardColumns);

    /// <summary>A CSV with the given header (any case, any order, optionally quoted) and the quotes' rows to match.</summary>
    private static string Csv(IEnumerable<CsvQuote> quotes, params string[] columns)
    {
        var csv = new StringBuilder().AppendJoin(',', columns).Append('\n');
        foreach (var quote in quotes)
        {
            csv.Append(Row(quote, columns)).Append('\n');
        }

        return csv.ToString();
    }

    private static string Row(CsvQuote quote, string[] columns) =>
        string.Join(',', columns.Select(column => column.Trim('"').ToLowerInvariant() switch
        {
            "date" => quote.Date,
            "open" => Number(quote.Bar.Open),
            "high" => Number(quote.Bar.High),
            "low" => Number(quote.Bar.Low),
            "close" => Number(quote.Bar.Close),
            "volume" => Number(quote.Bar.Volume),
            _ => throw new ArgumentException($"no such column {column}", nameof(columns)),
        }));

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private RunResult Run(string csv, params string[] specs) => Run(csv, specs, byteOrderMark: false);

    private RunResult Run(string csv, string[] specs, bool byteOrderMark)
    {
        var quotes = new FileInfo(Path.Combine(_directory.FullName, "quotes.csv"));
        File.WriteAllText(quotes.FullName, csv, new UTF8Encoding(byteOrderMark));
        return Run(quotes, specs);
    }

    private RunResult Run(FileInfo quotes, string[] specs)
    {
        var output = new FileInfo(Path.Combine(_directory.FullName, "out.csv"));
        output.Delete();
        using var errors = new StringWriter();

        int exitCode = IndicatorsCommand.Run(quotes, specs, output, errors);

        return new RunResult(exitCode, errors.ToString(), File.Exists(output.FullName) ? File.ReadAllLines(output.FullName) : null);
    }

    private sealed record CsvQuote(string Date, Bar Bar);

    private sealed record RunResult(int ExitCode, string Errors, string[]? Output)
    {
        public string[] Lines => Output ?? throw new InvalidOperationException($"no output was written; exit {ExitCode}: {Errors}");
    }
}
