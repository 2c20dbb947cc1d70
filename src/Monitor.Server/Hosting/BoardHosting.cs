using Microsoft.Extensions.FileProviders;

namespace Monitor.Server.Hosting;

/// <summary>
/// The live board (dashboards/, README, The board). The build bundles it under <c>board/</c> beside the binaries,
/// so the same files are served by <c>dotnet run</c>, a published server and the apphost the tests start. The page
/// holds no data and is served before authentication; every API call and the hub check the viewer's key.
/// </summary>
public static class BoardHosting
{
    public static string BoardDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "board");

    public static WebApplication UseBoard(this WebApplication app)
    {
        if (!Directory.Exists(BoardDirectory))
        {
            app.Logger.LogWarning("The board is not in {Directory}; build Monitor.Server with Node.js and npm on the PATH to bundle it", BoardDirectory);
            return app;
        }

        var files = new PhysicalFileProvider(BoardDirectory);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,

            // Revalidate every time (cheap with the ETag): a wall screen left open picks up a new build on reload.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
