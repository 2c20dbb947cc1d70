using Monitor.Core.Webhooks;
using System.Text.Json;
using System.Threading.Channels;

namespace Monitor.Storage;

/// <summary>
/// What both providers share about the outbox: the clock that stamps deliveries, and the in-process wake-up of the
/// dispatcher when some were added.
/// </summary>
internal sealed class WebhookOutbox(TimeProvider clock)
{
    private readonly Channel<bool> _added = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Wakes a dispatcher waiting in <see cref="WaitAsync"/> (several wake-ups before it looks count as one).</summary>
    public void Notify() => _added.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _added.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: the caller polls.
        }
    }
}

/// <summary>The webhook filter as stored (a JSON object with the contract's field names).</summary>
internal static class WebhookFilterJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(WebhookFilter filter) => JsonSerializer.Serialize(filter, Options);

    public static WebhookFilter Parse(string json) =>
        JsonSerializer.Deserialize<WebhookFilter>(json, Options) ?? throw new InvalidDataException($"stored webhook filter '{json}' is not an object");
}
