using Monitor.Core.Notifications;

namespace Monitor.Notifications;

/// <summary>
/// Checks the policy's <c>templates</c> with <see cref="NotificationTemplates.Check"/>; problems are at
/// <c>templates.&lt;receiver&gt;</c> and name the receiver (the policy's reader refuses a template of no receiver).
/// </summary>
public sealed class TemplateCheck : IPolicyCheck
{
    public IEnumerable<PolicyProblem> Check(NotificationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        foreach (var (receiver, template) in policy.Templates)
        {
            if (NotificationTemplates.Check(template) is { } problem)
            {
                yield return new PolicyProblem($"templates.{receiver}", $"the template of receiver '{receiver}' {problem}");
            }
        }
    }
}

/// <summary>The receivers' checks, to run after the policy's own wherever a policy is checked or applied.</summary>
public static class ReceiverChecks
{
    public static IReadOnlyList<IPolicyCheck> All { get; } = [new ReceiverSettingsCheck(), new TemplateCheck()];
}
