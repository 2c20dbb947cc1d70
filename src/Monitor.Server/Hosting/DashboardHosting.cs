using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Orleans.Dashboard;

namespace Monitor.Server.Hosting;

/// <summary>
/// The Orleans Dashboard, served by every silo under <c>/dashboard</c> for the admin role. Scripts send their key as
/// on any route. A browser cannot add a header to the dashboard's own requests, so an operator signs in once at
/// <c>/dashboard/login</c> with an admin key and then carries a session cookie (HttpOnly, SameSite=Strict, scoped to
/// <c>/dashboard</c>, 12 hours). The cookie is signed with the key's digest: any silo checks it without shared
/// state, and replacing the key in configuration ends its sessions.
/// </summary>
public static class DashboardHosting
{
    public const string Path = "/dashboard";
    public const string LoginPath = Path + "/login";
    public const string CookieName = "monitor-dashboard";

    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    public static WebApplication MapMonitorDashboard(this WebApplication app)
    {
        app.MapGet(LoginPath, () => LoginPage(StatusCodes.Status200OK, null)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(LoginPath, SignInAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapOrleansDashboard(Path).RequireAuthorization(Policies.Admin).ExcludeFromDescription();
        return app;
    }

    /// <summary>The admin key whose valid, unexpired session cookie a request to the dashboard carries.</summary>
    public static ApiKey? Authenticate(HttpRequest request, ApiKeyRing keys, DateTimeOffset now)
    {
        if (!request.Path.StartsWithSegments(Path) || request.Cookies[CookieName] is not { } cookie)
        {
            return null;
        }

        int dot = cookie.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(cookie.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out long expires)
            || expires <= now.ToUnixTimeSeconds())
        {
            return null;
        }

        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(cookie.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        return keys.FindFirst(key => key.IsAdmin && CryptographicOperations.FixedTimeEquals(Sign(key, expires), signature));
    }

    /// <summary>A browser opening a dashboard page without credentials is sent to sign in rather than shown a 401 body.</summary>
    public static bool IsBrowserPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && request.Path.StartsWithSegments(Path)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static async Task<IResult> SignInAsync(HttpContext context, ApiKeyRing keys, TimeProvider time)
    {
        if (!context.Request.HasFormContentType)
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                "Sign in with the form at /dashboard/login (application/x-www-form-urlencoded, field 'key').");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string presented = form["key"].ToString();
        var key = presented.Length == 0 ? null : keys.Find(presented);
        if (key is null)
        {
            return LoginPage(StatusCodes.Status401Unauthorized, "That key is not valid.");
        }

        if (!key.IsAdmin)
        {
            return LoginPage(StatusCodes.Status403Forbidden, $"The key '{key.Name}' lacks the admin role the dashboard needs.");
        }

        var expires = time.GetUtcNow() + SessionLifetime;
        long expiresSeconds = expires.ToUnixTimeSeconds();
        context.Response.Cookies.Append(
            CookieName,
            expiresSeconds.ToString(CultureInfo.InvariantCulture) + "." + Base64Url.EncodeToString(Sign(key, expiresSeconds)),
            new CookieOptions
            {
                HttpOnly = true,
                Secure = context.Request.IsHttps,
                SameSite = SameSiteMode.Strict,
                Path = Path,
                Expires = expires,
            });

        // Relative, so it also works behind a proxy that mounts the service under a path of its own.
        return Results.Redirect("./");
    }

    private static byte[] Sign(ApiKey key, long expiresSeconds) =>
        HMACSHA256.HashData(key.Digest, Encoding.UTF8.GetBytes("monitor-dashboard-session:" + expiresSeconds.ToString(CultureInfo.InvariantCulture)));

    private static IResult LoginPage(int status, string? problem)
    {
        string message = problem is null ? "" : $"<p role=\"alert\">{HtmlEncoder.Default.Encode(problem)}</p>";
        return Results.Content(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Monitor: Orleans Dashboard sign-in</title></head>
            <body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto">
            <h1>Orleans Dashboard</h1>
            <p>Sign in with an API key that has the admin role.</p>
            {message}
            <form method="post" action="login">
            <label>API key <input type="password" name="key" autocomplete="current-password" required autofocus></label>
            <button type="submit">Sign in</button>
            </form>
            </body></html>
            """,
            "text/html; charset=utf-8",
            statusCode: status);
    }
}

/// <summary><c>Monitor:Dashboard</c>.</summary>
public sealed class DashboardHostingOptions
{
    public const string Section = "Monitor:Dashboard";

    /// <summary>The Orleans Dashboard at <c>/dashboard</c> (admin role). It profiles every grain call, at a small cost.</summary>
    public bool Enabled { get; set; } = true;
}
