using Monitor.Core.Ports;
namespace Monitor.Storage.Orleans.Tests.Grains;

[Alias("Monitor.Tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    [Alias("Start")]
    Task Start(TimeSpan period);

    [Alias("Stop")]
    Task Stop();

    /// <summary>Ticks this activation has received.</summary>
    [Alias("GetTicks")]
    Task<int> GetTicks();

    [Alias("IsRegistered")]
    Task<bool> IsRegistered();
}

/// <summary>Counts the ticks of one reminder; the count lives in the activation only.</summary>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public const string ReminderName = "probe";

    private int _ticks;

    public Task Start(TimeSpan period) =>
        this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMilliseconds(200), period);

    public async Task Stop()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<int> GetTicks() => Task.FromResult(_ticks);

    public async Task<bool> IsRegistered() => await this.GetReminder(ReminderName) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName)
        {
            _ticks++;
        }

        return Task.CompletedTask;
    }
}
