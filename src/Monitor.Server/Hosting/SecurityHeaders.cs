namespace Monitor.Server.Hosting;

/// <summary>
/// Headers on every response that keep a browser from being turned against the board: no framing (the board keeps a
/// key and acknowledges, silences and deletes with it, so a page that framed it could click through), no MIME sniffing,
/// no referrer, scripts and styles only from this server (a Content-Security-Policy the board and the Orleans Dashboard
/// run under: the dashboard's page carries inline style attributes), and HSTS on HTTPS.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The board (and the API's responses): everything from this origin; the icon is a data: URL. The one inline style
    /// allowed, by its hash, is the &lt;style&gt; lightweight-charts 5.2.1 adds for its attribution logo (a browser test
    /// fails when an upgrade changes it).
    /// </summary>
    public const string BoardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-3pRED1tOXas1FXFoPb9TGCjmYe9XQsmO9OV23khV2nY='; " +
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The Orleans Dashboard (<see cref="DashboardHosting.Path"/>): as the board, plus the inline style attributes of its pages.</summary>
    public const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        // As the response starts: the exception handler clears the headers set before it writes an error.
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                Add(context);
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    private static void Add(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(DashboardHosting.Path) ? DashboardPolicy : BoardPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        }
    }
}
