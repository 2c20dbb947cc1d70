using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Grains;
using Monitor.Server.Hosting;
using Orleans.Runtime;

namespace Monitor.Server.Api;

/// <summary>
/// The snapshots of the instrument list, without activating an idle grain: an active instrument's grain answers (its
/// state is live), an idle one's snapshot is the one its grain last wrote (<see cref="IInstrumentSnapshotStore"/>, written
/// with its state and on deactivation). Listing thousands of instruments so costs one read of the store and a call per
/// active grain. An instrument whose grain never ran has no snapshot: no price, no indicators, seq 0.
/// </summary>
public sealed class InstrumentSnapshots(IGrainFactory grains, GrainCalls calls, IInstrumentSnapshotStore store)
{
    private readonly GrainType _instrumentGrain = grains.GetGrain<IInstrumentGrain>("ANY:ID").GetGrainId().Type;

    public async Task<InstrumentSnapshot[]> ReadAsync(IReadOnlyList<InstrumentDefinition> definitions, CancellationToken cancellationToken)
    {
        var activeGrains = await calls.CallAsync(g => g.GetGrain<IManagementGrain>(0).GetActiveGrains(_instrumentGrain).AsTask(), cancellationToken);
        var active = activeGrains.Select(id => id.Key.ToString()).ToHashSet(StringComparer.Ordinal);
        var stored = (await store.ReadAllAsync(cancellationToken)).ToDictionary(s => s.Instrument);
        return await Task.WhenAll(definitions.Select(definition =>
        {
            if (active.Contains(definition.Id.Value))
            {
                return AskGrainAsync(definition.Id, cancellationToken);
            }

            if (!stored.TryGetValue(definition.Id, out var snapshot))
            {
                return Task.FromResult(new InstrumentSnapshot(definition.Id, null, null, null, new Dictionary<string, double>(), 0));
            }

            // A snapshot of other intervals is from before the definition changed: only the grain knows the new indicators.
            return snapshot.Interval == definition.Intervals.MinBy(i => i.Length).Name
                ? Task.FromResult(new InstrumentSnapshot(definition.Id, snapshot.Price, snapshot.Time, snapshot.ChangePct, snapshot.Indicators, snapshot.Seq))
                : AskGrainAsync(definition.Id, cancellationToken);
        }));
    }

    private Task<InstrumentSnapshot> AskGrainAsync(InstrumentId id, CancellationToken cancellationToken) =>
        calls.CallAsync(g => g.GetGrain<IInstrumentGrain>(id.Value).GetSnapshotAsync(), cancellationToken);
}
