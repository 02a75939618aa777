namespace InclusionServices.ServiceDefaults;

public static class StoredTime
{
    /// <summary>
    /// The time as PostgreSQL keeps it (microseconds). Entities store this, so what a create returns and what a
    /// later read returns agree to the tick.
    /// </summary>
    public static DateTimeOffset ToStoredPrecision(this DateTimeOffset time) =>
        time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond));
}
