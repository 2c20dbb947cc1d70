namespace Monitor.Testing;

/// <summary>Files of the repository the tests run from (found by walking up to <c>Monitor.sln</c>).</summary>
public static class TestRepository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Monitor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Monitor.sln above {AppContext.BaseDirectory}");
    }
}
