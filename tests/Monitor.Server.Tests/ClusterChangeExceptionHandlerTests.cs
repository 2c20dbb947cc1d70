using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Server.Hosting;
using Orleans.Runtime;

namespace Monitor.Server.Tests;

/// <summary>A grain call rejected past the retries (the cluster still recovering from a lost silo) is a 503 a client can retry.</summary>
public sealed class ClusterChangeExceptionHandlerTests
{
    [Fact]
    public async Task CallStillRejectedAfterRetries_Answers503ProblemWithRetryAfter()
    {
        var (handler, context) = Create();

        Assert.True(await handler.TryHandleAsync(context, new SiloUnavailableException("silo S127.0.0.1:11111 is dead"), CancellationToken.None));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        var problem = JsonNode.Parse(context.Response.Body)!;
        Assert.Contains("recovering from a lost silo", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherException_IsLeftToTheDefaultHandler()
    {
        var (handler, context) = Create();

        Assert.False(await handler.TryHandleAsync(context, new InvalidOperationException("a bug"), CancellationToken.None));
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    private static (ClusterChangeExceptionHandler Handler, DefaultHttpContext Context) Create()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        return (new ClusterChangeExceptionHandler(new ProblemDetailsWriter(services.GetRequiredService<IProblemDetailsService>())), context);
    }
}
