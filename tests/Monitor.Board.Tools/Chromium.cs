using Microsoft.Playwright;

namespace Monitor.Board.Tools;

/// <summary>Debian's Chromium, headless, with the flags that keep it off the network (as in the browser tests).</summary>
internal static class Chromium
{
    public static BrowserNewPageOptions WallScreen { get; } = new() { ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } };

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    /// <summary>Waits until the board's hub connection is up.</summary>
    public static Task ExpectLiveAsync(IPage page) =>
        Assertions.Expect(page.Locator(".link-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 60_000 });
}
