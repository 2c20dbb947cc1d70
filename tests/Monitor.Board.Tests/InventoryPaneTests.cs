using System.Globalization;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

/// <summary>An instrument's inventory pane: each series' total with its locations under it, and restatements marked as they arrive.</summary>
[Collection(BoardCollection.Name)]
public sealed class InventoryPaneTests(BoardServer board)
{
    [Fact]
    public async Task TotalAndLocations_ShowAsRows_ARestatedLocationIsMarkedLive()
    {
        string asOf = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await board.Server.PostJsonAsync("/api/v1/inventory", new object[]
        {
            new { instrument = "LME:CO", series = "stocks", asOf, quantity = 1000, unit = "t" },
            new { instrument = "LME:CO", series = "stocks", asOf, quantity = 600, unit = "t", location = "Rotterdam" },
            new { instrument = "LME:CO", series = "stocks", asOf, quantity = 400, unit = "t", location = "Baltimore" },
        }, TestApiKeys.Ingest);
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, hash: "#/instrument/LME:CO");
        await BoardBrowser.ExpectLiveAsync(page);
        var pane = page.Locator(".inventory-pane");
        var rotterdam = pane.Locator("tr[data-series='stocks'][data-location='Rotterdam']");

        await Expect(pane.Locator("tr[data-series='stocks']")).ToHaveCountAsync(3);
        await Expect(pane.Locator("tr[data-series='stocks'].total")).ToContainTextAsync("Total");
        await Expect(pane.Locator("tr[data-series='stocks'].total .quantity")).ToHaveTextAsync("1.00k t");
        await Expect(pane.Locator("tr[data-series='stocks'][data-location='Baltimore'] .quantity")).ToHaveTextAsync("400.0 t");
        await Expect(rotterdam.Locator(".quantity")).ToHaveTextAsync("600.0 t");
        await Expect(pane.Locator(".restated-badge")).ToHaveCountAsync(0);

        await board.Server.PostJsonAsync("/api/v1/inventory", new object[]
        {
            new { instrument = "LME:CO", series = "stocks", asOf, quantity = 650, unit = "t", location = "Rotterdam" },
        }, TestApiKeys.Ingest);

        await Expect(rotterdam.Locator(".quantity")).ToHaveTextAsync("650.0 t");
        await Expect(rotterdam.Locator(".restated-badge")).ToHaveTextAsync("restated");
        await Expect(pane.Locator(".restated-badge")).ToHaveCountAsync(1);
    }
}
