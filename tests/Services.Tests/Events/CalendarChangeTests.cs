using Google.Type;
using Inclusion.Referrals.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Meetings;
using InclusionServices.Tests.Referrals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InclusionServices.Tests.Events;

/// <summary>Referrals, which owns the calendar, and Meetings, which keeps a copy, on one virtual host of their own.</summary>
public sealed class CalendarBench : IAsyncLifetime
{
    public ReferralsUnderTest Referrals { get; } = new();
    public MeetingsUnderTest Meetings { get; } = new();

    public async Task InitializeAsync()
    {
        var broker = await TestServers.NewVirtualHostAsync("calendar");
        Referrals.BrokerConnectionString = broker;
        Meetings.BrokerConnectionString = broker;
        await ((IAsyncLifetime)Referrals).InitializeAsync();
        await ((IAsyncLifetime)Meetings).InitializeAsync();
        var health = Meetings.CreateClient();
        await Eventually.HoldsAsync(async () => (await health.GetAsync("/health")).IsSuccessStatusCode, "Meetings is ready");
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)Referrals).DisposeAsync();
        await ((IAsyncLifetime)Meetings).DisposeAsync();
    }
}

public sealed class CalendarChangeTests(CalendarBench bench) : IClassFixture<CalendarBench>
{
    [Fact]
    public async Task A_schools_inset_day_added_in_referrals_reaches_meetings_which_then_counts_the_same_school_days()
    {
        await new Schools.SchoolsClient(bench.Referrals.Channel).CreateSchoolAsync(new CreateSchoolRequest
        {
            School = new School { Urn = "510001", DisplayName = "Heath Park", Phase = Phase.Secondary, Postcode = "WV11 1RD" },
        }, Tokens.Header(InclusionRoles.Manager));
        var inset = new DateOnly(2022, 10, 31);

        var referrals = await new SchoolCalendars.SchoolCalendarsClient(bench.Referrals.Channel).AddInsetDayAsync(
            new AddInsetDayRequest { SchoolUrn = "510001", Date = new Date { Year = 2022, Month = 10, Day = 31 } },
            Tokens.Header(InclusionRoles.Manager));

        await Eventually.HoldsAsync(() => bench.Meetings.WithDatabase(db =>
            db.CalendarOverrides.AnyAsync(r => r.SchoolUrn == "510001" && r.InsetDays.Contains(inset))), "Meetings holds the INSET day");
        var source = bench.Meetings.Services.GetRequiredService<SchoolCalendarSource>();
        var meetingsDays = await bench.Meetings.WithDatabase(db => source.CalendarAsync(db, CancellationToken.None));

        Assert.False(meetingsDays.For("510001").IsSchoolDay(inset));
        Assert.True(meetingsDays.For(null).IsSchoolDay(inset));
        Assert.Equal(referrals.SchoolDays, meetingsDays.For("510001").SchoolDaysIn(2022));
        // The sixth day of an exclusion starting Mon 17 Oct 2022 moves from 31 Oct to 1 Nov, in both services.
        Assert.Equal(new DateOnly(2022, 11, 1), meetingsDays.For("510001").NthSchoolDayFrom(new DateOnly(2022, 10, 17), 6));
    }
}
