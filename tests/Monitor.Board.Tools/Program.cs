using Monitor.Board.Tools;

// Tools around the board, not part of the test run (see docs/benchmarks.md and README.md):
//   load [seconds] [ticks per second]               the board under load, measured in Chromium
//   screenshot [output folder] [alerts] [limit s]    the README's pictures, from the demo feed
//   stall URL [clients] [seconds]                    hub clients that never read, beside a `monitor feed` run
switch (args.FirstOrDefault())
{
    case "load":
        await LoadCommand.RunAsync(args[1..]);
        break;
    case "stall":
        await StallCommand.RunAsync(args[1..]);
        break;
    case "screenshot":
        await ScreenshotCommand.RunAsync(args[1..]);
        break;
    default:
        Console.Error.WriteLine("usage: Monitor.Board.Tools load [seconds] [ticks per second] | screenshot [output folder] [alerts] [wait limit in seconds] | stall URL [clients] [seconds]");
        return 2;
}

return 0;
