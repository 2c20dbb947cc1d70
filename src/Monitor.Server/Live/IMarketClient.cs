using Monitor.Grains;
using Monitor.Grains.Alerts;

namespace Monitor.Server.Live;

/// <summary>What <c>/hubs/market</c> sends its clients; each method is a message of that name on the wire.</summary>
public interface IMarketClient
{
    /// <summary>An instrument's latest state, coalesced per instrument.</summary>
    Task Quote(QuoteMessage quote);

    /// <summary>The quotes of one push, in the order they came (to a connection opened with <c>?quotes=batched</c>).</summary>
    Task Quotes(IReadOnlyList<QuoteMessage> quotes);

    /// <summary>An inventory value stored for an instrument.</summary>
    Task Inventory(InventoryMessage inventory);

    /// <summary>An alert entered a state; never coalesced.</summary>
    Task Alert(AlertMessage alert);
}
