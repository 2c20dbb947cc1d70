using System.Threading.Channels;
using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage.GroupCommit;

/// <summary>What a provider does with a batch: store every append in it in one transaction, or throw.</summary>
internal interface ITickBatchSink
{
    /// <summary>Stores all appends of <paramref name="batch"/> atomically; returns when committed.
    /// Appending an index already stored must be a no-op, so a batch can be retried.</summary>
    ValueTask WriteAsync(IReadOnlyList<TickAppend> batch);
}

/// <summary>One caller's <see cref="ITickStore.AppendAsync"/>: its ticks and the task it awaits.</summary>
internal sealed class TickAppend
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Canceled = 2;

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _cancellation;
    private int _state;

    public TickAppend(InstrumentId instrument, ReadOnlyMemory<StoredTick> ticks)
    {
        Instrument = instrument;
        Ticks = ticks;
    }

    public InstrumentId Instrument { get; }

    /// <summary>The caller's memory: valid while the caller awaits <see cref="Task"/>, so it is not copied.</summary>
    public ReadOnlyMemory<StoredTick> Ticks { get; }

    public Task Task => _completion.Task;

    /// <summary>Cancellation counts only while the append waits in the queue; once a batch holds it, it runs to the end.</summary>
    public void CancelWhileQueued(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var append = (TickAppend)state!;
                    if (Interlocked.CompareExchange(ref append._state, Canceled, Queued) == Queued)
                    {
                        append._completion.TrySetCanceled(token);
                    }
                },
                this);
        }
    }

    /// <summary>Called by the writer loop; false if the caller gave up first.</summary>
    public bool TryTake()
    {
        if (Interlocked.CompareExchange(ref _state, Taken, Queued) != Queued)
        {
            _cancellation.Dispose();
            return false;
        }

        return true;
    }

    public void Succeed()
    {
        _cancellation.Dispose();
        _completion.TrySetResult();
    }

    public void Fail(Exception exception)
    {
        _cancellation.Dispose();
        _completion.TrySetException(exception);
    }
}

/// <summary>
/// Group commit for tick appends, shared by the providers. Callers (one per instrument grain, tens to hundreds
/// in flight) put their appends on a channel; one writer loop takes everything queued (up to
/// <see cref="MaxBatchTicks"/>), hands it to the provider's <see cref="ITickBatchSink"/> as one transaction, and
/// completes each caller's task after the commit. While a batch commits the next one queues up, so the batch size
/// follows the load: one append alone when idle, hundreds per transaction under pressure.
/// If a batch with several appends fails, each is retried alone so one bad append cannot fail its neighbours.
/// </summary>
internal sealed class TickAppendBatcher : IAsyncDisposable
{
    /// <summary>Upper bound on the ticks of one transaction (an append larger than this goes alone).</summary>
    public const int MaxBatchTicks = 16_384;

    /// <summary>Appends waiting beyond this many make callers wait to enqueue (back pressure).</summary>
    private const int QueueCapacity = 4_096;

    private readonly ITickBatchSink _sink;
    private readonly Channel<TickAppend> _queue;
    private readonly Task _loop;

    public TickAppendBatcher(ITickBatchSink sink)
    {
        _sink = sink;
        _queue = Channel.CreateBounded<TickAppend>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    public ValueTask AppendAsync(InstrumentId instrument, ReadOnlyMemory<StoredTick> ticks, CancellationToken cancellationToken)
    {
        if (instrument.Value is null)
        {
            throw new ArgumentException("instrument is the default (empty) id", nameof(instrument));
        }

        Validate(ticks.Span);
        cancellationToken.ThrowIfCancellationRequested();
        if (ticks.IsEmpty)
        {
            return default;
        }

        var append = new TickAppend(instrument, ticks);
        append.CancelWhileQueued(cancellationToken);
        return _queue.Writer.TryWrite(append) ? new ValueTask(append.Task) : EnqueueAsync(append, cancellationToken);
    }

    /// <summary>Stops taking appends, stores everything already queued, and waits for the last commit.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private static void Validate(ReadOnlySpan<StoredTick> ticks)
    {
        long previous = 0;
        for (int i = 0; i < ticks.Length; i++)
        {
            ref readonly var tick = ref ticks[i];
            if (tick.Index <= previous)
            {
                throw new ArgumentException(
                    $"tick indices must start at 1 and increase; ticks[{i}].Index is {tick.Index} after {previous}", nameof(ticks));
            }

            // SQLite stores NaN as NULL; rejecting non-finite numbers here keeps both providers alike.
            if (!double.IsFinite(tick.Price) || !double.IsFinite(tick.Volume))
            {
                throw new ArgumentException($"ticks[{i}] has a price or volume that is not a finite number", nameof(ticks));
            }

            previous = tick.Index;
        }
    }

    private async ValueTask EnqueueAsync(TickAppend append, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(append, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(ITickStore), "the tick store is closed");
        }

        await append.Task.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<TickAppend>();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                // Let the callers whose appends just completed (their continuations are queued on the thread pool)
                // enqueue their next ones first: fuller batches, fewer commits. Costs microseconds when idle.
                await Task.Yield();
                int ticks = 0;
                while (ticks < MaxBatchTicks && reader.TryRead(out var append))
                {
                    if (append.TryTake())
                    {
                        batch.Add(append);
                        ticks += append.Ticks.Length;
                    }
                }

                if (batch.Count > 0)
                {
                    await CommitAsync(batch).ConfigureAwait(false);
                    batch.Clear();
                }
            }
        }
        catch (Exception exception)
        {
            // Not expected (CommitAsync catches what the sink throws), but no caller may wait forever.
            _queue.Writer.TryComplete(exception);
            foreach (var append in batch)
            {
                append.Fail(exception);
            }

            while (reader.TryRead(out var append))
            {
                append.Fail(exception);
            }
        }
    }

    private async ValueTask CommitAsync(List<TickAppend> batch)
    {
        try
        {
            await _sink.WriteAsync(batch).ConfigureAwait(false);
            foreach (var append in batch)
            {
                append.Succeed();
            }

            return;
        }
        catch (Exception exception) when (batch.Count == 1)
        {
            batch[0].Fail(exception);
            return;
        }
#pragma warning disable CA1031 // Any failure of the batch is reported per append below.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Find the culprit: each append in its own transaction. Appends are idempotent, so this is safe
            // even if the failed commit did reach the database.
        }

        var single = new TickAppend[1];
        foreach (var append in batch)
        {
            single[0] = append;
            try
            {
                await _sink.WriteAsync(single).ConfigureAwait(false);
                append.Succeed();
            }
#pragma warning disable CA1031 // The exception goes to the caller whose append failed.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                append.Fail(exception);
            }
        }
    }
}
