namespace Monitor.Server.Api;

/// <summary>JSON text written as it is (a stored rule, a backtest report), with an optional Location.</summary>
internal sealed class RawJsonResult(string json, int status, string? location) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        if (location is not null)
        {
            httpContext.Response.Headers.Location = location;
        }

        httpContext.Response.ContentType = "application/json; charset=utf-8";
        return httpContext.Response.WriteAsync(json, httpContext.RequestAborted);
    }
}
