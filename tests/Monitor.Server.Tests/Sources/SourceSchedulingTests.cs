using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using static Monitor.Server.Tests.Sources.SourceHarness;

namespace Monitor.Server.Tests.Sources;

/// <summary>
/// The scheduler, the fetcher and the runner in the real server, on a fake clock, against a publisher's web server on
/// loopback: schedules, conditional requests, retries, timeouts, size limits, restatements, bad files and lateness.
/// </summary>
public sealed class SourceSchedulingTests
{
    private static readonly DateTimeOffset FirstFetch = new(2026, 1, 13, 22, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SecondFetch = FirstFetch.AddDays(1);

    [Fact]
    public async Task Schedule_FirstFetchAtTheNextOccurrence_StoresTheReportPublishedWhenFetched()
    {
        await using var harness = await StartAsync();
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-13", 522_074_356)), "text/csv");

        var created = await harness.AddHoldingsSourceAsync("gld", "gld.csv");
        var status = await harness.AdvanceToAsync(FirstFetch, "gld", s => s["lastFetchAt"] is not null, "the first scheduled fetch");

        Assert.Equal(FirstFetch, Time(created["status"]!["nextFetchAt"]));
        Assert.Equal("new", status["lastResult"]!.GetValue<string>());
        Assert.Equal("2026-01-13", status["lastActivityDate"]!.GetValue<string>());
        Assert.Equal(SecondFetch, Time(status["nextFetchAt"]));
        Assert.False(status["late"]!.GetValue<bool>());
        var value = Assert.Single(await harness.InventoryAsync("2026-01-13", "2026-01-13"));
        Assert.Equal(522_074_356, value!["quantity"]!.GetValue<double>());
        Assert.Equal(FirstFetch, Time(value["publishedAt"]));
        var file = Assert.Single((JsonArray)await harness.Admin.GetJsonAsync("/api/v1/sources/gld/files"));
        Assert.Equal(("new", "2026-01-13", 200), (file!["result"]!.GetValue<string>(), file["activityDate"]!.GetValue<string>(), file["httpStatus"]!.GetValue<int>()));
    }

    [Fact]
    public async Task UnchangedFile_ConditionalRequestAnswered304_NothingStoredAgain()
    {
        await using var harness = await StartAsync();
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-13", 522_074_356)), "text/csv");
        await harness.AddHoldingsSourceAsync("gld", "gld.csv");
        await harness.AdvanceToAsync(FirstFetch, "gld", s => s["lastFetchAt"] is not null, "the first fetch");

        var status = await harness.AdvanceToAsync(SecondFetch, "gld", s => FetchedAt(s) == SecondFetch, "the second fetch");

        var requests = harness.Publisher.Requests;
        Assert.Equal([200, 304], requests.Select(r => r.Status));
        Assert.Null(requests[0].IfNoneMatch);
        Assert.NotNull(requests[1].IfNoneMatch);
        Assert.NotNull(requests[1].IfModifiedSince);
        Assert.Equal("unchanged", status["lastResult"]!.GetValue<string>());
        Assert.Single(await harness.InventoryAsync("2026-01-13", "2026-01-13"));
        Assert.Single((JsonArray)await harness.Admin.GetJsonAsync("/api/v1/sources/gld/files"));
    }

    [Fact]
    public async Task FailingPublisher_RetriedAfterTheScheduledDelaysThenSucceeds()
    {
        await using var harness = await StartAsync();
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-13", 522_074_356)), "text/csv");
        harness.Publisher.Intercept = (_, n) => Task.FromResult<IResult?>(n <= 2 ? Results.StatusCode(503) : null);
        await harness.AddHoldingsSourceAsync("gld", "gld.csv");

        var first = await harness.AdvanceToAsync(FirstFetch, "gld", s => s["lastFetchAt"] is not null, "the first attempt");
        var second = await harness.AdvanceToAsync(FirstFetch.AddSeconds(30), "gld", s => FetchedAt(s) > FirstFetch, "the first retry");
        var third = await harness.AdvanceToAsync(FirstFetch.AddSeconds(150), "gld", s => s["lastResult"]!.GetValue<string>() == "new", "the second retry");

        Assert.Equal("failed", first["lastResult"]!.GetValue<string>());
        Assert.Contains("answered 503", first["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(FirstFetch.AddSeconds(30), Time(first["nextFetchAt"]));
        Assert.Equal(FirstFetch.AddSeconds(150), Time(second["nextFetchAt"]));
        Assert.Null(third["lastError"]);
        Assert.Equal(SecondFetch, Time(third["nextFetchAt"]));
        Assert.Equal(3, harness.Publisher.Requests.Count);
    }

    [Fact]
    public async Task PublisherThatNeverAnswers_TimesOutOnTheClockAndRetries()
    {
        await using var harness = await StartAsync();
        harness.Publisher.Intercept = (_, _) => Task.FromResult<IResult?>(harness.Publisher.Hang());
        await harness.AddHoldingsSourceAsync("gld", "gld.csv");

        harness.AdvanceTo(FirstFetch);
        await harness.Publisher.WaitForRequestsAsync(1);
        var status = await harness.AdvanceToAsync(FirstFetch.AddSeconds(60), "gld", s => s["lastFetchAt"] is not null, "the timeout");

        Assert.Equal("failed", status["lastResult"]!.GetValue<string>());
        Assert.Contains("did not answer within 60 s", status["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(FirstFetch.AddSeconds(90), Time(status["nextFetchAt"]));
    }

    [Fact]
    public async Task FileLargerThanTheLimit_FailedAndNothingStored()
    {
        await using var harness = await StartAsync(("Monitor:Sources:MaxBytes", "1024"));
        harness.Publisher.Publish("gld.csv", HoldingsCsv([.. Enumerable.Range(1, 100).Select(i => ($"2025-{1 + (i % 12):00}-{1 + (i % 28):00}", 1e6 + i))]), "text/csv");
        await harness.AddHoldingsSourceAsync("gld", "gld.csv");

        var status = await harness.AdvanceToAsync(FirstFetch, "gld", s => s["lastFetchAt"] is not null, "the fetch");

        Assert.Equal("failed", status["lastResult"]!.GetValue<string>());
        Assert.Contains("larger than 1024 bytes (Monitor:Sources:MaxBytes)", status["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((JsonArray)await harness.Admin.GetJsonAsync("/api/v1/sources/gld/files"));
    }

    [Fact]
    public async Task SameDateOtherNumbers_RestatedAsANewVersionPublishedWhenFetched()
    {
        await using var harness = await StartAsync();
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-13", 522_074_356)), "text/csv");
        await harness.AddHoldingsSourceAsync("gld", "gld.csv");
        await harness.AdvanceToAsync(FirstFetch, "gld", s => s["lastFetchAt"] is not null, "the first fetch");
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-13", 521_000_000)), "text/csv");

        var status = await harness.AdvanceToAsync(SecondFetch, "gld", s => FetchedAt(s) == SecondFetch, "the second fetch");

        Assert.Equal("restated", status["lastResult"]!.GetValue<string>());
        var value = Assert.Single(await harness.InventoryAsync("2026-01-13", "2026-01-13"));
        Assert.Equal(521_000_000, value!["quantity"]!.GetValue<double>());
        Assert.Equal(SecondFetch, Time(value["publishedAt"]));
        Assert.Equal(["restated", "new"], ((JsonArray)await harness.Admin.GetJsonAsync("/api/v1/sources/gld/files")).Select(f => f!["result"]!.GetValue<string>()));
    }

    [Fact]
    public async Task BadFile_RejectedNamingFileAndLine_StoredValuesStay()
    {
        await using var harness = await StartAsync();
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-13", 522_074_356)), "text/csv");
        await harness.AddHoldingsSourceAsync("gld", "gld.csv");
        await harness.AdvanceToAsync(FirstFetch, "gld", s => s["lastFetchAt"] is not null, "the first fetch");
        harness.Publisher.Publish("gld.csv", "<!DOCTYPE html><html><body>Access denied</body></html>"u8.ToArray(), "text/html");

        var status = await harness.AdvanceToAsync(SecondFetch, "gld", s => FetchedAt(s) == SecondFetch, "the second fetch");

        Assert.Equal("rejected", status["lastResult"]!.GetValue<string>());
        Assert.StartsWith("gld.csv rejected: ", status["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("2026-01-13", status["lastActivityDate"]!.GetValue<string>());
        Assert.Equal(522_074_356, Assert.Single(await harness.InventoryAsync("2026-01-01", "2026-12-31"))!["quantity"]!.GetValue<double>());
        var files = (JsonArray)await harness.Admin.GetJsonAsync("/api/v1/sources/gld/files");
        Assert.Equal(["rejected", "new"], files.Select(f => f!["result"]!.GetValue<string>()));
        Assert.Equal(status["lastError"]!.GetValue<string>(), files[0]!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ValueIngestRefuses_WholeFileRejectedNamingTheValue_NothingStored()
    {
        await using var harness = await StartAsync();
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-12", 522_074_356), ("2026-01-13", 2e15)), "text/csv");
        await harness.AddHoldingsSourceAsync("gld", "gld.csv");

        var status = await harness.AdvanceToAsync(FirstFetch, "gld", s => s["lastFetchAt"] is not null, "the fetch");

        Assert.Equal("rejected", status["lastResult"]!.GetValue<string>());
        Assert.StartsWith("gld.csv rejected: ETF:GLD/holdings of 2026-01-13: 'quantity' must be at most 1e15", status["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await harness.InventoryAsync("2026-01-01", "2026-12-31"));
    }

    [Fact]
    public async Task NoNewReport_LateOnThePublishersBusinessDays_AlertFiresThenResolvesWithTheNextReport()
    {
        await using var harness = await StartAsync();
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-13", 522_074_356)), "text/csv");
        await harness.AddHoldingsSourceAsync("gld", "gld.csv", lateAfter: "P1DT6H");
        await harness.AdvanceToAsync(FirstFetch, "gld", s => s["lastFetchAt"] is not null, "the first fetch");
        await harness.AdvanceToAsync(SecondFetch, "gld", s => FetchedAt(s) == SecondFetch, "the second fetch, unchanged");

        // The report of Tuesday 13 January ends at midnight in Chicago; a business day and six hours later it is late.
        var lateAt = new DateTimeOffset(2026, 1, 15, 6, 0, 0, TimeSpan.FromHours(-6));
        var onTime = await harness.AdvanceToAsync(lateAt.AddMinutes(-1), "gld", s => true, "the status");
        var late = await harness.AdvanceToAsync(lateAt, "gld", s => s["late"]!.GetValue<bool>(), "the source late");
        var firing = await AlertAsync(harness, "firing");
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-13", 522_074_356), ("2026-01-14", 521_500_000)), "text/csv");
        var fetched = await (await harness.Admin.PostAsync("/api/v1/sources/gld/fetch", null)).OkJsonAsync();
        var resolved = await AlertAsync(harness, "resolved");

        Assert.False(onTime["late"]!.GetValue<bool>());
        Assert.True(late["late"]!.GetValue<bool>());
        Assert.Equal(("sourceLate", "source:gld", "warning"), (firing["type"]!.GetValue<string>(), firing["ruleId"]!.GetValue<string>(), firing["severity"]!.GetValue<string>()));
        Assert.Equal(lateAt, Time(firing["firedAt"]));
        Assert.Equal(("new", "2026-01-14", false), (fetched["lastResult"]!.GetValue<string>(), fetched["lastActivityDate"]!.GetValue<string>(), fetched["late"]!.GetValue<bool>()));
        Assert.Equal(firing["id"]!.GetValue<string>(), resolved["id"]!.GetValue<string>());
        Assert.Equal(lateAt, Time(resolved["resolvedAt"]));
    }

    [Fact]
    public async Task PausedSource_NotFetchedOnItsSchedule_ResumedSourceIs()
    {
        await using var harness = await StartAsync();
        harness.Publisher.Publish("gld.csv", HoldingsCsv(("2026-01-13", 522_074_356)), "text/csv");
        harness.Publisher.Publish("witness.csv", HoldingsCsv(("2026-01-12", 522_000_000)), "text/csv");
        await harness.AddHoldingsSourceAsync("gld", "gld.csv");
        await harness.AddHoldingsSourceAsync("witness", "witness.csv");

        var paused = await (await harness.Admin.PostAsync("/api/v1/sources/gld/pause", null)).OkJsonAsync();
        await harness.AdvanceToAsync(FirstFetch, "witness", s => s["lastFetchAt"] is not null, "the witness fetched at the same time");
        var whilePaused = await harness.StatusAsync("gld");
        var resumed = await (await harness.Admin.PostAsync("/api/v1/sources/gld/resume", null)).OkJsonAsync();
        var afterResume = await harness.AdvanceToAsync(SecondFetch, "gld", s => s["lastFetchAt"] is not null, "fetched once resumed");

        Assert.False(paused["enabled"]!.GetValue<bool>());
        Assert.Null(paused["status"]!["nextFetchAt"]);
        Assert.Null(whilePaused["lastFetchAt"]);
        Assert.Equal(SecondFetch, Time(resumed["status"]!["nextFetchAt"]));
        Assert.Equal("new", afterResume["lastResult"]!.GetValue<string>());
        Assert.Single(harness.Publisher.Requests, r => r.Path == "gld.csv");
    }

    private static DateTimeOffset? FetchedAt(JsonNode status) => status["lastFetchAt"] is { } at ? Time(at) : null;

    private static async Task<JsonNode> AlertAsync(SourceHarness harness, string state) =>
        (await Eventually.GetAsync(
            async () => ((JsonArray)await harness.Admin.GetJsonAsync("/api/v1/alerts?ruleId=source:gld&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z"))
                .FirstOrDefault(a => a!["state"]!.GetValue<string>() == state),
            a => a is not null,
            TimeSpan.FromSeconds(20),
            $"the sourceLate alert {state}"))!;
}
