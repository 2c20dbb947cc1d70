namespace Monitor.Grains;

public static class MonitorGrainStorage
{
    /// <summary>The grain storage provider name grains persist their state with.</summary>
    public const string Name = "monitor";
}
