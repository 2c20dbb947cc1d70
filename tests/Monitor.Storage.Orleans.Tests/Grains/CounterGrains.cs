using Monitor.Core.Ports;
using Monitor.Storage.Orleans.Tests.Infrastructure;

namespace Monitor.Storage.Orleans.Tests.Grains;

[GenerateSerializer, Alias("Monitor.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)] public long Total { get; set; }

    [Id(1)] public List<string> History { get; set; } = [];
}

/// <summary>What a counter grain's persistent state looks like from inside the grain.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.Tests.CounterSnapshot")]
public sealed record CounterSnapshot(
    [property: Id(0)] long Total,
    [property: Id(1)] IReadOnlyList<string> History,
    [property: Id(2)] string? ETag,
    [property: Id(3)] bool RecordExists);

[Alias("Monitor.Tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<CounterSnapshot> Get();

    /// <summary>Adds to the total and writes the state.</summary>
    [Alias("Add")]
    Task<CounterSnapshot> Add(long amount, string note);

    [Alias("Clear")]
    Task<CounterSnapshot> Clear();
}

[Alias("Monitor.Tests.IPersistentCounterGrain")]
public interface IPersistentCounterGrain : ICounterGrain;

[Alias("Monitor.Tests.IDeletingCounterGrain")]
public interface IDeletingCounterGrain : ICounterGrain;

public abstract class CounterGrainBase(IPersistentState<CounterState> state) : Grain
{
    /// <summary>The state name, which the ADO.NET provider stores as GrainTypeString.</summary>
    public const string StateName = "counter";

    public Task<CounterSnapshot> Get() => Task.FromResult(Snapshot());

    public async Task<CounterSnapshot> Add(long amount, string note)
    {
        state.State.Total += amount;
        state.State.History.Add(note);
        await state.WriteStateAsync();
        return Snapshot();
    }

    public async Task<CounterSnapshot> Clear()
    {
        await state.ClearStateAsync();
        return Snapshot();
    }

    private CounterSnapshot Snapshot() =>
        new(state.State.Total, [.. state.State.History], state.Etag, state.RecordExists);
}

/// <summary>State on the default ADO.NET storage: clearing keeps the row with a NULL payload.</summary>
public sealed class PersistentCounterGrain(
    [PersistentState(CounterGrainBase.StateName, StorageNames.Postgres)] IPersistentState<CounterState> state)
    : CounterGrainBase(state), IPersistentCounterGrain;

/// <summary>State on the storage with DeleteStateOnClear: clearing deletes the row.</summary>
public sealed class DeletingCounterGrain(
    [PersistentState(CounterGrainBase.StateName, StorageNames.PostgresDeleteOnClear)] IPersistentState<CounterState> state)
    : CounterGrainBase(state), IDeletingCounterGrain;
