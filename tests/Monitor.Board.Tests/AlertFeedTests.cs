using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

[Collection(BoardCollection.Name)]
public sealed class AlertFeedTests(BoardServer board)
{
    [Fact]
    public async Task Alert_AppearsAndIsAcknowledgedWithAName()
    {
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Read);
        await BoardBrowser.ExpectLiveAsync(page);
        await board.Server.PostJsonAsync("/api/v1/rules", new
        {
            id = "board-gold-above",
            name = "Gold above 5,000",
            type = "threshold",
            severity = "critical",
            interval = "1m",
            @params = new { input = "COMEX:GC", op = "above", value = 5000 },
        }, TestApiKeys.Admin);

        // A minute bar that closes above the line: the rule evaluates at the close, which the next tick reveals.
        var minute = new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-5);
        await board.Server.PostTicksAsync(BoardApi.Tick("COMEX:GC", minute.AddSeconds(5), 5100), BoardApi.Tick("COMEX:GC", minute.AddSeconds(30), 5120));
        await board.Server.PostTicksAsync(BoardApi.Tick("COMEX:GC", minute.AddSeconds(65), 5130));

        var card = page.Locator("li.alert", new() { HasText = "Gold above 5,000" });
        await Expect(card).ToHaveAttributeAsync("data-state", "firing");
        await Expect(card.Locator(".message")).ToContainTextAsync("COMEX:GC");

        await card.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await card.Locator("input[name=by]").FillAsync("Dana Wall");
        await card.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Expect(card.Locator(".acked")).ToContainTextAsync("Acknowledged by Dana Wall (key reader)");
        var stored = await board.Server.GetJsonAsync("/api/v1/alerts?ruleId=board-gold-above");
        Assert.Equal("Dana Wall", stored[0]!["acknowledgedBy"]!.GetValue<string>());
    }
}
