using Google.Type;

namespace InclusionServices.ServiceDefaults;

/// <summary>Calendar dates travel as google.type.Date (AIP-142); the domain uses DateOnly.</summary>
public static class ProtoDates
{
    /// <summary>The date, or null with a violation recorded when it is missing or not a real calendar date.</summary>
    public static DateOnly? RequireDate(this RequestValidation validation, Date? date, string field)
    {
        if (date is null || (date.Year == 0 && date.Month == 0 && date.Day == 0))
        {
            validation.Check(false, field, "is required");
            return null;
        }
        var real = date.Year is >= 1 and <= 9999 && date.Month is >= 1 and <= 12
            && date.Day >= 1 && date.Day <= System.DateTime.DaysInMonth(date.Year, date.Month);
        validation.Check(real, field, "must be a full calendar date (year, month and day)");
        return real ? new DateOnly(date.Year, date.Month, date.Day) : null;
    }

    /// <summary>
    /// A point in time, or null with a violation recorded when it lies outside what a timestamp can hold (seconds beyond
    /// years 1-9999, nanos outside 0-999,999,999): such a value would otherwise fail deep inside the service.
    /// </summary>
    public static DateTimeOffset? ReadTimestamp(this RequestValidation validation, Google.Protobuf.WellKnownTypes.Timestamp? time, string field)
    {
        if (time is null)
        {
            return null;
        }
        var valid = time.Seconds is >= MinTimestampSeconds and <= MaxTimestampSeconds && time.Nanos is >= 0 and <= 999_999_999;
        validation.Check(valid, field, "must be a time between the years 1 and 9999");
        return valid ? time.ToDateTimeOffset() : null;
    }

    // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range google.protobuf.Timestamp allows.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    public static Date ToProtoDate(this DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };
}
