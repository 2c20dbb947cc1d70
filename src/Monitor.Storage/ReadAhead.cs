using System.Runtime.CompilerServices;
using Monitor.Core.Ports;

namespace Monitor.Storage;

/// <summary>
/// Double-buffered block reads: while the caller works on one block, the next is filled on the thread pool, so reading
/// and processing overlap (a backtest reads on one core and evaluates on the other).
/// </summary>
internal static class ReadAhead
{
    public const int BlockSize = 4096;

    /// <summary>
    /// Yields the blocks <paramref name="fill"/> reads (it fills the array given and returns how many it filled; fewer than
    /// the array holds means the end). Calls to <paramref name="fill"/> never overlap.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<T>> BlocksAsync<T>(Func<T[], int> fill, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        T[][] buffers = [new T[BlockSize], new T[BlockSize]];
        int current = 0;
        var pending = Task.Run(() => fill(buffers[0]), cancellationToken);
        try
        {
            while (true)
            {
                int count = await pending.ConfigureAwait(false);
                if (count == 0)
                {
                    yield break;
                }

                int next = 1 - current;
                pending = count < BlockSize ? Task.FromResult(0) : Task.Run(() => fill(buffers[next]), cancellationToken);
                yield return buffers[current].AsMemory(0, count);
                current = next;
            }
        }
        finally
        {
            // The reader the fill uses is disposed after this: let a fill still running finish first.
            await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
