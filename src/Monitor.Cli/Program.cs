using System.CommandLine;
using Monitor.Cli;
using Monitor.Cli.Feed;
using Monitor.Cli.Import;
using Monitor.Cli.Notify;

var root = new RootCommand("monitor: the command-line tool of Monitor, the real-time market monitoring service")
{
    IndicatorsCommand.Create(),
    FeedCommand.Create(),
    ImportCommand.Create(),
    BacktestCommand.Create(),
    DbCommand.Create(),
    SourcesCommand.Create(),
    NotifyCommand.Create([]),
};
return root.Parse(args).Invoke();
