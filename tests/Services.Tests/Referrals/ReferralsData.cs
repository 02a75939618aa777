extern alias ReferralsService;

using Google.Type;
using Grpc.Core;
using Grpc.Net.Client;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Tests.Referrals;

/// <summary>Schools and pupils made through Referrals' public API, for tests that need them as a starting point.</summary>
public static class ReferralsData
{
    public static readonly System.DateTime Today = System.DateTime.UtcNow;
    /// <summary>The school year now: school years start on 1 August.</summary>
    public static readonly int ThisSchoolYear = Today.Month >= 8 ? Today.Year : Today.Year - 1;

    public static Date On(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    public static Metadata Officer => Tokens.Header(InclusionRoles.Officer);
    public static Metadata Manager => Tokens.Header(InclusionRoles.Manager);

    /// <summary>A valid permanent UPN for serial 0-9999 under LA 801, its check letter worked out as DfE specifies.</summary>
    public static string Upn(int serial, string prefix = "80120000") => WithCheckLetter($"{prefix}{serial:0000}");

    /// <summary>The 12 characters after a UPN's check letter, with the check letter in front (the service's own rule).</summary>
    public static string WithCheckLetter(string body) => ReferralsService::InclusionServices.Referrals.Pupils.PupilIdentifiers.WithCheckLetter(body);

    /// <summary>Registers the school once (repeats return the first registration).</summary>
    public static async Task RegisterSchoolAsync(GrpcChannel channel, string urn, Phase phase = Phase.Secondary) =>
        await new Schools.SchoolsClient(channel).CreateSchoolAsync(new CreateSchoolRequest
        {
            School = new School { Urn = urn, DisplayName = $"School {urn}", Phase = phase, Postcode = "WV4 5AA" },
            RequestId = new Guid($"00000000-0000-0000-0000-000000{urn}").ToString(),
        }, Manager);

    /// <summary>
    /// A pupil at the school, with names and contacts that tests can look for where they must never appear. Made once
    /// per UPN: a repeat returns the first (the request id is derived from the UPN).
    /// </summary>
    public static async Task<Pupil> NewPupilAsync(GrpcChannel channel, string schoolUrn, int serial, int yearGroup = 9,
        SenStatus sen = SenStatus.NoSen, bool freeSchoolMeals = false, Sex sex = Sex.Male, string upnPrefix = "80120000")
    {
        var born = On(ThisSchoolYear - yearGroup - 5, 10, 9);
        var upn = Upn(serial, upnPrefix);
        return await new Pupils.PupilsClient(channel).CreatePupilAsync(new CreatePupilRequest
        {
            RequestId = new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(upn))).ToString(),
            Pupil = new Pupil
            {
                Upn = upn, GivenName = "Morgan", FamilyName = "Privateperson", DateOfBirth = born, Sex = sex,
                YearGroup = yearGroup, SchoolUrn = schoolUrn, SenStatus = sen, FreeSchoolMeals = freeSchoolMeals,
                Postcode = "WV4 5ZZ", Address = "1 Private Road",
                Carers = { new Carer { FullName = "Lee Privateperson", Telephones = { "07700 900789" }, Email = "lee.private@example.org" } },
            },
        }, Officer);
    }

    /// <summary>The first school day after today by the council's calendar held in Referrals (weekends, holidays, INSET out).</summary>
    public static async Task<DateOnly> NextSchoolDayAsync(GrpcChannel channel)
    {
        var today = DateOnly.FromDateTime(Today);
        var calendars = new SchoolCalendars.SchoolCalendarsClient(channel);
        foreach (var year in new[] { ThisSchoolYear, ThisSchoolYear + 1 })
        {
            var calendar = await calendars.GetSchoolYearCalendarAsync(new GetSchoolYearCalendarRequest { SchoolYearStart = year }, Officer);
            var closed = calendar.BankHolidays.Select(h => Day(h.Date)).Concat(calendar.InsetDays.Select(Day)).ToHashSet();
            foreach (var term in calendar.Terms)
            {
                for (var day = Day(term.Start); day <= Day(term.End); day = day.AddDays(1))
                {
                    var halfTerm = term.HalfTermStart is not null && day >= Day(term.HalfTermStart) && day <= Day(term.HalfTermEnd);
                    if (day > today && day.DayOfWeek is not (System.DayOfWeek.Saturday or System.DayOfWeek.Sunday) && !halfTerm && !closed.Contains(day))
                    {
                        return day;
                    }
                }
            }
        }
        throw new InvalidOperationException("No school day ahead in the calendars held.");
    }

    private static DateOnly Day(Date date) => new(date.Year, date.Month, date.Day);
}
