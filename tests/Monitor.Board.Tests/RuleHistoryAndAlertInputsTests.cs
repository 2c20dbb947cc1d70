using System.Net.Http.Json;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

/// <summary>A rule's history with what changed between versions, and an alert's inputs: why it fired, without recomputing.</summary>
[Collection(BoardCollection.Name)]
public sealed class RuleHistoryAndAlertInputsTests(BoardServer board)
{
    [Fact]
    public async Task RuleHistory_ListsEveryVersionWithWhatChanged()
    {
        object Rule(double value) => new { id = "board-history", type = "threshold", @params = new { input = "COMEX:SI", op = "above", value } };
        await board.Server.PostJsonAsync("/api/v1/rules", Rule(110), TestApiKeys.Admin);
        using (var admin = board.Server.CreateClient(TestApiKeys.Admin))
        {
            var changed = await admin.PutAsJsonAsync("/api/v1/rules/board-history", Rule(120));
            Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());
        }

        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Read, "#/rules");
        await page.Locator("tr[data-rule-id='board-history']").GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "History" }).ClickAsync();

        var versions = page.Locator("li.rule-version");
        await Expect(versions).ToHaveCountAsync(2);
        await Expect(versions.Nth(0).Locator(".version")).ToHaveTextAsync("v2");
        await Expect(versions.Nth(0).Locator(".change")).ToHaveTextAsync("changed");
        await Expect(versions.Nth(0).Locator(".by")).ToHaveTextAsync("by ops");
        var diff = versions.Nth(0).Locator("tr[data-field='params.value']");
        await Expect(diff.Locator(".before")).ToHaveTextAsync("110");
        await Expect(diff.Locator(".after")).ToHaveTextAsync("120");
        await Expect(versions.Nth(1).Locator(".change")).ToHaveTextAsync("created");
        await Expect(versions.Nth(1).Locator("table.rule-diff")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AlertDetail_ShowsTheInputsItFiredOn()
    {
        using (var admin = board.Server.CreateClient(TestApiKeys.Admin))
        {
            var added = await admin.PutAsJsonAsync("/api/v1/instruments/BRD:IN", new { name = "Board inputs", kind = "etf", unit = "USD", intervals = new[] { "1m", "1d" } });
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        }

        await board.Server.PostJsonAsync("/api/v1/rules", new
        {
            id = "board-inputs",
            name = "Board inputs above 50",
            type = "threshold",
            interval = "1m",
            evaluate = "tick",
            @params = new { input = "BRD:IN", op = "above", value = 50 },
        }, TestApiKeys.Admin);
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Read);
        await BoardBrowser.ExpectLiveAsync(page);
        var at = new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-3);
        await board.Server.PostTicksAsync(BoardApi.Tick("BRD:IN", at.AddSeconds(10), 40), BoardApi.Tick("BRD:IN", at.AddSeconds(20), 55.5));

        var card = page.Locator("li.alert", new() { HasText = "Board inputs above 50" });
        await Expect(card).ToHaveAttributeAsync("data-state", "firing");
        await card.Locator("a.rule").ClickAsync();

        var row = page.Locator("table.alert-inputs tr[data-series='BRD:IN']");
        await Expect(row.Locator(".value")).ToHaveTextAsync("55.500");
        await Expect(row.Locator(".at")).ToHaveTextAsync(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") + "Z");
        await Expect(page.Locator(".alert-summary")).ToContainTextAsync("version 1");
    }
}
