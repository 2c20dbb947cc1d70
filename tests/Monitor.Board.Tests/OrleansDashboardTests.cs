using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

/// <summary>An operator opens the Orleans Dashboard in a browser: sent to sign in, refused a read key, let in with an admin key.</summary>
[Collection(BoardCollection.Name)]
public sealed partial class OrleansDashboardTests(BoardServer board)
{
    [Fact]
    public async Task Operator_SignsInWithAnAdminKey_AndTheDashboardShowsTheCluster()
    {
        var context = await board.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = board.Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard/");
        await Expect(page).ToHaveURLAsync(SignInPage());

        await SignInAsync(page, TestApiKeys.Read);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("lacks the admin role");

        await SignInAsync(page, TestApiKeys.Admin);
        await Expect(page).ToHaveURLAsync(DashboardPage());
        await Expect(page.GetByText("Active Silos")).ToBeVisibleAsync();
        await Expect(page.GetByText("Total Activations")).ToBeVisibleAsync();
        await context.CloseAsync();
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        await page.Locator("input[name=key]").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    [GeneratedRegex("/dashboard/login$")]
    private static partial Regex SignInPage();

    [GeneratedRegex("/dashboard/$")]
    private static partial Regex DashboardPage();
}
