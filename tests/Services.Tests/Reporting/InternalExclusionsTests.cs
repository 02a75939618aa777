using Grpc.Core;
using Inclusion.Referrals.V1;
using Inclusion.Reporting.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using static InclusionServices.Tests.Referrals.ReferralsData;
using ReferralsExclusionKind = Inclusion.Referrals.V1.ExclusionKind;

namespace InclusionServices.Tests.Reporting;

/// <summary>
/// Removals from the classroom, isolations and pupils sent home, recorded by a school: no deadlines, nothing toward
/// the 45-day limit, and in the exclusions report on their own, never in its totals.
/// </summary>
public sealed class InternalExclusionsTests(ReportingSuite suite) : IClassFixture<ReportingSuite>
{
    private const string Urn = "604501";
    private const string Other = "604502";

    private InternalExclusions.InternalExclusionsClient Client => new(suite.Referrals.Channel);

    private Task<Inclusion.Referrals.V1.InternalExclusion> RecordAsync(Inclusion.Referrals.V1.Pupil pupil, InternalExclusionKind kind, int day, int sessions) =>
        Client.RecordInternalExclusionAsync(new RecordInternalExclusionRequest
        {
            InternalExclusion = new Inclusion.Referrals.V1.InternalExclusion
            {
                Pupil = pupil.Name, Kind = kind, Date = On(2025, 11, day), Sessions = sessions, Reason = "Refused to follow instructions in science",
            },
        }, Tokens.Header(InclusionRoles.School, Urn)).ResponseAsync;

    [Fact]
    public async Task Internal_exclusions_are_recorded_by_the_school_and_counted_apart_from_exclusions()
    {
        await RegisterSchoolAsync(suite.Referrals.Channel, Urn);
        await RegisterSchoolAsync(suite.Referrals.Channel, Other);
        var pupil = await NewPupilAsync(suite.Referrals.Channel, Urn, 301);
        var isolation = await RecordAsync(pupil, InternalExclusionKind.Isolation, 3, 2);
        await RecordAsync(pupil, InternalExclusionKind.Isolation, 4, 1);
        await RecordAsync(pupil, InternalExclusionKind.RemovalFromClassroom, 5, 1);
        await RecordAsync(pupil, InternalExclusionKind.SentHome, 6, 1);
        Assert.Equal((Urn, "Refused to follow instructions in science"), (isolation.SchoolUrn, isolation.Reason));

        await RpcAssert.InvalidFields(() => Client.RecordInternalExclusionAsync(new RecordInternalExclusionRequest
        {
            InternalExclusion = new Inclusion.Referrals.V1.InternalExclusion { Pupil = pupil.Name, Date = On(2025, 10, 27), Sessions = 30 },
        }, Officer).ResponseAsync, "internal_exclusion.kind", "internal_exclusion.sessions", "internal_exclusion.reason");
        await RpcAssert.InvalidFields(() => RecordAsync(pupil, InternalExclusionKind.Isolation, 1, 1), "internal_exclusion.date"); // a Saturday
        var listed = await Client.ListInternalExclusionsAsync(new ListInternalExclusionsRequest { Pupil = pupil.Name }, Officer);
        Assert.Equal(4, listed.InternalExclusions.Count);
        var otherSchool = await Client.ListInternalExclusionsAsync(new ListInternalExclusionsRequest(), Tokens.Header(InclusionRoles.School, Other));
        Assert.Empty(otherSchool.InternalExclusions);

        // Nothing toward the 45-day limit: a 45-day suspension is still allowed.
        var suspension = await new Exclusions.ExclusionsClient(suite.Referrals.Channel).RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Inclusion.Referrals.V1.Exclusion { Pupil = pupil.Name, Kind = ReferralsExclusionKind.Suspension, StartDate = On(2026, 1, 12), Sessions = 90, ReasonCodes = { "DB" } },
        }, Officer);
        Assert.Equal(90, suspension.SessionsSuspendedThisYear);

        var reports = new Inclusion.Reporting.V1.Reports.ReportsClient(suite.Reporting.Channel);
        var scope = new ReportRequest { SchoolYearStart = 2025, SchoolUrn = Urn };
        Inclusion.Reporting.V1.ExclusionsReport report = null!;
        await Eventually.HoldsAsync(async () =>
        {
            report = await reports.GetExclusionsReportAsync(scope, Manager);
            return report.InternalExclusions.Single(i => i.Kind == "isolation").Count.Value == 2
                && report.Totals.Single(t => t.Kind == Inclusion.Reporting.V1.ExclusionKind.Suspension).Count.Value == 1;
        }, "Reporting counted the internal exclusions and the suspension");
        Assert.Equal(
            [("removal_from_classroom", 1.0, 1.0), ("isolation", 2, 3), ("off_site_direction", 0, 0), ("sent_home", 1, 1)],
            report.InternalExclusions.Select(i => (i.Kind, i.Count.Value, i.Sessions.Value)));
        Assert.Equal(1, report.Totals.Sum(t => t.Count.Value)); // the suspension alone: internal exclusions are never in the totals

        // Published, the ones and twos are withheld, their sessions with them.
        var published = await reports.GetExclusionsReportAsync(new ReportRequest { SchoolYearStart = 2025, SchoolUrn = Urn, ForPublication = true }, Manager);
        Assert.All(published.InternalExclusions.Where(i => i.Kind != "off_site_direction"),
            i => Assert.Equal((FigureStatus.Suppressed, FigureStatus.Suppressed), (i.Count.Status, i.Sessions.Status)));
    }
}
