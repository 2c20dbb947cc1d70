using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;

namespace Monitor.Benchmarks;

/// <summary>
/// Shared configuration: BenchmarkDotNet's default loggers, columns, analysers and validators, with one exporter,
/// GitHub-flavoured markdown (BenchmarkDotNet.Artifacts/results/*-report-github.md). The job itself (3 warm-up and
/// 10 measured iterations, modest enough for a 2-core machine) is declared on each benchmark class with
/// <c>[SimpleJob]</c>; the default out-of-process toolchain builds it in Release.
/// </summary>
public static class BenchmarkConfig
{
    public static IConfig Create()
    {
        var defaults = DefaultConfig.Instance;
        return ManualConfig.CreateEmpty()
            .AddLogger([.. defaults.GetLoggers()])
            .AddColumnProvider([.. defaults.GetColumnProviders()])
            .AddAnalyser([.. defaults.GetAnalysers()])
            .AddValidator([.. defaults.GetValidators()])
            .WithOptions(defaults.Options)
            .AddExporter(MarkdownExporter.GitHub);
    }
}
