using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage.GroupCommit;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary>The group commit loop on its own, with a sink that records batches and can be held or made to fail.</summary>
public sealed class TickAppendBatcherTests
{
    [Fact]
    public async Task Append_WhileBatchCommits_QueuedAppendsShareNextTransaction()
    {
        var sink = new RecordingSink();
        var hold = sink.HoldNextBatch();
        await using var batcher = new TickAppendBatcher(sink);
        var first = batcher.AppendAsync(NewInstrument(), Ticks(1, 1), default).AsTask();
        await hold.Entered;

        var queued = Enumerable.Range(0, 30).Select(_ => batcher.AppendAsync(NewInstrument(), Ticks(1, 5), default).AsTask()).ToArray();
        Assert.False(first.IsCompleted);
        hold.Release();
        await Task.WhenAll([first, .. queued]);

        Assert.Equal([1, 30], sink.Batches.Select(batch => batch.Count));
    }

    [Fact]
    public async Task Append_Task_CompletesOnlyAfterCommit()
    {
        var sink = new RecordingSink();
        var hold = sink.HoldNextBatch();
        await using var batcher = new TickAppendBatcher(sink);

        var append = batcher.AppendAsync(NewInstrument(), Ticks(1, 3), default).AsTask();
        await hold.Entered;

        Assert.False(append.IsCompleted);
        hold.Release();
        await append;
    }

    [Fact]
    public async Task Append_OneBadAppendInBatch_OnlyThatOneFaults()
    {
        var bad = InstrumentId.Parse("BAD:X");
        var sink = new RecordingSink { FailWhen = batch => batch.Any(append => append.Instrument == bad) };
        var hold = sink.HoldNextBatch();
        await using var batcher = new TickAppendBatcher(sink);
        var first = batcher.AppendAsync(NewInstrument(), Ticks(1, 1), default).AsTask();
        await hold.Entered;

        var good = Enumerable.Range(0, 5).Select(_ => batcher.AppendAsync(NewInstrument(), Ticks(1, 2), default).AsTask()).ToList();
        var failing = batcher.AppendAsync(bad, Ticks(1, 2), default).AsTask();
        good.Add(batcher.AppendAsync(NewInstrument(), Ticks(1, 2), default).AsTask());
        hold.Release();

        await Task.WhenAll(good);
        await first;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("sink refused BAD:X", error.Message);
    }

    [Fact]
    public async Task Append_CanceledWhileQueued_CanceledAndNeverWritten()
    {
        var sink = new RecordingSink();
        var hold = sink.HoldNextBatch();
        await using var batcher = new TickAppendBatcher(sink);
        var first = batcher.AppendAsync(NewInstrument(), Ticks(1, 1), default).AsTask();
        await hold.Entered;
        using var cancel = new CancellationTokenSource();
        var canceled = NewInstrument();

        var append = batcher.AppendAsync(canceled, Ticks(1, 1), cancel.Token).AsTask();
        await cancel.CancelAsync();
        hold.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => append);
        await first;
        await batcher.DisposeAsync();
        Assert.DoesNotContain(sink.Batches.SelectMany(batch => batch), instrument => instrument == canceled);
    }

    [Fact]
    public async Task Dispose_QueuedAppends_AllWrittenFirst()
    {
        var sink = new RecordingSink();
        var hold = sink.HoldNextBatch();
        var batcher = new TickAppendBatcher(sink);
        var appends = Enumerable.Range(0, 10).Select(_ => batcher.AppendAsync(NewInstrument(), Ticks(1, 1), default).AsTask()).ToArray();
        await hold.Entered;

        var dispose = batcher.DisposeAsync().AsTask();
        hold.Release();
        await dispose;

        Assert.All(appends, append => Assert.True(append.IsCompletedSuccessfully));
        Assert.Equal(10, sink.Batches.Sum(batch => batch.Count));
    }

    [Fact]
    public async Task Append_EmptyTicks_CompletesWithoutWriting()
    {
        var sink = new RecordingSink();
        await using (var batcher = new TickAppendBatcher(sink))
        {
            await batcher.AppendAsync(NewInstrument(), ReadOnlyMemory<StoredTick>.Empty, default);
        }

        Assert.Empty(sink.Batches);
    }

    private sealed class RecordingSink : ITickBatchSink
    {
        private readonly Lock _lock = new();
        private readonly List<List<InstrumentId>> _batches = [];
        private Hold? _hold;

        public Func<IReadOnlyList<TickAppend>, bool> FailWhen { get; init; } = _ => false;

        public List<List<InstrumentId>> Batches
        {
            get
            {
                lock (_lock)
                {
                    return [.. _batches];
                }
            }
        }

        public Hold HoldNextBatch() => _hold = new Hold();

        public async ValueTask WriteAsync(IReadOnlyList<TickAppend> batch)
        {
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                hold.Enter();
                await hold.Released;
            }

            if (FailWhen(batch))
            {
                throw new InvalidOperationException($"sink refused {string.Join(",", batch.Where(a => a.Instrument.Value.StartsWith("BAD", StringComparison.Ordinal)).Select(a => a.Instrument))}");
            }

            lock (_lock)
            {
                _batches.Add([.. batch.Select(append => append.Instrument)]);
            }
        }
    }

    private sealed class Hold
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public Task Released => _released.Task;

        public void Enter() => _entered.TrySetResult();

        public void Release() => _released.TrySetResult();
    }
}
