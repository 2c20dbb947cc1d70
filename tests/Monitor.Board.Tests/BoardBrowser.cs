using Microsoft.Playwright;

namespace Monitor.Board.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright: no browser download, and the flags that keep Chromium from reaching for
/// Google's services on a machine with no network but loopback.
/// </summary>
internal static class BoardBrowser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Expect(...) waits up to this long for a condition; generous for a shared 2-core machine.</summary>
    public const float ExpectTimeoutMs = 20_000;

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: ./test.sh installs Debian's chromium package (apt-get install chromium).");
        }

        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh browser context (its own storage) on the board, with <paramref name="key"/> passed in the address once.</summary>
    public static async Task<IPage> OpenBoardAsync(IBrowser browser, Uri server, string? key = null, string hash = "")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.ToString(), ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync((key is null ? "/" : $"/?key={Uri.EscapeDataString(key)}") + hash);
        return page;
    }

    /// <summary>Waits until the hub connection is up (and so subscribed to every instrument and to alerts).</summary>
    public static Task ExpectLiveAsync(IPage page) =>
        Assertions.Expect(page.Locator(".link-state")).ToHaveAttributeAsync("data-state", "live");
}
