using Monitor.Core.Sources;

namespace Monitor.Core.Ports;

/// <summary>
/// What a source's fetches left behind: the status the API shows (<see cref="Late"/> from
/// <see cref="LateSince"/>, the moment the newest report became late, which also dates the <c>sourceLate</c> alert), and
/// the validators of the last file for conditional requests, and how many fetches in a row failed (for the retries).
/// </summary>
public sealed record SourceState(
    DateTimeOffset? LastFetchAt,
    SourceResult? LastResult,
    string? LastError,
    DateOnly? LastActivityDate,
    DateTimeOffset? NextFetchAt,
    DateTimeOffset? LateSince,
    string? ETag,
    string? LastModified,
    int Failures)
{
    public static SourceState Empty { get; } = new(null, null, null, null, null, null, null, null, 0);

    public bool Late => LateSince is not null;
}

public sealed record StoredSource(SourceDefinition Definition, SourceState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A fetched file as the archive lists it; its bytes are kept once per distinct content (<see cref="Sha256"/>, lower-case hex).</summary>
public sealed record ArchivedFile(
    string Sha256,
    string Url,
    DateTimeOffset FetchedAt,
    int HttpStatus,
    long Bytes,
    SourceResult Result,
    DateOnly? ActivityDate,
    string? Detail);

/// <summary>
/// Sources, their status and their archive of fetched files. Schedulers on every silo take due sources with a lease
/// (<see cref="ClaimDueAsync"/>), so one process fetches a source at a time and a dead one's lease runs out. When a
/// source is next due (its next fetch, or the moment it becomes late) is decided above, and stored as <c>dueAt</c>
/// (null: never, as for a paused source).
/// </summary>
public interface ISourceStore
{
    Task<IReadOnlyList<StoredSource>> ListAsync(CancellationToken cancellationToken = default);

    Task<StoredSource?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Adds a source with an empty status; false if the id exists.</summary>
    Task<bool> AddAsync(SourceDefinition definition, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt, CancellationToken cancellationToken = default);

    /// <summary>Replaces a source's definition, keeping its status and archive; false if there is no such source.</summary>
    Task<bool> ReplaceAsync(SourceDefinition definition, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt, CancellationToken cancellationToken = default);

    /// <summary>A source from configuration: added if new, its definition replaced if the configuration of it changed
    /// since it was last seeded (<paramref name="seedHash"/> differs), else left as the API last set it.</summary>
    Task SeedAsync(SourceDefinition definition, string seedHash, DateTimeOffset at, DateTimeOffset? nextFetchAt, DateTimeOffset? dueAt, CancellationToken cancellationToken = default);

    /// <summary>Deletes a source's definition and status; its archived files stay.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Leases up to <paramref name="max"/> sources due at <paramref name="now"/> (and not leased by another) to
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>, earliest due first.</summary>
    Task<IReadOnlyList<StoredSource>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default);

    /// <summary>Leases one source whether due or not (a fetch asked for now); null if there is no such source or another holds its lease.</summary>
    Task<StoredSource?> ClaimAsync(string id, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Stores what a fetch left and when the source is next due, and ends <paramref name="owner"/>'s lease; false if the lease was lost.</summary>
    Task<bool> ReleaseAsync(string id, string owner, SourceState state, DateTimeOffset? dueAt, CancellationToken cancellationToken = default);

    /// <summary>When the earliest source is next due, or null if none is.</summary>
    Task<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken = default);

    /// <summary>Archives a file once per source and content; false (nothing written) if the same content is already archived.</summary>
    Task<bool> AddFileAsync(string sourceId, ArchivedFile file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    Task<ArchivedFile?> FindFileAsync(string sourceId, string sha256, CancellationToken cancellationToken = default);

    /// <summary>A source's archived files, newest first.</summary>
    Task<IReadOnlyList<ArchivedFile>> ListFilesAsync(string sourceId, CancellationToken cancellationToken = default);

    /// <summary>An archived file's bytes as they came.</summary>
    Task<byte[]> ReadContentAsync(string sourceId, string sha256, CancellationToken cancellationToken = default);
}
