using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

[Collection(BoardCollection.Name)]
public sealed class RuleFormTests(BoardServer board)
{
    [Fact]
    public async Task InvalidRule_ShowsTheApiProblemsUnderTheirFields()
    {
        var page = await SubmitNewRuleAsync("not an id!", "percentMove", ("input", "COMEX:SI"), ("window", "P1M"));

        await Expect(page.Locator(".field[data-field=id] .field-error")).ToContainTextAsync("not a rule id");
        await Expect(page.Locator(".field[data-field='params.window'] .field-error")).Not.ToBeEmptyAsync();
        await Expect(page.Locator(".field[data-field='params.minPct'] .field-error")).Not.ToBeEmptyAsync();
        await Expect(page.Locator(".field[data-field='params.input'] .field-error")).ToBeEmptyAsync();
    }

    [Fact]
    public async Task ValidRule_IsCreatedAndListed()
    {
        var page = await SubmitNewRuleAsync("board-silver-drain", "inventoryDrawdown", ("input", "COMEX:SI/registered"), ("window", "P10D"), ("minPct", "10"));

        await Expect(page.Locator("tr[data-rule-id='board-silver-drain']")).ToContainTextAsync("inventoryDrawdown");
        var stored = await board.Server.GetJsonAsync("/api/v1/rules/board-silver-drain");
        Assert.Equal(10, stored["params"]!["minPct"]!.GetValue<double>());
    }

    /// <summary>Fills the new-rule form as an admin and submits it.</summary>
    private async Task<IPage> SubmitNewRuleAsync(string id, string type, params (string Name, string Value)[] parameters)
    {
        var page = await BoardBrowser.OpenBoardAsync(board.Browser, board.Server.BaseAddress, TestApiKeys.Admin, "#/rules/new");
        await page.Locator("input[name=id]").FillAsync(id);
        await page.Locator("select[name=type]").SelectOptionAsync(type);
        foreach (var (name, value) in parameters)
        {
            await page.Locator($"input[name='params.{name}']").FillAsync(value);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Create rule" }).ClickAsync();
        return page;
    }
}
