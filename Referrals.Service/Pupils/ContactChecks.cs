using InclusionServices.ServiceDefaults;

namespace InclusionServices.Referrals.Pupils;

/// <summary>The optional contact fields of schools, pupils and referrals, checked the same way everywhere.</summary>
public static class ContactChecks
{
    /// <summary>The number normalised (digits from 0), or null when none was given; a violation when it is not a UK number.</summary>
    public static string? OptionalUkTelephone(this RequestValidation validation, string value, string field)
    {
        var normalised = PupilIdentifiers.NormaliseUkTelephone(value);
        validation.Check(value.Length == 0 || normalised is not null, field, "must be a UK telephone number");
        return normalised;
    }

    /// <summary>The address trimmed, or null when none was given; a violation when it is not an email address.</summary>
    public static string? OptionalEmail(this RequestValidation validation, string value, string field)
    {
        validation.Check(value.Length == 0 || PupilIdentifiers.IsEmail(value), field, "must be an email address");
        return TextOrNull(value);
    }

    /// <summary>Proto strings are never null: an empty or blank field means "not given".</summary>
    public static string? TextOrNull(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
