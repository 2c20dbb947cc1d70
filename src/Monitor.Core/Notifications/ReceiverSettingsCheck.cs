namespace Monitor.Core.Notifications;

/// <summary>Checks each receiver's settings for its kind (<see cref="ReceiverSettingsReader"/>), at <c>receivers[i].&lt;kind&gt;</c>.</summary>
public sealed class ReceiverSettingsCheck : IPolicyCheck
{
    public IEnumerable<PolicyProblem> Check(NotificationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var problems = new List<PolicyProblem>();
        for (int i = 0; i < policy.Receivers.Count; i++)
        {
            if (policy.Receivers[i] is { Kind: { } kind } receiver)
            {
                ReceiverSettingsReader.Read(kind, receiver.Settings, $"receivers[{i}].{kind}", problems);
            }
        }

        return problems;
    }
}
