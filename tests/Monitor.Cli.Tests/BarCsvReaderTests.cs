using System.Globalization;
using Monitor.Cli.Csv;
using Monitor.Core.Market;
using Monitor.Sources.Tables;

namespace Monitor.Cli.Tests;

public class BarCsvReaderTests
{
    [Theory]
    [InlineData("2020-12-15 09:30", "2020-12-15T09:30:00Z")]
    [InlineData("2020-12-15 09:30:15.25", "2020-12-15T09:30:15.25Z")]
    [InlineData("2020-12-15T09:30:00", "2020-12-15T09:30:00Z")]
    [InlineData("2020-12-15T09:30:00Z", "2020-12-15T09:30:00Z")]
    [InlineData("2020-12-15T09:30:00-05:00", "2020-12-15T14:30:00Z")]
    [InlineData("2020-07-15T09:30:00-04:00", "2020-07-15T13:30:00Z")]
    [InlineData("2020-12-15T09:30:00+05:30", "2020-12-15T04:00:00Z")]
    [InlineData("2020-12-15", "2020-12-15T00:00:00Z")]
    [InlineData("12/15/2020", "2020-12-15T00:00:00Z")]
    [InlineData("1/4/2021", "2021-01-04T00:00:00Z")]
    [InlineData("1/4/2021 9:30", "2021-01-04T09:30:00Z")]
    [InlineData(" 2020-12-15 ", "2020-12-15T00:00:00Z")]
    public void TryParseTime_SupportedForm_GivesTheInstant(string text, string expected)
    {
        Assert.True(CsvValues.TryParseTime(text, out var time));
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), time);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("HOLIDAY")]
    [InlineData("2020-13-01")]
    [InlineData("12/32/2020")]
    public void TryParseTime_NotADate_Fails(string text)
    {
        Assert.False(CsvValues.TryParseTime(text, out _));
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData(" 212.61 ", 212.61)]
    [InlineData("-0.25", -0.25)]
    [InlineData("1e3", 1000)]
    public void TryParseNumber_InvariantNumber_Parses(string text, double expected)
    {
        Assert.True(CsvValues.TryParseNumber(text, out double value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("HOLIDAY")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1,5")]
    public void TryParseNumber_NotAFiniteNumber_Fails(string text)
    {
        Assert.False(CsvValues.TryParseNumber(text, out _));
    }

    [Fact]
    public void ReadAll_ReorderedMixedCaseColumns_MapsEachToItsField()
    {
        const string Csv = "Timestamp,VOLUME,Close,low,High,oPeN\n2020-12-15T09:30:00+05:30,1000,4,1,5,2\n";
        Assert.True(BarCsvReader.TryOpen(new StringReader(Csv), out var reader, out string error), error);

        var bars = reader.ReadAll((line, message) => Assert.Fail($"line {line}: {message}")).ToList();

        var bar = Assert.Single(bars);
        Assert.Equal("2020-12-15T09:30:00+05:30", bar.DateText);
        Assert.Equal(new Bar(DateTimeOffset.Parse("2020-12-15T04:00:00Z", CultureInfo.InvariantCulture), 2, 5, 1, 4, 1000), bar.Bar);
    }

    [Fact]
    public void ReadAll_QuotedFieldSpanningLines_ReportsTheLineTheRecordStartsOn()
    {
        const string Csv = "date,open,high,low,close,volume,note\n2020-12-15,1,2,0.5,1.5,10,\"two\nlines\"\n2020-12-16,1,2,0.5,HOLIDAY,10,\n";
        Assert.True(BarCsvReader.TryOpen(new StringReader(Csv), out var reader, out _));
        var rejected = new List<int>();

        var bars = reader.ReadAll((line, _) => rejected.Add(line)).ToList();

        Assert.Single(bars);
        Assert.Equal([4], rejected);
    }
}
