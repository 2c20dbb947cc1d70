using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Market;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Monitor.Grains.Tests;

/// <summary>The instrument registry keeps its records in the store; what grain storage held before moves there.</summary>
public sealed class InstrumentRegistryTests : IAsyncLifetime
{
    private readonly GrainCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task RecordsInGrainStorage_MoveToTheStoreWhenTheRegistryActivates_AndLeaveGrainStorage()
    {
        var registry = _cluster.Grains.GetGrain<IInstrumentRegistryGrain>(0);
        var storage = ((InProcessSiloHandle)_cluster.Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(MonitorGrainStorage.Name);
        var ratio = new InstrumentRecord("X:GSR", "Gold/silver ratio", InstrumentKind.Derived, "", "ratio", ["1m", "1d"], false) { Expression = "COMEX:GC / COMEX:SI" };
        var zinc = new InstrumentRecord("LME:ZN", "LME zinc", InstrumentKind.Future, "USD", "USD/t", ["1m"], false);
        var earlier = new InstrumentRegistryState { Instruments = { [ratio.Id] = ratio, [zinc.Id] = zinc } };
        await storage.WriteStateAsync("instrumentRegistry", registry.GetGrainId(), new GrainState<InstrumentRegistryState>(earlier));

        var records = await registry.GetAllAsync();

        Assert.Equal(["LME:ZN", "X:GSR"], records.Select(r => r.Id).Order(StringComparer.Ordinal));
        var stored = await _cluster.Store.Instruments.ReadAllAsync();
        Assert.Equal(["LME:ZN", "X:GSR"], stored.Select(d => d.Id.Value));
        Assert.Equal(("COMEX:GC / COMEX:SI", InstrumentKind.Derived, "1m,1d"), (stored[1].Expression, stored[1].Kind, string.Join(",", stored[1].Intervals.Select(i => i.Name))));
        var left = new GrainState<InstrumentRegistryState>(new InstrumentRegistryState());
        await storage.ReadStateAsync("instrumentRegistry", registry.GetGrainId(), left);
        Assert.Empty(left.State!.Instruments);
    }
}
