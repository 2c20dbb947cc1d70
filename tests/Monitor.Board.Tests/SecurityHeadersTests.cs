using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Monitor.Board.Tests;

/// <summary>
/// The board and the Orleans Dashboard run under the server's Content-Security-Policy: a browser loads each, sees the
/// headers that stop framing and sniffing, reports no violation, and the pages still work.
/// </summary>
[Collection(BoardCollection.Name)]
public sealed partial class SecurityHeadersTests(BoardServer board)
{
    [Fact]
    public async Task Board_RunsUnderItsPolicy_WithoutViolations()
    {
        var (page, violations) = await OpenAsync();
        var response = await page.GotoAsync($"/?key={Uri.EscapeDataString(TestApiKeys.Read)}");

        AssertHeaders(response!, "style-src 'self' 'sha256-");
        await BoardBrowser.ExpectLiveAsync(page);
        await page.Locator("tr[data-instrument='COMEX:SI'] a.id").ClickAsync();
        await Expect(page.Locator(".chart canvas").First).ToBeVisibleAsync();
        Assert.Empty(violations);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OrleansDashboard_RunsUnderItsPolicy_WithoutViolations()
    {
        var (page, violations) = await OpenAsync();
        var login = await page.GotoAsync("/dashboard/login");
        AssertHeaders(login!, "style-src 'self' 'unsafe-inline';");

        await page.Locator("input[name=key]").FillAsync(TestApiKeys.Admin);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(DashboardPage());
        await Expect(page.GetByText("Active Silos")).ToBeVisibleAsync();
        await Expect(page.GetByText("Total Activations")).ToBeVisibleAsync();
        Assert.Empty(violations);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PolicyPageAndGroupedAlerts_RunUnderThePolicy_WithoutViolations()
    {
        await board.Server.PutPolicyAsync("""
            {"receivers":[{"name":"desk"}],"route":{"receiver":"desk","routes":[{"matchers":["severity=critical"],"routes":[{"matchers":["desk=base"]}]}]}}
            """);
        try
        {
            var (page, violations) = await OpenAsync();
            await page.GotoAsync($"/?key={Uri.EscapeDataString(TestApiKeys.Admin)}#/notifications");
            // The child routes' indentation is set through the style object, which the policy allows.
            await Expect(page.Locator("table.routes tbody tr")).ToHaveCountAsync(3);
            await page.Locator("nav a", new() { HasText = "Board" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "By group" }).ClickAsync();
            await Expect(page.Locator(".alert-groups")).ToBeVisibleAsync();
            Assert.Empty(violations);
            await page.Context.CloseAsync();
        }
        finally
        {
            await board.Server.DeletePolicyAsync();
        }
    }

    private static void AssertHeaders(IResponse response, string styles)
    {
        var headers = response.Headers;
        Assert.Contains(styles, headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("DENY", headers["x-frame-options"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
    }

    /// <summary>A page whose CSP violations (reported by the page itself and logged by Chromium) are collected.</summary>
    private async Task<(IPage Page, List<string> Violations)> OpenAsync()
    {
        var context = await board.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = board.Server.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var violations = new List<string>();
        await context.ExposeFunctionAsync("reportViolation", (string text) =>
        {
            lock (violations)
            {
                violations.Add(text);
            }
        });
        await context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => window.reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));");
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add(message.Text);
                }
            }
        };
        return (page, violations);
    }

    [GeneratedRegex("/dashboard/$")]
    private static partial Regex DashboardPage();
}
