using System.Diagnostics;

namespace Monitor.Cli.Import;

/// <summary>What an import tells the person running it: each skipped row with its line and reason, then a summary.</summary>
internal sealed class ImportLog(string fileName, TextWriter output, TextWriter errors)
{
    /// <summary>Beyond this many, skipped rows are counted, not listed.</summary>
    private const int MaxListed = 1000;

    private readonly long _started = Stopwatch.GetTimestamp();

    public long Rejected { get; private set; }

    public TextWriter Output => output;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public void Reject(int line, string reason)
    {
        if (++Rejected <= MaxListed)
        {
            errors.WriteLine($"{fileName}:{line}: skipped: {reason}");
        }
    }

    public void Warn(string message) => errors.WriteLine($"{fileName}: warning: {message}");

    public int Fail(string message)
    {
        errors.WriteLine($"error: {fileName}: {message}");
        return 2;
    }

    /// <summary>Prints the summary; the exit code is 0 (rows that could not be read were skipped and listed).</summary>
    public int Done(string imported)
    {
        if (Rejected > MaxListed)
        {
            errors.WriteLine($"{fileName}: {Rejected - MaxListed:#,0} more skipped rows not listed");
        }

        output.WriteLine($"{fileName}: {imported}; {Rejected:#,0} row(s) skipped; {Elapsed.TotalSeconds:0.00} s");
        return 0;
    }
}
