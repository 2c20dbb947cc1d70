// Placeholder host until the live service lands: serves the board's place and the liveness probe.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5080");
var app = builder.Build();
app.MapGet("/", () => Results.Content("<!doctype html><title>Monitor</title><h1>Monitor</h1><p>The live service is being built.</p>", "text/html"));
app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
app.Run();
