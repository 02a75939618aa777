using Google.Type;
using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Tests.Referrals;

public sealed class SchoolCalendarsServiceTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>
{
    private readonly SchoolCalendars.SchoolCalendarsClient _calendars = new(service.Channel);
    private readonly Schools.SchoolsClient _schools = new(service.Channel);

    private static Date On(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    private async Task RegisterAsync(string urn) => await _schools.CreateSchoolAsync(new CreateSchoolRequest
    {
        School = new School { Urn = urn, DisplayName = "Moreton Community School", Phase = Phase.Secondary, Postcode = "WV10 8BY" },
        RequestId = Guid.NewGuid().ToString(),
    }, Tokens.Header(InclusionRoles.Manager));

    private static Term Term(string name, Date start, Date end, Date halfStart, Date halfEnd) =>
        new() { Name = name, Start = start, End = end, HalfTermStart = halfStart, HalfTermEnd = halfEnd };

    [Fact]
    public async Task The_local_authoritys_2022_23_calendar_has_193_days_in_term_and_its_one_off_bank_holidays()
    {
        var calendar = await _calendars.GetSchoolYearCalendarAsync(new GetSchoolYearCalendarRequest { SchoolYearStart = 2022 },
            Tokens.Header(InclusionRoles.Officer));

        // Autumn 69 (5 Sep-16 Dec: 75 weekdays less half term and 19 Sep), spring 59 (Tue 3 Jan-31 Mar: 64 less half
        // term), summer 65 (17 Apr-25 Jul: 72 less half term, 1 and 8 May). Schools' own INSET days come off these.
        Assert.Equal(193, calendar.SchoolDays);
        Assert.Equal(["autumn", "spring", "summer"], calendar.Terms.Select(t => t.Name));
        Assert.Contains(calendar.BankHolidays, b => b.Date.Equals(On(2022, 9, 19)));
        Assert.Contains(calendar.BankHolidays, b => b.Date.Equals(On(2023, 5, 8)));
        Assert.StartsWith("stand-in: Dudley and Sandwell", calendar.Status, StringComparison.Ordinal);
        Assert.False(calendar.OwnTerms);
    }

    [Fact]
    public async Task A_manager_gives_an_academy_its_own_terms_and_an_inset_day_and_its_school_days_change()
    {
        await RegisterAsync("500001");
        var terms = new SetTermDatesRequest { SchoolYearStart = 2022, SchoolUrn = "500001" };
        terms.Terms.Add(Term("autumn", On(2022, 9, 1), On(2022, 12, 16), On(2022, 10, 24), On(2022, 10, 28)));
        terms.Terms.Add(Term("spring", On(2023, 1, 4), On(2023, 3, 31), On(2023, 2, 13), On(2023, 2, 17)));
        terms.Terms.Add(Term("summer", On(2023, 4, 17), On(2023, 7, 21), On(2023, 5, 29), On(2023, 6, 2)));

        var own = await _calendars.SetTermDatesAsync(terms, Tokens.Header(InclusionRoles.Manager));
        Assert.True(own.OwnTerms);
        Assert.Equal(192, own.SchoolDays); // two more days: Thursday 1 and Friday 2 September

        var withInset = await _calendars.AddInsetDayAsync(new AddInsetDayRequest { SchoolUrn = "500001", Date = On(2022, 9, 1) },
            Tokens.Header(InclusionRoles.Manager));
        Assert.Equal(191, withInset.SchoolDays);
        Assert.Contains(On(2022, 9, 1), withInset.InsetDays);

        var seenBySchool = await _calendars.GetSchoolYearCalendarAsync(
            new GetSchoolYearCalendarRequest { SchoolYearStart = 2022, SchoolUrn = "500001" }, Tokens.Header(InclusionRoles.School, "500001"));
        Assert.Equal(191, seenBySchool.SchoolDays);
    }

    [Fact]
    public async Task Terms_that_break_the_calendar_rules_are_refused_naming_each_term()
    {
        await RegisterAsync("500002");
        var terms = new SetTermDatesRequest { SchoolYearStart = 2022, SchoolUrn = "500002" };
        terms.Terms.Add(Term("autumn", On(2022, 9, 1), On(2022, 12, 16), On(2022, 12, 20), On(2022, 12, 22)));
        terms.Terms.Add(Term("spring", On(2022, 12, 1), On(2023, 3, 31), On(2023, 2, 13), On(2023, 2, 17)));
        terms.Terms.Add(Term("summer", On(2023, 4, 17), On(2023, 7, 21), On(2023, 5, 29), On(2023, 6, 2)));

        await RpcAssert.InvalidFields(() => _calendars.SetTermDatesAsync(terms, Tokens.Header(InclusionRoles.Manager)).ResponseAsync,
            "terms[0]", "terms[1]");
    }

    [Fact]
    public async Task An_inset_day_must_replace_a_school_day()
    {
        await RegisterAsync("500003");

        await RpcAssert.InvalidFields(() => _calendars.AddInsetDayAsync(
            new AddInsetDayRequest { SchoolUrn = "500003", Date = On(2022, 10, 25) }, // half term
            Tokens.Header(InclusionRoles.Manager)).ResponseAsync, "date");
        await RpcAssert.InvalidFields(() => _calendars.AddInsetDayAsync(
            new AddInsetDayRequest { SchoolUrn = "500003", Date = On(2035, 10, 25) },
            Tokens.Header(InclusionRoles.Manager)).ResponseAsync, "date");
    }

    [Fact]
    public async Task Only_managers_change_the_calendar_and_a_school_sees_only_its_own()
    {
        await RegisterAsync("500004");
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _calendars.AddInsetDayAsync(
            new AddInsetDayRequest { SchoolUrn = "500004", Date = On(2022, 9, 6) }, Tokens.Header(InclusionRoles.Officer)).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.NotFound, () => _calendars.GetSchoolYearCalendarAsync(
            new GetSchoolYearCalendarRequest { SchoolYearStart = 2022, SchoolUrn = "500004" },
            Tokens.Header(InclusionRoles.School, "500099")).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.NotFound, () => _calendars.AddInsetDayAsync(
            new AddInsetDayRequest { SchoolUrn = "599999", Date = On(2022, 9, 6) }, Tokens.Header(InclusionRoles.Manager)).ResponseAsync);
        await RpcAssert.InvalidFields(() => _calendars.GetSchoolYearCalendarAsync(
            new GetSchoolYearCalendarRequest { SchoolYearStart = 2040 }, Tokens.Header(InclusionRoles.Officer)).ResponseAsync,
            "school_year_start");
    }
}
