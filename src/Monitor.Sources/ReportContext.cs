using Monitor.Core.Market;

namespace Monitor.Sources;

/// <summary>
/// What a parser knows besides the bytes: the file's name (for messages only: dates come from the content), the date to
/// give a file whose content carries none (a date inside the file wins), the source's mapping, the instruments, and when
/// the file was first seen (the values' <c>publishedAt</c> unless the format defines a release time; an activity date
/// after it is refused).
/// </summary>
public sealed record ReportContext(
    string FileName,
    DateOnly? AsOf,
    ReportMapping? Mapping,
    InstrumentCatalog Catalog,
    DateTimeOffset FirstSeenAt);
