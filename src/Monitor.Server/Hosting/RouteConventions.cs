namespace Monitor.Server.Hosting;

/// <summary>
/// Route metadata shared by the API areas, so <c>/openapi/v1.json</c> declares the answers that come from the host
/// rather than from a handler: the role checks' 401 and 403, the 413 and 415 of a bound body, and the 503 of a
/// grain call while the cluster changes.
/// </summary>
public static class RouteConventions
{
    /// <summary>Requires <paramref name="policy"/> (a role) and declares the 401 and 403 its check answers.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string policy)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    /// <summary>
    /// Declares what the framework answers, as problem details, about a request body that a handler's parameter binds:
    /// 413 over the server's request size limit (<see cref="BadRequestExceptionHandler"/>), 415 when it is not JSON.
    /// </summary>
    public static TBuilder BindsJsonBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>Declares the 503 (with <c>Retry-After</c>) of <see cref="ClusterChangeExceptionHandler"/>.</summary>
    public static TBuilder CallsGrains<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
