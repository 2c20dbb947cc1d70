using System.Security.Claims;
using Microsoft.Extensions.Options;
using Monitor.Server.Hosting;

namespace Monitor.Server.Api;

/// <summary>
/// <c>GET /api/v1/me</c>: who the presented key is and what it may do, so the board can show a read-only mode or ask
/// for a key before any other call fails. Open to everyone; a key that is presented but not valid gets a 401.
/// </summary>
public static class SessionApi
{
    public sealed record SessionView(string? Name, IReadOnlyList<string> Roles, bool AnonymousRead);

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me", Get).AllowAnonymous().WithTags("Session")
            .Produces<SessionView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    internal static IResult Get(HttpContext context, IOptions<AuthOptions> options)
    {
        bool anonymousRead = options.Value.AnonymousRead;
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            string[] roles = [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)];
            return TypedResults.Ok(new SessionView(user.Identity.Name, roles, anonymousRead));
        }

        if (ApiKeyAuthenticationHandler.PresentedKey(context.Request) is not null || context.Request.Query.ContainsKey("access_token"))
        {
            return ProblemDetailsWriter.Result(StatusCodes.Status401Unauthorized, "Unauthorized", "The API key is not valid.");
        }

        return TypedResults.Ok(new SessionView(null, anonymousRead ? [Roles.Read] : [], anonymousRead));
    }
}
