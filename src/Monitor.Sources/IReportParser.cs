namespace Monitor.Sources;

/// <summary>
/// Reads one publisher's file format: bytes in, values and problems out. Pure: no I/O, no clock (the time the file was
/// first seen comes in the context), so the scheduled sources, <c>monitor sources replay</c> and
/// <c>monitor import inventory --format</c> all get the same values from the same bytes.
/// </summary>
public interface IReportParser
{
    /// <summary>The source kind this parser reads: <c>cme-stocks</c>, <c>lme-stocks</c>, <c>spdr-gld</c>, <c>cftc-cot</c>, <c>csv</c>.</summary>
    string Kind { get; }

    ReportParseResult Parse(ReadOnlyMemory<byte> content, ReportContext context);
}
