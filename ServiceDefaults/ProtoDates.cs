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

    public static Date ToProtoDate(this DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };
}
