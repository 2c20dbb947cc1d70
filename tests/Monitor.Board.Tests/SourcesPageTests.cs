using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

/// <summary>The Sources page against the server's real routes: statuses, and an admin's fetch now, pause and resume.</summary>
[Collection(BoardCollection.Name)]
public sealed class SourcesPageTests(BoardServer board)
{
    [Fact]
    public async Task AdminFetchesNowPausesAndResumes_TheRowShowsEachStatus()
    {
        // A host that never resolves: the fetch fails, and the page must say why.
        await board.Server.PostJsonAsync("/api/v1/sources", new
        {
            id = "board-gld",
            kind = "spdr-gld",
            url = "https://reports.invalid/GLD_US_archive_EN.csv",
            schedule = "0 17 * * 1-5",
            timeZone = "America/New_York",
        }, TestApiKeys.Admin);
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Admin, "#/sources");
        var row = page.Locator("tr[data-source-id='board-gld']");
        await Expect(row).ToContainTextAsync("never");

        await row.GetByRole(AriaRole.Button, new() { Name = "Fetch now" }).ClickAsync();
        await Expect(row.Locator(".source-result")).ToHaveTextAsync("failed");
        await Expect(row.Locator(".source-error")).ToContainTextAsync("reports.invalid");

        await row.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(row).ToContainTextAsync("paused");
        await row.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ReadOnlyVisitor_SeesSourcesWithoutButtons()
    {
        await board.Server.PostJsonAsync("/api/v1/sources", new
        {
            id = "board-cot",
            kind = "cftc-cot",
            url = "https://reports.invalid/f_disagg.txt",
            schedule = "40 15 * * 5",
            timeZone = "America/New_York",
            enabled = false,
        }, TestApiKeys.Admin);

        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, null, "#/sources");
        var row = page.Locator("tr[data-source-id='board-cot']");

        await Expect(row).ToContainTextAsync("cftc-cot");
        await Expect(row).ToContainTextAsync("paused");
        await Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
    }
}
