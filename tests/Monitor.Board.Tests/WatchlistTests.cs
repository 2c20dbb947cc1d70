using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

[Collection(BoardCollection.Name)]
public sealed class WatchlistTests(BoardServer board)
{
    [Fact]
    public async Task Board_ListsEveryInstrument()
    {
        var ids = (await board.Server.GetJsonAsync("/api/v1/instruments")).AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress);

        await Expect(page.Locator("table.watchlist tr.row")).ToHaveCountAsync(ids.Count);
        foreach (string id in ids)
        {
            await Expect(page.Locator($"tr[data-instrument='{id}'] .id")).ToHaveTextAsync(id);
        }
    }

    [Fact]
    public async Task PostedTick_ShowsWithoutReload()
    {
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress);
        int loads = 0;
        page.Load += (_, _) => loads++;
        await BoardBrowser.ExpectLiveAsync(page);
        var price = page.Locator("tr[data-instrument='NYMEX:PA'] .price");

        await board.Server.PostTicksAsync(BoardApi.Tick("NYMEX:PA", DateTimeOffset.UtcNow, 1234.56));
        await Expect(price).ToHaveTextAsync("1,234.56");

        await board.Server.PostTicksAsync(BoardApi.Tick("NYMEX:PA", DateTimeOffset.UtcNow, 1240.25));
        await Expect(price).ToHaveTextAsync("1,240.25");
        Assert.Equal(0, loads);
    }

    [Fact]
    public async Task KeyInTheAddress_IsKeptAndRemovedFromTheAddressBar()
    {
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Read);

        await Expect(page.Locator("header .who")).ToHaveTextAsync("reader");
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);

        await page.ReloadAsync();
        await Expect(page.Locator("header .who")).ToHaveTextAsync("reader");
    }

    [Fact]
    public async Task ViewerWithoutKey_IsReadOnly()
    {
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, hash: "#/rules");

        await Expect(page.Locator("header .who")).ToHaveTextAsync("read-only");
        await Expect(page.GetByText("Changing rules needs an admin key")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "New rule" })).ToHaveCountAsync(0);
    }
}
