namespace Monitor.Cli.Tests;

public sealed class IndicatorsOutputFolderTests
{
    [Fact]
    public void OutIntoAMissingFolder_Exits2NamingIt()
    {
        string directory = Directory.CreateTempSubdirectory("monitor-cli-").FullName;
        try
        {
            string quotes = Path.Combine(directory, "bars.csv");
            File.WriteAllText(quotes, "date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n");
            var missing = new FileInfo(Path.Combine(directory, "no-such-folder", "out.csv"));
            var errors = new StringWriter();

            int exit = IndicatorsCommand.Run(new FileInfo(quotes), ["sma(2)"], missing, errors);

            Assert.Equal(2, exit);
            Assert.Contains("no-such-folder", errors.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
