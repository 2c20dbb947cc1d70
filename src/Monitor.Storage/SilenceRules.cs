using Monitor.Core.Ports;
namespace Monitor.Storage;

/// <summary>What both providers check and fill in when a silence is created.</summary>
internal static class SilenceRules
{
    /// <summary>The silence to store for <paramref name="request"/>: a new GUID id (version 7, so ids sort by creation),
    /// times truncated to microseconds as both providers store them.</summary>
    public static Silence NewSilence(SilenceRequest request, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Comment, nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.CreatedBy, nameof(request));
        var startsAt = UnixMicros.Truncate(request.StartsAt);
        var endsAt = UnixMicros.Truncate(request.EndsAt);
        if (endsAt <= startsAt)
        {
            throw new ArgumentException($"a silence must end after it starts (startsAt {request.StartsAt:O}, endsAt {request.EndsAt:O})", nameof(request));
        }

        return new Silence(
            Guid.CreateVersion7(at).ToString(),
            EmptyToNull(request.RuleId),
            EmptyToNull(request.Instrument),
            startsAt,
            endsAt,
            request.Comment,
            request.CreatedBy,
            UnixMicros.Truncate(at));
    }

    private static string? EmptyToNull(string? text) => string.IsNullOrEmpty(text) ? null : text;

}
