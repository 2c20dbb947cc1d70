using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Monitor.Server.Hosting;

/// <summary>
/// API keys from configuration, sent as <c>X-Api-Key</c> or <c>Authorization: Bearer</c> (or <c>access_token</c> to
/// the hub only: a browser's WebSocket handshake cannot send headers, and a key in any other URL ends up in logs and
/// histories); on the Orleans Dashboard's paths, also the session cookie its sign-in page sets for an admin key.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys,
    TimeProvider time,
    ProblemDetailsWriter problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The key the request carries, or null when it carries none.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var header) && !string.IsNullOrEmpty(header))
        {
            return header.ToString();
        }

        string? authorization = request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        string? token = request.Path.StartsWithSegments(Live.MarketHub.Path) ? request.Query["access_token"].ToString() : null;
        return string.IsNullOrEmpty(token) ? null : token;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = PresentedKey(Request);
        if (string.IsNullOrEmpty(presented))
        {
            // A browser on the Orleans Dashboard has no way to send a header: it signed in once and carries a cookie.
            return Task.FromResult(DashboardHosting.Authenticate(Request, keys, time.GetUtcNow()) is { } session
                ? Success(session)
                : AuthenticateResult.NoResult());
        }

        return Task.FromResult(keys.Find(presented) is { } key
            ? Success(key)
            : AuthenticateResult.Fail("the API key is not valid"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (DashboardHosting.IsBrowserPage(Request))
        {
            Response.Redirect(DashboardHosting.LoginPath);
            return Task.CompletedTask;
        }

        return problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            PresentedKey(Request) is null
                ? "This route needs an API key: send it as 'X-Api-Key: <key>' or 'Authorization: Bearer <key>'."
                : "The API key is not valid.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden",
            $"The API key '{Context.User.Identity?.Name}' lacks the role this route needs.");

    private static AuthenticateResult Success(ApiKey key) =>
        AuthenticateResult.Success(new AuthenticationTicket(key.ToPrincipal(SchemeName), SchemeName));
}

/// <summary>A configured API key: its name, its SHA-256 digest and its roles with the ones they imply.</summary>
public sealed record ApiKey(string Name, byte[] Digest, IReadOnlyList<string> Roles)
{
    public bool IsAdmin => Roles.Contains(Monitor.Server.Hosting.Roles.Admin);

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = Roles.Select(r => new Claim(ClaimTypes.Role, r)).Append(new Claim(ClaimTypes.Name, Name));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}

/// <summary>
/// The configured API keys. A presented key is compared as a SHA-256 digest in constant time against every
/// configured key, so timing reveals neither a key nor a prefix.
/// </summary>
public sealed class ApiKeyRing(IOptions<AuthOptions> options)
{
    private readonly ApiKey[] _keys = options.Value.ApiKeys
        .Select(k => new ApiKey(k.Name, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), ExpandRoles(k.Roles)))
        .ToArray();

    public ApiKey? Find(string presented)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return FindFirst(key => CryptographicOperations.FixedTimeEquals(digest, key.Digest));
    }

    /// <summary>The key whose check passes, every key checked whatever matched before (no early exit).</summary>
    public ApiKey? FindFirst(Func<ApiKey, bool> check)
    {
        ApiKey? match = null;
        foreach (var key in _keys)
        {
            if (check(key))
            {
                match ??= key;
            }
        }

        return match;
    }

    private static string[] ExpandRoles(IEnumerable<string> roles) =>
        roles.Contains(Roles.Admin) ? [Roles.Read, Roles.Ingest, Roles.Admin]
        : roles.Contains(Roles.Ingest) ? [.. roles.Append(Roles.Read).Distinct()]
        : [.. roles];
}

public static class Policies
{
    /// <summary>Reading: a key with the read role, or none at all while anonymous reading is allowed (a wrong key is
    /// refused even then, so a client with a typo learns of it).</summary>
    public const string Read = "read";

    /// <summary>Acting under a name (acknowledging): a key with the read role, whatever anonymous reading allows.</summary>
    public const string ReadKey = "read-key";

    public const string Ingest = "ingest";
    public const string Admin = "admin";

    public static IServiceCollection AddMonitorAuth(this IServiceCollection services, AuthOptions auth)
    {
        services.AddSingleton<ApiKeyRing>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Read, p =>
            {
                if (auth.AnonymousRead)
                {
                    p.RequireAssertion(context => context.User.IsInRole(Roles.Read)
                        || context.Resource is not HttpContext http
                        || ApiKeyAuthenticationHandler.PresentedKey(http.Request) is null);
                }
                else
                {
                    p.RequireRole(Roles.Read);
                }
            })
            .AddPolicy(ReadKey, p => p.RequireRole(Roles.Read))
            .AddPolicy(Ingest, p => p.RequireRole(Roles.Ingest))
            .AddPolicy(Admin, p => p.RequireRole(Roles.Admin));
        return services;
    }
}
