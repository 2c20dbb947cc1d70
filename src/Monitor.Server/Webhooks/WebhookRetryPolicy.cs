using Monitor.Core.Webhooks;

namespace Monitor.Server.Webhooks;

/// <summary>
/// What an attempt means for its delivery: 2xx delivers it; 410 Gone fails it and disables the webhook; any other
/// failure schedules the next attempt after the schedule's next delay, give or take 10% (jitter, so retries of many
/// deliveries spread out), and not before the endpoint's <c>Retry-After</c> (capped at the schedule's longest delay);
/// after the schedule's last attempt the delivery fails and the webhook is disabled.
/// </summary>
public sealed class WebhookRetryPolicy(IReadOnlyList<TimeSpan> schedule, Func<double> random)
{
    private const double Jitter = 0.1;

    private readonly TimeSpan _longest = schedule.Max();

    /// <summary>The delay before a delivery's first attempt.</summary>
    public TimeSpan FirstAttemptDelay { get; } = schedule[0];

    public DeliveryOutcome Decide(ClaimedDelivery delivery, AttemptResult result)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var decision = Decide(delivery.Id, delivery.AttemptCount, result);
        return new DeliveryOutcome(delivery, decision.Attempt, decision.State, decision.NextAttemptAt, decision.Failure);
    }

    /// <summary>
    /// What attempt <paramref name="attemptCount"/> + 1 of message <paramref name="id"/> means; <see cref="RetryDecision.Failure"/>
    /// says why it failed for good (410 Gone, an attempt the sender marked <see cref="AttemptResult.Permanent"/>, or the
    /// schedule's last attempt).
    /// </summary>
    public RetryDecision Decide(string id, int attemptCount, AttemptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var attempt = new DeliveryAttempt(result.At, result.Status, result.Duration.TotalMilliseconds, result.Error);
        if (result.Succeeded)
        {
            return new RetryDecision(attempt, DeliveryState.Delivered, null, null);
        }

        if (result.Permanent)
        {
            return new RetryDecision(attempt, DeliveryState.Failed, null, $"{id} failed at {result.At:O} and is not retried: {result.Error}");
        }

        if (result.Status == 410)
        {
            return new RetryDecision(
                attempt, DeliveryState.Failed, null, $"the endpoint answered 410 Gone to delivery {id} at {result.At:O}: it wants no more deliveries");
        }

        int made = attemptCount + 1;
        if (made >= schedule.Count)
        {
            return new RetryDecision(
                attempt, DeliveryState.Failed, null, $"delivery {id} failed all {made} attempts of the retry schedule (the last at {result.At:O}: {result.Error})");
        }

        var delay = schedule[made] * (1 - Jitter + (2 * Jitter * random()));
        if (result.RetryAfter is { } asked && asked > delay)
        {
            delay = asked < _longest ? asked : _longest;
        }

        return new RetryDecision(attempt, DeliveryState.Pending, result.At + result.Duration + delay, null);
    }
}

/// <summary>What an attempt means for its message: its new state, when to try again, and why it failed for good.</summary>
public sealed record RetryDecision(DeliveryAttempt Attempt, DeliveryState State, DateTimeOffset? NextAttemptAt, string? Failure);
