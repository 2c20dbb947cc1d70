using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

/// <summary>
/// Working on alerts from the board: assigning, shelving (shown until it ends, then gone on its own) and commenting on
/// an alert, acknowledging a whole notification group in the grouped view, and the policy page.
/// </summary>
[Collection(BoardCollection.Name)]
public sealed class AlertWorkTests(BoardServer board)
{
    [Fact]
    public async Task Alert_IsAssignedCommentedAndShelvedUntilTheShelfEnds()
    {
        await FireAsync("board-work-tin", "Tin above 30,000", "LME:SN", 30_000);
        var context = await board.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = board.Server.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var page = await context.NewPageAsync();
        // The browser's clock runs as usual until the test moves it past the shelf's end.
        await page.Clock.InstallAsync();
        await page.GotoAsync($"/?key={Uri.EscapeDataString(TestApiKeys.Read)}");
        var card = page.Locator(".alert-panel > ol.alerts > li.alert", new() { HasText = "Tin above 30,000" });
        await Expect(card).ToHaveAttributeAsync("data-state", "firing");

        await card.GetByRole(AriaRole.Button, new() { Name = "Assign" }).ClickAsync();
        await card.Locator("input[name=by]").FillAsync("Dana Wall");
        await card.Locator("input[name=assignee]").FillAsync("Lee Chen");
        await card.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(card.Locator(".assigned")).ToContainTextAsync("Assigned to Lee Chen by Dana Wall");

        await card.GetByRole(AriaRole.Button, new() { Name = "Comments" }).ClickAsync();
        await Expect(card.Locator("ol.history li[data-kind=assigned]")).ToContainTextAsync("Dana Wall (key reader) assigned it to Lee Chen");
        await card.Locator("textarea[name=text]").FillAsync("LME cancelled warrants jumped overnight");
        await card.GetByRole(AriaRole.Button, new() { Name = "Comment", Exact = true }).ClickAsync();
        await Expect(card.Locator("ol.history li[data-kind=comment]")).ToContainTextAsync("Dana Wall (key reader): LME cancelled warrants jumped overnight");
        await card.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Comments (1)" })).ToBeVisibleAsync();

        await card.Locator(".shelve").GetByRole(AriaRole.Button, new() { Name = "1h" }).ClickAsync();
        await Expect(card).ToHaveAttributeAsync("data-shelved", "true");
        await Expect(card.Locator(".shelved-note")).ToContainTextAsync("Shelved until");
        await Expect(card.Locator(".shelved-note")).ToContainTextAsync("by Dana Wall");
        var stored = await board.Server.GetJsonAsync("/api/v1/alerts?ruleId=board-work-tin");
        Assert.Equal("Lee Chen", stored[0]!["assignment"]!["assignee"]!.GetValue<string>());
        Assert.Equal("reader", stored[0]!["shelf"]!["byKey"]!.GetValue<string>());

        await page.Clock.FastForwardAsync("01:00:05");
        await Expect(card).ToHaveAttributeAsync("data-shelved", "false");
        await Expect(card.Locator(".shelved-note")).ToHaveCountAsync(0);
        await context.CloseAsync();
    }

