using Microsoft.Extensions.Logging;
using Monitor.Storage;

namespace Monitor.Grains;

/// <summary>
/// Says that the database cannot take writes (<see cref="StoreFailures"/>) once per <see cref="LogInterval"/>, with the
/// number of failed writes since the last message, rather than once per request: an outage under load is thousands of
/// failed requests a second, and each answers 503 on its own.
/// </summary>
public sealed class StoreWriteFailures(TimeProvider clock, ILogger<StoreWriteFailures> logger)
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private DateTimeOffset _lastLogged = DateTimeOffset.MinValue;
    private int _sinceLogged;

    /// <summary>A write of <paramref name="what"/> failed with <paramref name="exception"/>.</summary>
    public void Report(Exception exception, string what)
    {
        var now = clock.GetUtcNow();
        int unlogged;
        lock (_lock)
        {
            if (now - _lastLogged < LogInterval)
            {
                _sinceLogged++;
                return;
            }

            unlogged = _sinceLogged;
            _sinceLogged = 0;
            _lastLogged = now;
        }

        logger.LogError(
            "The database cannot take writes ({What} failed: {Error}); such requests are answered 503. {Unlogged} more failed since the last message",
            what, Describe(exception), unlogged);
    }

    /// <summary>Reports a failed write and gives the exception a grain throws for it (answered 503).</summary>
    public StoreUnavailableException Unavailable(Exception exception, string what)
    {
        Report(exception, what);
        return new StoreUnavailableException($"{what} failed: {Describe(exception)}");
    }

    /// <summary>Runs a write of <paramref name="what"/>; one the database cannot take for now fails as <see cref="Unavailable"/> (503).</summary>
    public async Task<T> GuardAsync<T>(Func<Task<T>> write, string what)
    {
        try
        {
            return await write();
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            throw Unavailable(e, what);
        }
    }

    /// <inheritdoc cref="GuardAsync{T}"/>
    public Task GuardAsync(Func<Task> write, string what) =>
        GuardAsync(
            async () =>
            {
                await write();
                return true;
            },
            what);

    /// <summary>The messages of an exception and those it wraps: what an operator needs, without the stack.</summary>
    public static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            messages.Add($"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" <- ", messages);
    }
}

/// <summary>A grain could not store what it was given because the database cannot take writes for now (answered 503).</summary>
[GenerateSerializer, Alias("Monitor.StoreUnavailableException")]
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
