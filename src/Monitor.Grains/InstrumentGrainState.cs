using Monitor.Core.Pipeline;
using Monitor.Core.Rules;

namespace Monitor.Grains;

/// <summary>What an instrument grain persists: the pipeline's open bars and last seq, its rules' state, and the stored tick both reflect.</summary>
[GenerateSerializer, Alias("Monitor.InstrumentGrainState")]
public sealed class InstrumentGrainState
{
    [Id(0)] public PipelineState? Pipeline { get; set; }

    /// <summary>Index of the last stored tick the saved pipeline includes; ticks after it are replayed on activation.</summary>
    [Id(1)] public long TickWatermark { get; set; }

    /// <summary>The state of the rules over this instrument alone, as <see cref="RuleStateJson"/> writes it.</summary>
    [Id(2)] public string? Rules { get; set; }

    /// <summary>When the last inventory value the saved rules have seen was received; later ones are fed again on activation.</summary>
    [Id(3)] public DateTimeOffset InventoryReceivedThrough { get; set; }
}