    [Fact]
    public async Task Group_AsThePolicyFormsIt_IsAcknowledgedAsAWhole()
    {
        await board.Server.PutPolicyAsync("""
            {"receivers":[{"name":"desk"},{"name":"metals-desk","slack":{"url":"https://hooks.example.invalid/services/T0/B0/board"}}],
             "route":{"receiver":"desk","routes":[{"matchers":["ruleId=~board-group-.*"],"receiver":"metals-desk","groupBy":["severity"],"groupWait":"0s"}]}}
            """);
        try
        {
            await FireAsync("board-group-zinc", "Zinc above 3,000", "LME:ZS", 3000);
            await FireAsync("board-group-remx", "REMX above 40", "ETF:REMX", 40);
            var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Read);
            await Expect(page.Locator(".alert-groups")).ToBeHiddenAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "By group" }).ClickAsync();
            await Expect(page.Locator(".alert-panel > ol.alerts")).ToBeHiddenAsync();

            var group = page.Locator("section.alert-group[data-receiver=metals-desk]");
            await Expect(group.Locator("li.alert")).ToHaveCountAsync(2);
            await Expect(group.Locator(".group-title")).ToHaveTextAsync("severity=critical");
            await Expect(group.Locator(".group-facts")).ToHaveTextAsync("2 firing");

            await group.GetByRole(AriaRole.Button, new() { Name = "Acknowledge group" }).ClickAsync();
            await group.Locator("input[name=by]").FillAsync("Dana Wall");
            await group.GetByRole(AriaRole.Button, new() { Name = "Acknowledge all" }).ClickAsync();

            await Expect(group.Locator(".group-facts")).ToHaveTextAsync("2 firing · 2 acknowledged");
            await Expect(group.Locator(".acked")).ToHaveCountAsync(2);
            foreach (string ruleId in new[] { "board-group-zinc", "board-group-remx" })
            {
                var alert = (await board.Server.GetJsonAsync($"/api/v1/alerts?ruleId={ruleId}"))[0]!;
                Assert.Equal("Dana Wall", alert["acknowledgedBy"]!.GetValue<string>());
                Assert.Equal("reader", alert["acknowledgedByKey"]!.GetValue<string>());
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "List" }).ClickAsync();
            await Expect(page.Locator(".alert-panel > ol.alerts > li.alert", new() { HasText = "Zinc above 3,000" })).ToBeVisibleAsync();
        }
        finally
        {
            await board.Server.DeletePolicyAsync();
        }
    }

    [Fact]
    public async Task PolicyPage_ShowsRoutesReceiversAndTheLogAtAGlance()
    {
        await board.Server.PutPolicyAsync("""
            {"receivers":[{"name":"desk"},{"name":"smh-slack","slack":{"url":"https://hooks.example.invalid/services/T0/B0/secret-part"}},
                          {"name":"ops-mail","sendResolved":false,"email":{"to":["ops@example.com"],"from":"monitor@example.com","smtp":{"host":"smtp.example.invalid","port":587,"username":"monitor","password":"hunter2"}}}],
             "route":{"receiver":"desk","groupBy":["ruleId"],"repeatInterval":"1h",
               "routes":[{"matchers":["ruleId=board-policy-smh"],"receiver":"smh-slack","groupWait":"0s","continue":true},
                         {"matchers":["severity=critical"],"receiver":"ops-mail","muteTimeIntervals":["weekends"]}]},
             "inhibitRules":[{"sourceMatchers":["severity=critical"],"targetMatchers":["severity=warning"],"equal":["instrument"]}],
             "timeIntervals":[{"name":"weekends","weekdays":["saturday","sunday"],"timeZone":"America/New_York"}]}
            """);
        try
        {
            await FireAsync("board-policy-smh", "SMH above 200", "ETF:SMH", 200);
            await Eventually.GetAsync(
                () => board.Server.GetJsonAsync("/api/v1/notifications/log?receiver=smh-slack", TestApiKeys.Admin),
                log => log.AsArray().Count > 0,
                TimeSpan.FromSeconds(60),
                "the policy sends a notification to smh-slack");

            var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Admin, "#/notifications");

            await Expect(page.Locator(".policy-summary")).ToHaveTextAsync("3 routes · 3 receivers · 1 inhibition rules · 1 time intervals");
            var routes = page.Locator("table.routes tbody tr");
            await Expect(routes).ToHaveCountAsync(3);
            await Expect(routes.Nth(1)).ToContainTextAsync("ruleId=board-policy-smh");
            await Expect(routes.Nth(1)).ToContainTextAsync("↳ continue");
            await Expect(routes.Nth(1)).ToContainTextAsync("wait 0s · every 5m · repeat 1h");
            await Expect(routes.Nth(2)).ToContainTextAsync("muted weekends");
            var receivers = page.Locator("table.receivers tbody");
            await Expect(receivers).ToContainTextAsync("ops@example.com via smtp.example.invalid:587");
            await Expect(receivers).Not.ToContainTextAsync("secret-part");
            await Expect(receivers).Not.ToContainTextAsync("hunter2");
            await Expect(page.Locator("table.inhibit-rules")).ToContainTextAsync("severity=warning");
            await Expect(page.Locator("table.time-intervals")).ToContainTextAsync("saturday, sunday (America/New_York)");
            var logRow = page.Locator("table.log tbody tr", new() { HasText = "smh-slack (slack)" }).First;
            await Expect(logRow).ToBeVisibleAsync();

            await logRow.GetByRole(AriaRole.Button, new() { Name = "Resend" }).ClickAsync();
            await Expect(page.Locator("table.log tbody tr", new() { HasText = "smh-slack (slack)" }).First).ToBeVisibleAsync();

            var reader = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Read, "#/notifications");
            await Expect(reader.Locator(".notice")).ToContainTextAsync("admin role");
        }
        finally
        {
            await board.Server.DeletePolicyAsync();
        }

        var none = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Admin, "#/notifications");
        await Expect(none.Locator(".no-policy")).ToContainTextAsync("No notification policy is in force");
    }

    /// <summary>A critical threshold rule on <paramref name="instrument"/> and a minute bar that closes above it.</summary>
    private async Task FireAsync(string ruleId, string name, string instrument, double value)
    {
        await board.Server.PostJsonAsync("/api/v1/rules", new
        {
            id = ruleId,
            name,
            type = "threshold",
            severity = "critical",
            interval = "1m",
            @params = new { input = instrument, op = "above", value },
        }, TestApiKeys.Admin);
        var minute = new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-5);
        await board.Server.PostTicksAsync(BoardApi.Tick(instrument, minute.AddSeconds(5), value * 1.02), BoardApi.Tick(instrument, minute.AddSeconds(30), value * 1.03));
        await board.Server.PostTicksAsync(BoardApi.Tick(instrument, minute.AddSeconds(65), value * 1.03));
        await Eventually.GetAsync(
            () => board.Server.GetJsonAsync($"/api/v1/alerts?ruleId={ruleId}&state=firing"),
            alerts => alerts.AsArray().Count == 1,
            TimeSpan.FromSeconds(30),
            $"{ruleId} fires");
    }
}
