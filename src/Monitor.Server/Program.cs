using Monitor.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMonitor();
var app = builder.Build();
app.UseMonitor();
app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
