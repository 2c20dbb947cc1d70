using System.Globalization;
using System.Text.Json.Nodes;
using Monitor.Testing;

namespace Monitor.Board.Tools;

/// <summary>
/// The README's pictures: a server with its simulated demo feed (which seeds the default rules and their minute-bar
/// demo versions), a wait until the demo's episodes have raised a few alerts, then the board and one instrument's
/// chart in Chromium at 1920x1080.
/// </summary>
internal static class ScreenshotCommand
{
    /// <summary><c>screenshot [output folder, default docs] [alerts to wait for, default 3] [wait limit in seconds, default 900]</c></summary>
    public static async Task RunAsync(string[] args)
    {
        string output = args.Length > 0 ? args[0] : "docs";
        int alerts = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var limit = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 900);

        string directory = Directory.CreateTempSubdirectory("monitor-board-screenshot-").FullName;
        var server = await ServerProcess.StartAsync(directory, "--Monitor:DemoFeed:Enabled=true");
        try
        {
            using var client = server.CreateClient();
            var deadline = DateTime.UtcNow + limit;
            while (JsonNode.Parse(await client.GetStringAsync("/api/v1/alerts"))!.AsArray().Count is var raised && raised < alerts && DateTime.UtcNow < deadline)
            {
                Console.WriteLine($"{raised} of {alerts} alerts so far");
                await Task.Delay(TimeSpan.FromSeconds(10));
            }

            using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var page = await browser.NewPageAsync(Chromium.WallScreen);
            await page.GotoAsync($"{server.BaseAddress}?key={TestApiKeys.Admin}");
            await Chromium.ExpectLiveAsync(page);
            await page.Locator("tr.row .price .value").First.WaitForAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(output, "board.png") });

            await page.Locator("tr[data-instrument='COMEX:SI'] a.id").ClickAsync();
            await page.Locator(".chart canvas").First.WaitForAsync();
            await page.Locator(".toolbar select").WaitForAsync();
            await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);
            await page.ScreenshotAsync(new() { Path = Path.Combine(output, "board-instrument.png") });
            Console.WriteLine($"wrote {output}/board.png and {output}/board-instrument.png");
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
