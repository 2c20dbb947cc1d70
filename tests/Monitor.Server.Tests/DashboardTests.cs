using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Monitor.Server.Tests;

/// <summary>The Orleans Dashboard at /dashboard: admin only, by key for scripts and by a signed cookie for browsers.</summary>
[Collection(ServerCollection.Name)]
public sealed class DashboardTests(MonitorServerFactory server)
{
    private static readonly string[] Routes = ["/dashboard/", "/dashboard/DashboardCounters", "/dashboard/ClusterStats", "/dashboard/Trace"];

    [Fact]
    public async Task DashboardWithoutKey_Is401()
    {
        foreach (string route in Routes)
        {
            var response = await server.CreateClient((string?)null).GetAsync(route);
            await response.AssertProblemAsync(401, "API key");
        }
    }

    [Fact]
    public async Task DashboardWithReadKey_Is403()
    {
        foreach (string route in Routes)
        {
            var response = await server.CreateClient(MonitorServerFactory.ReadKey).GetAsync(route);
            await response.AssertProblemAsync(403, "role");
        }
    }

    [Fact]
    public async Task DashboardWithAdminKey_ServesThePageAndItsData()
    {
        var admin = server.CreateClient(MonitorServerFactory.AdminKey);
        var page = await admin.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("index.min.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var counters = await Eventually.GetAsync(
            () => admin.GetAsync("/dashboard/DashboardCounters"),
            response => response.StatusCode == HttpStatusCode.OK,
            because: "the dashboard grain has counters");
        Assert.NotNull((await counters.JsonAsync())["totalActiveHostCount"]);
    }

    [Fact]
    public async Task BrowserWithoutSession_IsSentToSignIn()
    {
        var browser = Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/login", response.Headers.Location?.OriginalString);

        var form = await browser.GetAsync("/dashboard/login");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("name=\"key\"", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInWithAdminKey_SetsASessionThatOpensTheDashboardOnly()
    {
        var browser = Browser();
        var signIn = await SignInAsync(browser, MonitorServerFactory.AdminKey);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("./", signIn.Headers.Location?.OriginalString);
        string cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/ClusterStats")).StatusCode);

        // The session is the dashboard's: elsewhere it is no key at all, even if a client sends the cookie there.
        using var elsewhere = new HttpRequestMessage(HttpMethod.Get, "/api/v1/webhooks");
        elsewhere.Headers.Add("Cookie", cookie.Split(';')[0]);
        await (await server.CreateClient((string?)null).SendAsync(elsewhere)).AssertProblemAsync(401, "API key");
    }

    [Fact]
    public async Task SignInWithReadKeyOrWrongKey_IsRefusedWithoutASession()
    {
        var browser = Browser();
        var reader = await SignInAsync(browser, MonitorServerFactory.ReadKey);
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Contains("admin role", await reader.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrong = await SignInAsync(browser, "not-a-key-of-ours-at-all");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(reader.Headers.Contains("Set-Cookie") || wrong.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/dashboard/ClusterStats")).StatusCode);
    }

    [Fact]
    public async Task ForgedOrExpiredSession_Is401()
    {
        string[] forged =
        [
            "4102444800.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "1000000000." + new string('A', 43),
            "not-a-session",
        ];
        foreach (string value in forged)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/ClusterStats");
            request.Headers.Add("Cookie", "monitor-dashboard=" + value);
            var response = await server.CreateClient((string?)null).SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    private HttpClient Browser() => server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key) =>
        browser.PostAsync("/dashboard/login", new FormUrlEncodedContent([new KeyValuePair<string, string>("key", key)]));
}
