using System.Globalization;
using Monitor.Core.Market;

namespace Monitor.Core.Tests.Market;

public class InstrumentIdTests
{
    [Theory]
    [InlineData("COMEX:SI", "COMEX", "SI")]
    [InlineData("ETF:SLV", "ETF", "SLV")]
    [InlineData("LME:CA", "LME", "CA")]
    [InlineData("NYMEX:PL", "NYMEX", "PL")]
    [InlineData("A:1", "A", "1")]
    [InlineData("X1.Y_Z-2:9.A_B-C", "X1.Y_Z-2", "9.A_B-C")]
    [InlineData("ABCDEFGHIJKLMNOP:ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOP")]
    public void Parse_ValidId_SplitsIntoVenueAndCode(string text, string venue, string code)
    {
        var id = InstrumentId.Parse(text);

        Assert.Equal(text, id.Value);
        Assert.Equal(text, id.ToString());
        Assert.Equal(venue, id.Venue);
        Assert.Equal(code, id.Code);
    }

    [Fact]
    public void Parse_SameText_GivesEqualIds()
    {
        Assert.Equal(InstrumentId.Parse("COMEX:SI"), InstrumentId.Parse("COMEX:SI"));
        Assert.NotEqual(InstrumentId.Parse("COMEX:SI"), InstrumentId.Parse("COMEX:GC"));
    }

    [Theory]
    [InlineData("comex:si", "COMEX:SI")]
    [InlineData("Comex:SI", "COMEX:SI")]
    [InlineData("ETF:slv", "ETF:SLV")]
    public void TryParse_LowerCase_SuggestsUpperCase(string text, string suggestion)
    {
        var error = Rejected(text);

        Assert.Contains("upper case", error, StringComparison.Ordinal);
        Assert.Contains($"'{suggestion}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("COMEXSI")]
    [InlineData("COMEX:SI:X")]
    [InlineData("COMEX::SI")]
    [InlineData(":SI")]
    [InlineData("COMEX:")]
    [InlineData(":")]
    public void TryParse_NotOneColonBetweenTwoParts_ExplainsTheForm(string text)
    {
        Assert.Contains("VENUE:CODE", Rejected(text), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ABCDEFGHIJKLMNOPQ:SI")]
    [InlineData("COMEX:ABCDEFGHIJKLMNOPQ")]
    public void TryParse_PartLongerThanSixteen_SaysTooLong(string text)
    {
        Assert.Contains("too long", Rejected(text), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_VeryLongText_MessageStaysShort()
    {
        var error = Rejected(new string('A', 10_000) + ":SI");

        Assert.InRange(error.Length, 1, 200);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryParse_Empty_SaysEmpty(string? text)
    {
        Assert.Contains("empty", Rejected(text), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_VenueStartingWithADigit_SaysItMustStartWithALetter()
    {
        Assert.Contains("start with a letter", Rejected("1X:SI"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("COMEX:SI\U0001F600", "\\uD83D")]
    [InlineData("COMEX:S\u200BI", "\\u200B")]
    [InlineData("COMEX:\u200FSI", "\\u200F")]
    [InlineData("COMEX:\u202ESI", "\\u202E")]
    [InlineData("COMEX:SI\uFEFF", "\\uFEFF")]
    [InlineData("COMEX:SI\0", "\\u0000")]
    [InlineData("COMEX:SI\u2028", "\\u2028")]
    [InlineData("COMEX:SI\n", "\\u000A")]
    [InlineData("COMEX:S\u00CDI", "\u00CD")]
    [InlineData("COMEX: SI", "' '")]
    public void TryParse_UnicodeJunk_RejectedWithReadableMessage(string text, string shown)
    {
        var error = Rejected(text);

        Assert.Contains("allowed are A-Z", error, StringComparison.Ordinal);
        Assert.Contains(shown, error, StringComparison.Ordinal);
        AssertReadable(error);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatExceptionWithTheMessage()
    {
        var exception = Assert.Throws<FormatException>(() => InstrumentId.Parse("comex:si"));

        Assert.Equal(Rejected("comex:si"), exception.Message);
    }

    private static string Rejected(string? text)
    {
        Assert.False(InstrumentId.TryParse(text, out var id, out string error));
        Assert.Equal(default, id);
        Assert.NotEmpty(error);
        AssertReadable(error);
        return error;
    }

    /// <summary>No character a terminal or log viewer would hide, reorder or mangle.</summary>
    private static void AssertReadable(string message) =>
        Assert.DoesNotContain(message, c => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.Surrogate or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned);
}
