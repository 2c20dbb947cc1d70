using System.CommandLine;
using Monitor.Cli.Feed;

namespace Monitor.Cli.Tests;

/// <summary>Runs <c>monitor feed</c> as the command line would, against a <see cref="FeedReceiver"/>.</summary>
internal static class FeedInvocation
{
    public const string ApiKey = "test-ingest-key";
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Runs <c>feed --url (the receiver) --api-key (the key)</c> followed by <paramref name="arguments"/>.</summary>
    public static async Task<FeedRun> InvokeAsync(FeedReceiver receiver, CancellationToken cancellationToken, params string[] arguments)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var root = new RootCommand { FeedCommand.Create() };
        var configuration = new InvocationConfiguration { Output = output, Error = errors, ProcessTerminationTimeout = null };
        string[] args = ["feed", "--url", receiver.Url.ToString(), "--api-key", ApiKey, .. arguments];

        int exitCode = await root.Parse(args).InvokeAsync(configuration, cancellationToken).WaitAsync(Deadline);

        return new FeedRun(exitCode, output.ToString(), errors.ToString());
    }
}

/// <summary>How a run ended and what it printed on its output and its error output.</summary>
internal sealed record FeedRun(int ExitCode, string Output, string Errors)
{
    public IReadOnlyList<string> OutputLines => Lines(Output);

    public IReadOnlyList<string> ErrorLines => Lines(Errors);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
