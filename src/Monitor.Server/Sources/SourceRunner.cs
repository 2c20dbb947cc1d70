using Monitor.Core.Ports;
using System.Security.Cryptography;
using Monitor.Core.Market;
using Monitor.Core.Sources;
using Monitor.Sources;
using Monitor.Storage;

namespace Monitor.Server.Sources;

/// <summary>
/// Handles one source whose lease its caller holds: fetches it if due (or asked to), archives a new file as it came,
/// parses it, stores what it changed, updates the status and lateness, and ends the lease. A rejected file stores
/// nothing and says why, naming the file and the sheet and cell or line; the values stored before stay.
/// </summary>
public sealed class SourceRunner(
    ISourceStore sources,
    IInventoryStore inventory,
    IBarStore bars,
    SourceFetcher fetcher,
    SourceIngest ingest,
    SourceLateAlerts lateAlerts,
    InstrumentCatalog catalog,
    SourceOptions options,
    TimeProvider clock,
    ILogger<SourceRunner> logger)
{
    public async Task<SourceState> RunAsync(StoredSource source, string owner, bool fetchNow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var definition = source.Definition;
        var state = source.State;
        try
        {
            if (fetchNow || state.NextFetchAt is not { } next || next <= clock.GetUtcNow())
            {
                state = await FetchAsync(definition, state, cancellationToken).ConfigureAwait(false);
            }

            state = await lateAlerts.UpdateAsync(definition, state, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Storing failed (a grain or the database): nothing was archived, so the next attempt handles the file again.
            logger.LogError(e, "Source {Source}: handling the fetched file failed", definition.Id);
            state = Failed(definition, state, clock.GetUtcNow(), $"storing the report failed: {e.Message}");
        }

        await sources.ReleaseAsync(definition.Id, owner, state, SourceSchedule.DueAt(definition, state), CancellationToken.None).ConfigureAwait(false);
        return state;
    }

    private async Task<SourceState> FetchAsync(SourceDefinition definition, SourceState state, CancellationToken cancellationToken)
    {
        var url = new Uri(definition.Url);
        var outcome = await fetcher.FetchAsync(url, state.ETag, state.LastModified, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var scheduled = SourceSchedule.NextFetchAt(definition, now);
        switch (outcome)
        {
            case FetchOutcome.Failed failed:
                logger.LogWarning("Source {Source}: {Error}", definition.Id, failed.Error);
                return Failed(definition, state, now, failed.Error);

            case FetchOutcome.Fetched file:
                var (result, activityDate, error) = await HandleFileAsync(definition, file, now, cancellationToken).ConfigureAwait(false);
                bool accepted = result != SourceResult.Rejected;
                return state with
                {
                    LastFetchAt = now,
                    LastResult = result,
                    LastError = error,
                    LastActivityDate = accepted && activityDate is { } date && (state.LastActivityDate is null || date > state.LastActivityDate) ? date : state.LastActivityDate,
                    NextFetchAt = scheduled,
                    Failures = 0,

                    // A rejected file's validators are not kept: until it changes, each fetch gets it and says again why it is refused.
                    ETag = accepted ? file.ETag : null,
                    LastModified = accepted ? file.LastModified : null,
                };

            default:
                return state with { LastFetchAt = now, LastResult = SourceResult.Unchanged, LastError = null, NextFetchAt = scheduled, Failures = 0 };
        }
    }

    private async Task<(SourceResult Result, DateOnly? ActivityDate, string? Error)> HandleFileAsync(
        SourceDefinition definition, FetchOutcome.Fetched file, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(file.Content));
        if (await sources.FindFileAsync(definition.Id, sha256, cancellationToken).ConfigureAwait(false) is { } archived)
        {
            return archived.Result == SourceResult.Rejected
                ? (SourceResult.Rejected, null, archived.Detail)
                : (SourceResult.Unchanged, archived.ActivityDate, null);
        }

        string fileName = SourceReports.FileName(definition.Url);
        var report = SourceReports.Parse(definition, file.Content, fileName, now, catalog);
        SourceResult result;
        string? error = null;
        if (report.Rejected || report.ActivityDate is null)
        {
            result = SourceResult.Rejected;
            error = $"{fileName} rejected: " + (report.Problems.Count > 0 ? string.Join("; ", report.Problems) : "the report carries no activity date");
            logger.LogWarning("Source {Source}: {Error}", definition.Id, error);
        }
        else
        {
            var changes = await ReportChanges.FindAsync(report, inventory, bars, cancellationToken).ConfigureAwait(false);
            if (await ingest.StoreAsync(changes, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                result = SourceResult.Rejected;
                error = $"{fileName} rejected: {refused}";
                logger.LogWarning("Source {Source}: {Error}", definition.Id, error);
            }
            else
            {
                result = changes.Result;
            }
        }

        // Archived last: a file whose values could not be stored is not archived, so the next fetch handles it again.
        await sources.AddFileAsync(
            definition.Id,
            new ArchivedFile(sha256, definition.Url, now, file.HttpStatus, file.Content.Length, result, report.ActivityDate, error),
            file.Content,
            cancellationToken).ConfigureAwait(false);
        return (result, report.ActivityDate, error);
    }

    private SourceState Failed(SourceDefinition definition, SourceState state, DateTimeOffset now, string error)
    {
        int failures = state.Failures + 1;
        var retries = options.ParsedRetrySchedule;
        var scheduled = SourceSchedule.NextFetchAt(definition, now);
        var next = failures <= retries.Count && now + retries[failures - 1] is var retry && (scheduled is null || retry < scheduled) ? retry : scheduled;
        return state with { LastFetchAt = now, LastResult = SourceResult.Failed, LastError = error, NextFetchAt = next, Failures = failures };
    }
}
