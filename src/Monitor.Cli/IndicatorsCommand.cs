using System.CommandLine;
using System.Globalization;
using System.Text;
using Monitor.Cli.Csv;
using Monitor.Core.Indicators;

namespace Monitor.Cli;

/// <summary><c>monitor indicators</c>: computes indicators over a CSV of bars (docs/api.md, CLI).</summary>
internal static class IndicatorsCommand
{
    public static Command Create()
    {
        var quotes = new Option<FileInfo>("--quotes") { Description = "CSV of bars: date,open,high,low,close,volume (any order, any case)", Required = true };
        var specs = new Option<string[]>("--indicator") { Description = "indicator spec such as sma(20) or macd(12,26,9); repeat for more", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "CSV to write: date, then one column per indicator output", Required = true };
        var command = new Command("indicators", "Computes indicators over bars, one bar at a time, as the live service does") { quotes, specs, output };
        command.SetAction(result => Run(result.GetValue(quotes)!, result.GetValue(specs)!, result.GetValue(output)!, Console.Error));
        return command;
    }

    /// <summary>Returns 0 on success (rows that could not be read are reported and skipped), 2 on unusable input.</summary>
    internal static int Run(FileInfo quotesFile, IReadOnlyList<string> specs, FileInfo outFile, TextWriter errors)
    {
        var indicators = new List<Indicator>();
        foreach (string spec in specs)
        {
            if (!IndicatorSpec.TryCreate(spec, out var indicator, out string error))
            {
                errors.WriteLine($"error: {error}");
                return 2;
            }

            indicators.Add(indicator);
        }

        if (!quotesFile.Exists)
        {
            errors.WriteLine($"error: {quotesFile.FullName} does not exist");
            return 2;
        }

        if (outFile.Directory is { Exists: false } directory)
        {
            errors.WriteLine($"error: the folder {directory.FullName} for --out does not exist");
            return 2;
        }

        using var input = new StreamReader(quotesFile.FullName, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        if (!BarCsvReader.TryOpen(input, out var bars, out string headerError))
        {
            errors.WriteLine($"error: {quotesFile.Name}: {headerError}");
            return 2;
        }

        using var writer = new StreamWriter(outFile.FullName, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.NewLine = "\n";
        WriteHeader(writer, indicators);

        int rejected = 0;
        var line = new StringBuilder();
        foreach (var (dateText, bar) in bars.ReadAll((lineNumber, error) =>
        {
            rejected++;
            errors.WriteLine($"{quotesFile.Name}:{lineNumber}: skipped: {error}");
        }))
        {
            line.Clear().Append(Quote(dateText));
            foreach (var indicator in indicators)
            {
                indicator.Update(bar);
                for (int i = 0; i < indicator.Outputs.Count; i++)
                {
                    line.Append(',');
                    if (indicator.Output(i) is { } value)
                    {
                        line.Append(value.ToString("R", CultureInfo.InvariantCulture));
                    }
                }
            }

            writer.WriteLine(line);
        }

        if (rejected > 0)
        {
            errors.WriteLine($"{quotesFile.Name}: {rejected} row(s) skipped; the others were computed");
        }

        return 0;
    }

    private static void WriteHeader(TextWriter writer, List<Indicator> indicators)
    {
        var header = new StringBuilder("date");
        foreach (var indicator in indicators)
        {
            for (int i = 0; i < indicator.Outputs.Count; i++)
            {
                header.Append(',').Append(Quote(indicator.OutputKey(i)));
            }
        }

        writer.WriteLine(header);
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
