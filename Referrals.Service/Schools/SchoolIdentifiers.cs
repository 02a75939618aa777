using System.Text.RegularExpressions;

namespace InclusionServices.Referrals.Schools;

/// <summary>Formats of the identifiers a school is known by (DfE data standards).</summary>
public static partial class SchoolIdentifiers
{
    /// <summary>Unique Reference Number: exactly 6 digits.</summary>
    public static bool IsUrn(string? value) => value is not null && UrnPattern().IsMatch(value);

    /// <summary>
    /// A UK postcode in upper case with one space before the inward code (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA,
    /// AA99 9AA, AA9A 9AA, or GIR 0AA), or null if the text cannot be one. A format check cannot prove the
    /// postcode exists.
    /// </summary>
    public static string? NormalisePostcode(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var compact = string.Concat(value.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        if (compact == "GIR0AA")
        {
            return "GIR 0AA";
        }
        return PostcodePattern().IsMatch(compact) ? $"{compact[..^3]} {compact[^3..]}" : null;
    }

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex UrnPattern();

    // Outward code: area (1-2 letters) + district (digit, then optional digit or letter); inward: digit + 2 letters.
    [GeneratedRegex("^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")]
    private static partial Regex PostcodePattern();
}
