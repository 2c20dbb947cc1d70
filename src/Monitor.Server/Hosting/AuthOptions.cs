namespace Monitor.Server.Hosting;

/// <summary><c>Monitor:Auth</c>: the API keys and whether reading needs one.</summary>
public sealed class AuthOptions
{
    public const string Section = "Monitor:Auth";

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    public bool AnonymousRead { get; set; } = true;
}

public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";

    public List<string> Roles { get; set; } = [];
}

public static class Roles
{
    public const string Read = "read";
    public const string Ingest = "ingest";
    public const string Admin = "admin";
}
