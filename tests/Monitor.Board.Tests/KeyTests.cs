using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

/// <summary>A server where reading needs a key: the board asks for one, then reads and listens with it.</summary>
[Collection(BoardCollection.Name)]
public sealed class KeyTests(BoardServer board) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-board-keys-").FullName;

    [Fact]
    public async Task ClosedServer_BoardAsksForAKeyThenGoesLiveWithIt()
    {
        await using var server = await ServerProcess.StartAsync(_directory, "--Monitor:Auth:AnonymousRead=false");
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, server.BaseAddress);

        await Expect(page.Locator(".key-prompt")).ToContainTextAsync("needs an API key");
        await page.Locator(".key-prompt input[name=apiKey]").FillAsync(TestApiKeys.Read);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the board" }).ClickAsync();

        await Expect(page.Locator("header .who")).ToHaveTextAsync("reader");
        await BoardBrowser.ExpectLiveAsync(page);
        await server.PostTicksAsync(BoardApi.Tick("ETF:XME", DateTimeOffset.UtcNow, 88.125));
        await Expect(page.Locator("tr[data-instrument='ETF:XME'] .price")).ToHaveTextAsync("88.125");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
