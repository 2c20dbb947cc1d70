using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

[Collection(BoardCollection.Name)]
public sealed class RuleFormTests(BoardServer board)
{
    [Fact]
    public async Task InvalidRule_ShowsTheApiProblemsUnderTheirFields()
    {
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Admin, "#/rules/new");
        await page.Locator("input[name=id]").FillAsync("not an id!");
        await page.Locator("select[name=type]").SelectOptionAsync("percentMove");
        await page.Locator("input[name='params.input']").FillAsync("COMEX:SI");
        await page.Locator("input[name='params.window']").FillAsync("P1M");

        await page.GetByRole(AriaRole.Button, new() { Name = "Create rule" }).ClickAsync();

        await Expect(page.Locator(".field[data-field=id] .field-error")).ToContainTextAsync("not a rule id");
        await Expect(page.Locator(".field[data-field='params.window'] .field-error")).Not.ToBeEmptyAsync();
        await Expect(page.Locator(".field[data-field='params.minPct'] .field-error")).Not.ToBeEmptyAsync();
        await Expect(page.Locator(".field[data-field='params.input'] .field-error")).ToBeEmptyAsync();
    }

    [Fact]
    public async Task ValidRule_IsCreatedAndListed()
    {
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Admin, "#/rules/new");
        await page.Locator("input[name=id]").FillAsync("board-silver-drain");
        await page.Locator("select[name=type]").SelectOptionAsync("inventoryDrawdown");
        await page.Locator("input[name='params.input']").FillAsync("COMEX:SI/registered");
        await page.Locator("input[name='params.window']").FillAsync("P10D");
        await page.Locator("input[name='params.minPct']").FillAsync("10");

        await page.GetByRole(AriaRole.Button, new() { Name = "Create rule" }).ClickAsync();

        await Expect(page.Locator("tr[data-rule-id='board-silver-drain']")).ToContainTextAsync("inventoryDrawdown");
        var stored = await board.Server.GetJsonAsync("/api/v1/rules/board-silver-drain");
        Assert.Equal(10, stored["params"]!["minPct"]!.GetValue<double>());
    }
}
