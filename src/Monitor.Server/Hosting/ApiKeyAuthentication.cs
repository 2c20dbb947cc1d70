using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Monitor.Server.Hosting;

/// <summary>
/// API keys from configuration, sent as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>. Keys are compared as
/// SHA-256 digests in constant time against every configured key, so timing reveals neither a key nor a prefix.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<MonitorOptions> monitorOptions,
    ProblemDetailsWriter problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private readonly (string Name, byte[] Digest, string[] Roles)[] _keys = monitorOptions.Value.Auth.ApiKeys
        .Select(k => (k.Name, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), ExpandRoles(k.Roles)))
        .ToArray();

    public static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var header) && !string.IsNullOrEmpty(header))
        {
            return header.ToString();
        }

        string? authorization = request.Headers.Authorization;
        return authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : null;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = PresentedKey(Request) ?? Request.Query["access_token"];
        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        int match = -1;
        for (int i = 0; i < _keys.Length; i++)
        {
            // No early exit: every key is compared whatever matched before.
            if (CryptographicOperations.FixedTimeEquals(digest, _keys[i].Digest))
            {
                match = i;
            }
        }

        if (match < 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("the API key is not valid"));
        }

        var (name, _, roles) = _keys[match];
        var claims = roles.Select(r => new Claim(ClaimTypes.Role, r)).Append(new Claim(ClaimTypes.Name, name));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            PresentedKey(Request) is null
                ? "This route needs an API key: send it as 'X-Api-Key: <key>' or 'Authorization: Bearer <key>'."
                : "The API key is not valid.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden",
            $"The API key '{Context.User.Identity?.Name}' lacks the role this route needs.");

    private static string[] ExpandRoles(IEnumerable<string> roles) =>
        roles.Contains(Roles.Admin) ? [Roles.Read, Roles.Ingest, Roles.Admin]
        : roles.Contains(Roles.Ingest) ? [.. roles.Append(Roles.Read).Distinct()]
        : [.. roles];
}

public static class Policies
{
    public const string Read = "read";
    public const string Ingest = "ingest";
    public const string Admin = "admin";

    public static IServiceCollection AddMonitorAuth(this IServiceCollection services, AuthOptions auth)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Read, p =>
            {
                if (auth.AnonymousRead)
                {
                    p.RequireAssertion(_ => true);
                }
                else
                {
                    p.RequireRole(Roles.Read);
                }
            })
            .AddPolicy(Ingest, p => p.RequireRole(Roles.Ingest))
            .AddPolicy(Admin, p => p.RequireRole(Roles.Admin));
        return services;
    }
}
