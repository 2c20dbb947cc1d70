using BenchmarkDotNet.Running;

namespace Monitor.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/Monitor.Benchmarks -- --filter '*'</c>
/// (see docs/benchmarks.md).
/// </summary>
public static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
}
