using BenchmarkDotNet.Running;

namespace Monitor.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*'</c>
/// (see docs/benchmarks.md); <c>-- seed-bars ...</c> seeds history for restart-benchmark.py (<see cref="BarSeeder"/>);
/// <c>-- memory [N]</c> measures the managed heap per active instrument (<see cref="InstrumentMemory"/>);
/// <c>-- storage-size [N] [TICKS]</c> the bytes a day of ticks and bars takes in each store (<see cref="StorageFootprint"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "seed-bars")
        {
            return await BarSeeder.RunAsync(args[1..]);
        }

        if (args is ["memory", ..])
        {
            return await InstrumentMemory.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
        }

        if (args is ["storage-size", ..])
        {
            return await StorageFootprint.RunAsync(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
        return 0;
    }
}
