extern alias ReportingService;

using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Referrals;
using InclusionServices.Tests.Reporting;
using Microsoft.EntityFrameworkCore;
using static InclusionServices.Tests.Referrals.ReferralsData;
using SchoolProjection = ReportingService::InclusionServices.Reporting.Projections.SchoolProjection;

namespace InclusionServices.Tests.Platform;

/// <summary>
/// Hole 7: rules that read several rows and then decide were broken by concurrent callers. Each case runs with real
/// concurrency against the real database.
/// </summary>
public sealed class RaceTests(ReferralsUnderTest referrals, ReportingUnderTest reporting)
    : IClassFixture<ReferralsUnderTest>, IClassFixture<ReportingUnderTest>, IAsyncLifetime
{
    private const string School = "610001";

    public Task InitializeAsync() => RegisterSchoolAsync(referrals.Channel, School);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Concurrent_suspensions_never_pass_the_45_day_cap()
    {
        var exclusions = new Exclusions.ExclusionsClient(referrals.Channel);
        var pupil = await NewPupilAsync(referrals.Channel, School, 51);
        await exclusions.RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = pupil.Name, Kind = ExclusionKind.Suspension, StartDate = On(2025, 9, 8), Sessions = 86, ReasonCodes = { "DB" } },
        }, Officer);

        // Eight two-day suspensions at once, on different days: only one fits in the 2 days left (86 + 4 = 90).
        var days = new[] { 2, 3, 4, 5, 9, 10, 11, 12 };
        var outcomes = await Task.WhenAll(days.Select(async day =>
        {
            try
            {
                await exclusions.RecordExclusionAsync(new RecordExclusionRequest
                {
                    Exclusion = new Exclusion { Pupil = pupil.Name, Kind = ExclusionKind.Suspension, StartDate = On(2026, 3, day), Sessions = 4, ReasonCodes = { "DB" } },
                }, Officer);
                return StatusCode.OK;
            }
            catch (RpcException refused)
            {
                return refused.StatusCode;
            }
        }));

        Assert.Equal(1, outcomes.Count(o => o == StatusCode.OK));
        Assert.Equal(7, outcomes.Count(o => o == StatusCode.FailedPrecondition));
        var pupilId = Guid.Parse(pupil.Name["pupils/".Length..]);
        var total = await referrals.WithDatabase(db => db.Exclusions.Where(e => e.PupilId == pupilId).SumAsync(e => e.Sessions));
        Assert.Equal(90, total);
    }

    [Fact]
    public async Task Concurrent_inset_days_for_one_school_are_all_kept()
    {
        const string school = "610002";
        await RegisterSchoolAsync(referrals.Channel, school);
        var calendars = new SchoolCalendars.SchoolCalendarsClient(referrals.Channel);
        var dates = new[] { 3, 4, 5, 6, 7, 10, 11, 12, 13, 14 }.Select(day => On(2025, 11, day)).ToList();

        await Task.WhenAll(dates.Select(date =>
            calendars.AddInsetDayAsync(new AddInsetDayRequest { SchoolUrn = school, Date = date }, Manager).ResponseAsync));

        var calendar = await calendars.GetSchoolYearCalendarAsync(new GetSchoolYearCalendarRequest { SchoolYearStart = 2025, SchoolUrn = school }, Manager);
        Assert.Equal(dates.Count, dates.Count(calendar.InsetDays.Contains));
    }

    [Fact]
    public async Task An_older_school_event_applied_at_the_same_moment_as_a_newer_one_never_wins()
    {
        // Forty schools, each given a newer and an older phase change at once, in either order.
        var urns = Enumerable.Range(0, 40).Select(i => $"611{i:000}").ToList();
        await Task.WhenAll(urns.SelectMany((urn, i) => new[]
        {
            Apply(urn, SchoolPhase.Primary, 7, delay: i % 2),
            Apply(urn, SchoolPhase.Secondary, 6, delay: (i + 1) % 2),
        }));

        var phases = await reporting.WithDatabase(db => db.Schools.Where(s => urns.Contains(s.Urn))
            .Select(s => new { s.Urn, Phase = s.Phase.ToString(), s.SourceSequence }).ToListAsync());
        Assert.Equal(urns.Count, phases.Count);
        Assert.All(phases, s => Assert.Equal(("Primary", 7L), (s.Phase, s.SourceSequence)));
    }

    private Task<int> Apply(string urn, SchoolPhase phase, long sequence, int delay) =>
        reporting.WithDatabase(async db =>
        {
            await Task.Delay(delay);
            await using var transaction = await db.Database.BeginTransactionAsync();
            await SchoolProjection.ApplyAsync(db, urn, phase, sequence, CancellationToken.None);
            await transaction.CommitAsync();
            return 0;
        });
}
