using System.Net.Mail;
using System.Text.RegularExpressions;

namespace InclusionServices.Referrals.Pupils;

/// <summary>What a Unique Pupil Number is, once checked.</summary>
public enum UpnKind
{
    Invalid = 0,
    Permanent = 1,
    /// <summary>Issued until a permanent UPN is known: the last character is a letter instead of a digit.</summary>
    Temporary = 2,
}

/// <summary>
/// Formats of the identifiers and contact details a referral carries (DfE common basic data set and UK numbering).
/// </summary>
public static partial class PupilIdentifiers
{
    // The check letter alphabet: I, O and S are never used (DfE UPN guidance).
    private const string CheckLetters = "ABCDEFGHJKLMNPQRTUVWXYZ";

    /// <summary>
    /// A UPN is 13 characters: a check letter, then 3-digit LA number, 4-digit establishment number, 2-digit year and
    /// 3 serial digits, the last of which is a letter in a temporary UPN. The check letter is the sum of each
    /// character's value times its position (2 to 13) mod 23, looked up in <see cref="CheckLetters"/>; a final
    /// letter's value is its index there. B801200005001 is valid: sum 93, 93 mod 23 = 1, B.
    /// </summary>
    public static UpnKind CheckUpn(string? upn)
    {
        if (upn is null || upn.Length != 13 || !UpnShape().IsMatch(upn))
        {
            return UpnKind.Invalid;
        }
        if (upn[0] != CheckLetterOf(upn.AsSpan(1)))
        {
            return UpnKind.Invalid;
        }
        return char.IsDigit(upn[12]) ? UpnKind.Permanent : UpnKind.Temporary;
    }

    /// <summary>A UPN made of its 12 characters after the check letter, with the check letter in front.</summary>
    public static string WithCheckLetter(string body) =>
        body.Length == 12 ? CheckLetterOf(body) + body : throw new ArgumentException("A UPN has 12 characters after its check letter.", nameof(body));

    private static char CheckLetterOf(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var position = 2; position <= 13; position++)
        {
            var character = body[position - 2];
            sum += position * (char.IsDigit(character) ? character - '0' : CheckLetters.IndexOf(character, StringComparison.Ordinal));
        }
        return CheckLetters[sum % 23];
    }

    /// <summary>LAESTAB (DfE number): 3-digit local authority number and 4-digit establishment number.</summary>
    public static bool IsLaestab(string? value) => value is not null && LaestabShape().IsMatch(value);

    /// <summary>
    /// A UK telephone number as dialled from the UK (0 and 9 or 10 more digits), or null if the text cannot be one.
    /// Spaces, hyphens, brackets and a +44 prefix are accepted and removed.
    /// </summary>
    public static string? NormaliseUkTelephone(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var compact = string.Concat(value.Where(c => c is not (' ' or '-' or '(' or ')')));
        if (compact.StartsWith("+44", StringComparison.Ordinal))
        {
            compact = "0" + compact[3..].TrimStart('0');
        }
        return UkTelephoneShape().IsMatch(compact) ? compact : null;
    }

    public const int MaxEmailLength = 254;

    /// <summary>An email address with a local part and a dotted domain, at most 254 characters.</summary>
    public static bool IsEmail(string? value) =>
        value is { Length: > 0 and <= MaxEmailLength }
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.EndsWith('.');

    /// <summary>
    /// Whether a date of birth fits a national curriculum year group (0 = Reception, 1 to 14) in a school year:
    /// the usual cohort (born 1 September to 31 August) give or take one year, for pupils taught out of their
    /// year group.
    /// </summary>
    public static bool IsPlausibleForYearGroup(DateOnly dateOfBirth, int yearGroup, int schoolYearStart)
    {
        if (yearGroup is < 0 or > 14)
        {
            return false;
        }
        var cohortStart = new DateOnly(schoolYearStart - yearGroup - 5, 9, 1);
        var cohortEnd = new DateOnly(schoolYearStart - yearGroup - 4, 8, 31);
        return dateOfBirth >= cohortStart.AddYears(-1) && dateOfBirth <= cohortEnd.AddYears(1);
    }

    [GeneratedRegex("^[ABCDEFGHJKLMNPQRTUVWXYZ][0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$")]
    private static partial Regex UpnShape();

    [GeneratedRegex("^[0-9]{7}$")]
    private static partial Regex LaestabShape();

    [GeneratedRegex("^0[0-9]{9,10}$")]
    private static partial Regex UkTelephoneShape();
}
