using BenchmarkDotNet.Running;

namespace Monitor.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*'</c>, or <c>-- memory [N]</c>
/// for the managed heap per active instrument (see docs/benchmarks.md).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["memory", ..])
        {
            return await InstrumentMemory.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
        return 0;
    }
}
