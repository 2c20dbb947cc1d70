using Monitor.Core.Ports;
using System.Security.Cryptography;
using System.Text;
using Monitor.Core.Sources;
using Monitor.Storage.Tests.Infrastructure;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary>The source store and its archive, run against every provider (subclasses at the end of this file). Tests share
/// one database per class and keep apart by using sources of their own.</summary>
public abstract class SourceStoreBehaviourTests<TFixture>(TFixture fixture)
    where TFixture : StoreFixture
{
    private ISourceStore Sources => fixture.Store.Sources;

    [Fact]
    public async Task AddReplaceDelete_RoundTripsTheDefinitionAndKeepsTheStatus()
    {
        var definition = NewSource() with { LateAfter = new TimeSpan(1, 6, 0, 0), Mapping = """{"instruments":["COMEX:SI"]}""" };

        Assert.True(await Sources.AddAsync(definition, T0, T0.AddHours(1), T0.AddHours(1)));
        Assert.False(await Sources.AddAsync(definition, T0, null, null));
        var claimed = Assert.Single(await Sources.ClaimDueAsync("silo-a", T0.AddHours(2), T0.AddHours(3), 100), s => s.Definition.Id == definition.Id);
        var state = SourceState.Empty with
        {
            LastFetchAt = T0.AddHours(2),
            LastResult = SourceResult.New,
            LastActivityDate = new DateOnly(2026, 1, 13),
            NextFetchAt = T0.AddDays(1),
            ETag = "\"abc\"",
            LastModified = "Tue, 13 Jan 2026 22:00:00 GMT",
            Failures = 0,
        };
        Assert.True(await Sources.ReleaseAsync(definition.Id, "silo-a", state, T0.AddDays(1)));
        var replaced = definition with { Url = "https://example.com/other.xls", Enabled = false };
        Assert.True(await Sources.ReplaceAsync(replaced, T0.AddHours(4), null, null));

        var stored = await Sources.GetAsync(definition.Id);
        Assert.Equal(replaced, stored!.Definition);
        Assert.Equal(state with { NextFetchAt = null }, stored.State);
        Assert.Equal((T0, T0.AddHours(4)), (stored.CreatedAt, stored.UpdatedAt));
        Assert.Equal(claimed.Definition, definition);
        Assert.True(await Sources.DeleteAsync(definition.Id));
        Assert.Null(await Sources.GetAsync(definition.Id));
        Assert.False(await Sources.ReplaceAsync(definition, T0, null, null));
    }

    [Fact]
    public async Task ClaimDue_TwoSchedulers_EachSourceLeasedToOneUntilReleasedOrExpired()
    {
        var source = NewSource();
        await Sources.AddAsync(source, T0, T0, T0);

        var first = await Sources.ClaimDueAsync("silo-a", T0.AddMinutes(1), T0.AddMinutes(5), 100);
        var second = await Sources.ClaimDueAsync("silo-b", T0.AddMinutes(2), T0.AddMinutes(6), 100);
        var afterExpiry = await Sources.ClaimDueAsync("silo-b", T0.AddMinutes(5), T0.AddMinutes(9), 100);

        Assert.Contains(first, s => s.Definition.Id == source.Id);
        Assert.DoesNotContain(second, s => s.Definition.Id == source.Id);
        Assert.Contains(afterExpiry, s => s.Definition.Id == source.Id);
        Assert.False(await Sources.ReleaseAsync(source.Id, "silo-a", SourceState.Empty, T0.AddDays(1)));
        Assert.True(await Sources.ReleaseAsync(source.Id, "silo-b", SourceState.Empty, T0.AddDays(1)));
    }

    [Fact]
    public async Task ClaimOne_LeasedByAnother_IsRefusedUntilReleased()
    {
        var source = NewSource();
        await Sources.AddAsync(source, T0, T0.AddDays(1), T0.AddDays(1));

        var api = await Sources.ClaimAsync(source.Id, "api", T0, T0.AddMinutes(5));
        var other = await Sources.ClaimAsync(source.Id, "other", T0.AddMinutes(1), T0.AddMinutes(6));
        await Sources.ReleaseAsync(source.Id, "api", SourceState.Empty, T0.AddDays(1));
        var afterRelease = await Sources.ClaimAsync(source.Id, "other", T0.AddMinutes(1), T0.AddMinutes(6));

        Assert.NotNull(api);
        Assert.Null(other);
        Assert.NotNull(afterRelease);
        Assert.Null(await Sources.ClaimAsync("no-such-source", "api", T0, T0.AddMinutes(5)));
    }

    [Fact]
    public async Task PausedSource_IsNeverDue()
    {
        var paused = NewSource() with { Enabled = false };
        await Sources.AddAsync(paused, T0, null, T0);

        var due = await Sources.ClaimDueAsync("silo-a", T0.AddYears(1), T0.AddYears(1).AddMinutes(5), 1000);

        Assert.DoesNotContain(due, s => s.Definition.Id == paused.Id);
    }

    [Fact]
    public async Task Seed_UnchangedConfiguration_KeepsWhatTheApiSet()
    {
        var configured = NewSource() with { Enabled = false };
        await Sources.SeedAsync(configured, "hash-1", T0, null, null);
        await Sources.ReplaceAsync(configured with { Enabled = true }, T0.AddHours(1), T0.AddHours(2), T0.AddHours(2));

        await Sources.SeedAsync(configured, "hash-1", T0.AddHours(3), null, null);
        bool keptApiChange = (await Sources.GetAsync(configured.Id))!.Definition.Enabled;
        await Sources.SeedAsync(configured with { Url = "https://example.com/moved.xls" }, "hash-2", T0.AddHours(4), null, null);
        var reseeded = (await Sources.GetAsync(configured.Id))!.Definition;

        Assert.True(keptApiChange);
        Assert.Equal(("https://example.com/moved.xls", false), (reseeded.Url, reseeded.Enabled));
    }

    [Fact]
    public async Task AddFile_SameContentTwice_ArchivedOnceAndReadBackAsItCame()
    {
        var source = NewSource();
        byte[] content = Encoding.UTF8.GetBytes("Date,Ounces\n2026-01-13,522074356\n");
        string sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var file = new ArchivedFile(sha, source.Url, T0, 200, content.Length, SourceResult.New, new DateOnly(2026, 1, 13), null);
        var rejected = new ArchivedFile(new string('0', 64), source.Url, T0.AddDays(1), 200, 3, SourceResult.Rejected, null, "line 2: not a number");

        Assert.True(await Sources.AddFileAsync(source.Id, file, content));
        Assert.False(await Sources.AddFileAsync(source.Id, file with { FetchedAt = T0.AddHours(1) }, content));
        Assert.True(await Sources.AddFileAsync(source.Id, rejected, "bad"u8.ToArray()));

        Assert.Equal([rejected, file], await Sources.ListFilesAsync(source.Id));
        Assert.Equal(file, await Sources.FindFileAsync(source.Id, sha));
        Assert.Equal(content, await Sources.ReadContentAsync(source.Id, sha));
        Assert.Null(await Sources.FindFileAsync(source.Id, new string('1', 64)));
    }

    private static SourceDefinition NewSource() => new(
        $"test-{Guid.NewGuid():N}"[..20], SourceKinds.Csv, "https://example.com/report.csv", "30 16 * * 1-5", "America/Chicago", null, "cme", true, "{}");
}

public sealed class SqliteSourceStoreTests(SqliteStoreFixture fixture)
    : SourceStoreBehaviourTests<SqliteStoreFixture>(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresSourceStoreTests(PostgresStoreFixture fixture)
    : SourceStoreBehaviourTests<PostgresStoreFixture>(fixture), IClassFixture<PostgresStoreFixture>;
