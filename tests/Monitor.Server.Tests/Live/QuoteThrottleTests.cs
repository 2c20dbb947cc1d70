using Microsoft.Extensions.Time.Testing;
using Monitor.Grains;
using Monitor.Server.Live;

namespace Monitor.Server.Tests.Live;

/// <summary>The throttle alone, on a fake clock: which quote goes when, and which <c>prevSeq</c> it carries.</summary>
public sealed class QuoteThrottleTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void QuotesWithinAnInterval_WaitForItsEnd_AndOnlyTheNewestGoesWithThePreviousSeq()
    {
        var throttle = new QuoteThrottle(_clock);

        var first = throttle.Offer(Quote(10, price: 1));
        Assert.Equal(10, first?.Seq);
        Assert.Null(first!.PrevSeq);

        _clock.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Null(throttle.Offer(Quote(11, price: 2)));
        _clock.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Null(throttle.Offer(Quote(12, price: 3)));
        Assert.True(throttle.IsWaiting);
        Assert.Null(throttle.TakeDue());

        _clock.Advance(TimeSpan.FromMilliseconds(60));
        var due = throttle.TakeDue();
        Assert.Equal((12L, 3.0, 10L), (due!.Seq, due.Price, due.PrevSeq));
        Assert.False(throttle.IsWaiting);

        // Quiet for an interval: the next quote goes at once, right after the last one sent, so without prevSeq.
        _clock.Advance(QuoteThrottle.Interval);
        var next = throttle.Offer(Quote(13, price: 4));
        Assert.Equal(13, next?.Seq);
        Assert.Null(next!.PrevSeq);
    }

    [Fact]
    public void AMessageThatNeverReachedTheHub_IsNotCoveredByPrevSeq()
    {
        var throttle = new QuoteThrottle(_clock);
        throttle.Offer(Quote(10, price: 1));
        throttle.Offer(Quote(11, price: 2));

        // 12 was lost on its way (an inventory message, say): the client must see the gap and reload.
        throttle.Offer(Quote(13, price: 3));
        _clock.Advance(QuoteThrottle.Interval);
        var due = throttle.TakeDue();
        Assert.Equal(13, due?.Seq);
        Assert.Null(due!.PrevSeq);
    }

    [Fact]
    public void AnInventoryMessage_SendsTheWaitingQuoteFirst_AndIsTheNextQuotesPrevious()
    {
        var throttle = new QuoteThrottle(_clock);
        throttle.Offer(Quote(10, price: 1));
        throttle.Offer(Quote(11, price: 2));
        throttle.Offer(Quote(12, price: 3));

        var before = throttle.BeforeInventory(13);
        Assert.Equal((12L, 10L), (before!.Seq, before.PrevSeq));

        throttle.Offer(Quote(14, price: 4));
        throttle.Offer(Quote(15, price: 5));
        _clock.Advance(QuoteThrottle.Interval);
        var due = throttle.TakeDue();
        Assert.Equal((15L, 13L), (due!.Seq, due.PrevSeq));
    }

    [Fact]
    public void AQuoteOlderThanOneAlreadySeen_IsDropped()
    {
        var throttle = new QuoteThrottle(_clock);
        throttle.Offer(Quote(12, price: 1));
        _clock.Advance(QuoteThrottle.Interval);
        Assert.Null(throttle.Offer(Quote(11, price: 2)));
        Assert.False(throttle.IsWaiting);
    }

    private static QuoteMessage Quote(long seq, double price) =>
        new("COMEX:SI", DateTimeOffset.UnixEpoch, price, null, null, new Dictionary<string, double>(), seq);
}
