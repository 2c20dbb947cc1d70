using BenchmarkDotNet.Running;

namespace Monitor.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*'</c>
/// (see docs/benchmarks.md); <c>-- seed-bars ...</c> seeds history for restart-benchmark.sh (<see cref="BarSeeder"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "seed-bars")
        {
            return await BarSeeder.RunAsync(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
        return 0;
    }
}
