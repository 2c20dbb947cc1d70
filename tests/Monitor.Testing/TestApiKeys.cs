namespace Monitor.Testing;

/// <summary>The API keys test servers are configured with, one per role.</summary>
public static class TestApiKeys
{
    public const string Read = "read-key-0123456789abcdef";
    public const string Ingest = "ingest-key-0123456789abcdef";
    public const string Admin = "admin-key-0123456789abcdef";
}
