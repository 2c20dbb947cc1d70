using System.CommandLine;
using Monitor.Cli.Feed;
using Monitor.Cli.Import;
using Monitor.Cli.Notify;

namespace Monitor.Cli;

/// <summary>The <c>monitor</c> command and every command under it.</summary>
internal static class MonitorCommand
{
    public static RootCommand Create() => new("monitor: the command-line tool of Monitor, the real-time market monitoring service")
    {
        IndicatorsCommand.Create(),
        FeedCommand.Create(),
        ImportCommand.Create(),
        BacktestCommand.Create(),
        DbCommand.Create(),
        SourcesCommand.Create(),
        NotifyCommand.Create(Monitor.Notifications.ReceiverChecks.All),
    };
}
