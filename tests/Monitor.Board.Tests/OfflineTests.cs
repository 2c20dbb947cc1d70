using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

[Collection(BoardCollection.Name)]
public sealed class OfflineTests(BoardServer board)
{
    [Fact]
    public async Task EveryPage_RequestsNothingButTheServer()
    {
        var context = await board.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = board.Server.BaseAddress.ToString() });
        var requested = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            lock (requested)
            {
                requested.Add(route.Request.Url);
            }

            if (SameOrigin(route.Request.Url))
            {
                await route.ContinueAsync();
            }
            else
            {
                await route.AbortAsync();
            }
        });
        var page = await context.NewPageAsync();
        page.WebSocket += (_, socket) =>
        {
            lock (requested)
            {
                requested.Add(socket.Url);
            }
        };

        await page.GotoAsync($"/?key={TestApiKeys.Admin}");
        await BoardBrowser.ExpectLiveAsync(page);
        await page.Locator("tr[data-instrument='COMEX:SI'] a.id").ClickAsync();
        await Expect(page.Locator(".chart canvas").First).ToBeVisibleAsync();
        foreach (string section in new[] { "Rules", "Webhooks", "Backtests", "Settings" })
        {
            await page.Locator("nav").GetByRole(AriaRole.Link, new() { Name = section }).ClickAsync();
            await Expect(page.Locator("main h1")).ToContainTextAsync(section == "Backtests" ? "Backtest" : section);
        }

        await context.CloseAsync();
        lock (requested)
        {
            Assert.NotEmpty(requested);
            Assert.All(requested, url => Assert.True(SameOrigin(url), $"{url} is not on the server"));
            Assert.Contains(requested, url => url.Contains("/hubs/market", StringComparison.Ordinal));
        }
    }

    private bool SameOrigin(string url)
    {
        var uri = new Uri(url);
        return uri.Host == board.Server.BaseAddress.Host && uri.Port == board.Server.BaseAddress.Port;
    }
}
