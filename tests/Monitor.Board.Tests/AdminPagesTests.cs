using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

/// <summary>The webhook and backtest pages against the server's real routes.</summary>
[Collection(BoardCollection.Name)]
public sealed class AdminPagesTests(BoardServer board)
{
    [Fact]
    public async Task WebhookToALoopbackAddress_IsRefusedWithTheServersReason()
    {
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Admin, "#/webhooks");
        await Expect(page.GetByText("No webhooks yet.")).ToBeVisibleAsync();

        await page.GetByText("New webhook").ClickAsync();
        await page.Locator("input[name=url]").FillAsync("http://127.0.0.1:9/hook");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create webhook" }).ClickAsync();

        await Expect(page.Locator(".webhook-form .error")).ToContainTextAsync("loopback");
    }

    [Fact]
    public async Task BacktestOfAStoredRule_RunsToItsReport()
    {
        await board.Server.PostJsonAsync("/api/v1/rules", new
        {
            id = "board-backtest-gdx",
            type = "threshold",
            interval = "1m",
            @params = new { input = "ETF:GDX", op = "above", value = 70 },
        }, TestApiKeys.Admin);
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Admin, "#/backtests");

        await page.Locator("input[type=checkbox][value='board-backtest-gdx']").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run backtest" }).ClickAsync();

        await Expect(page.Locator(".backtest h2")).ToContainTextAsync("completed");
        await Expect(page.Locator(".backtest .stats")).ToContainTextAsync("ticks");
    }
}
