using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

/// <summary>The board against a server of its own, which this test kills and starts again at the same address.</summary>
[Collection(BoardCollection.Name)]
public sealed class RestartTests(BoardServer board) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-board-restart-").FullName;

    [Fact]
    public async Task ServerRestart_BoardReconnectsAndShowsNewTicks()
    {
        await using var first = await ServerProcess.StartAsync(_directory);
        var address = first.BaseAddress;
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, address);
        await BoardBrowser.ExpectLiveAsync(page);
        var price = page.Locator("tr[data-instrument='ETF:URA'] .price");
        await first.PostTicksAsync(BoardApi.Tick("ETF:URA", DateTimeOffset.UtcNow, 31.25));
        await Expect(price).ToHaveTextAsync("31.250");

        await first.KillAsync();
        await Expect(page.Locator(".link-state")).Not.ToHaveAttributeAsync("data-state", "live");

        await using var second = await ServerProcess.StartAsync(_directory, address);
        await BoardBrowser.ExpectLiveAsync(page);
        await second.PostTicksAsync(BoardApi.Tick("ETF:URA", DateTimeOffset.UtcNow, 32.5));
        await Expect(price).ToHaveTextAsync("32.500");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
