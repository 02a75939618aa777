extern alias ReferralsService;

using PupilIdentifiers = ReferralsService::InclusionServices.Referrals.Pupils.PupilIdentifiers;
using SchoolIdentifiers = ReferralsService::InclusionServices.Referrals.Schools.SchoolIdentifiers;
using UpnKind = ReferralsService::InclusionServices.Referrals.Pupils.UpnKind;

namespace InclusionServices.Tests.Referrals;

public sealed class PupilIdentifiersTests
{
    [Theory]
    [InlineData("B801200005001", UpnKind.Permanent)]  // the DfE worked example: sum 93, 93 mod 23 = 1 -> B
    [InlineData("A801200005001", UpnKind.Invalid)]    // same digits, wrong check letter
    [InlineData("N801200005001", UpnKind.Invalid)]
    [InlineData("Q801200005002", UpnKind.Permanent)]  // 93 + 13 = 106, 106 mod 23 = 14 -> Q
    [InlineData("M80120000500A", UpnKind.Temporary)]  // a final letter A counts 0: sum 80, 80 mod 23 = 11 -> M
    [InlineData("B80120000500A", UpnKind.Invalid)]    // the same temporary UPN with the wrong check letter
    [InlineData("I801200005001", UpnKind.Invalid)]    // I is never a check letter
    [InlineData("B80120000500", UpnKind.Invalid)]     // 12 characters
    [InlineData("B8012000050011", UpnKind.Invalid)]   // 14 characters
    [InlineData("b801200005001", UpnKind.Invalid)]    // lower case
    [InlineData("B80120000500O", UpnKind.Invalid)]    // O is never used
    [InlineData(null, UpnKind.Invalid)]
    public void Upn_check_letters(string? upn, UpnKind expected) => Assert.Equal(expected, PupilIdentifiers.CheckUpn(upn));

    [Theory]
    [InlineData("3364001", true)]
    [InlineData("336400", false)]
    [InlineData("336-4001", false)]
    public void Laestab_is_seven_digits(string value, bool valid) => Assert.Equal(valid, PupilIdentifiers.IsLaestab(value));

    [Theory]
    [InlineData("01902 550621", "01902550621")]
    [InlineData("+44 1902 550621", "01902550621")]
    [InlineData("+44 (0)1902 550621", "01902550621")]
    [InlineData("07700-900123", "07700900123")]
    [InlineData("0800 111", null)]
    [InlineData("1902550621", null)]
    [InlineData("01902 55062a", null)]
    public void Uk_telephone_numbers_are_normalised(string value, string? expected) =>
        Assert.Equal(expected, PupilIdentifiers.NormaliseUkTelephone(value));

    [Theory]
    [InlineData("AttendanceandExclusions@wolverhampton.gov.uk", true)]
    [InlineData("dsl@school", false)]
    [InlineData("no-at-sign.example.org", false)]
    [InlineData("two@@signs.org", false)]
    [InlineData("Head Teacher <head@school.org>", false)]
    public void Email_addresses(string value, bool valid) => Assert.Equal(valid, PupilIdentifiers.IsEmail(value));

    [Theory]
    [InlineData("2012-09-01", 7, 2023, true)]   // the usual Year 7 cohort of 2023/24: born Sept 2011-Aug 2012
    [InlineData("2011-09-01", 7, 2023, true)]
    [InlineData("2010-09-01", 7, 2023, true)]   // a year older: held back a year
    [InlineData("2010-08-31", 7, 2023, false)]  // two years older
    [InlineData("2013-08-31", 7, 2023, true)]   // a year younger
    [InlineData("2013-09-01", 7, 2023, false)]  // two years younger
    [InlineData("2019-06-01", 0, 2023, true)]   // Reception
    [InlineData("2019-06-01", 15, 2023, false)] // no such year group
    public void Date_of_birth_plausible_for_year_group(string dateOfBirth, int yearGroup, int schoolYear, bool plausible) =>
        Assert.Equal(plausible, PupilIdentifiers.IsPlausibleForYearGroup(DateOnly.Parse(dateOfBirth, System.Globalization.CultureInfo.InvariantCulture), yearGroup, schoolYear));

    [Theory]
    [InlineData("wv2 4ne", "WV2 4NE")]
    [InlineData("WV24NE", "WV2 4NE")]
    [InlineData("ec1a 1bb", "EC1A 1BB")]
    [InlineData("w1a 0ax", "W1A 0AX")]
    [InlineData("m1 1ae", "M1 1AE")]
    [InlineData("cr2 6xh", "CR2 6XH")]
    [InlineData("dn55 1pt", "DN55 1PT")]
    [InlineData("gir 0aa", "GIR 0AA")]
    [InlineData("WV2 4N", null)]
    [InlineData("1V2 4NE", null)]
    [InlineData("WV2 ANE", null)]
    public void Postcodes_are_checked_and_normalised(string value, string? expected) =>
        Assert.Equal(expected, SchoolIdentifiers.NormalisePostcode(value));
}
