using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Inclusion.Reporting.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using SkiaSharp;
using static InclusionServices.Tests.Reporting.SeedYearSuite;

namespace InclusionServices.Tests.Reporting;

/// <summary>
/// Every report, from events only, on the seed's year made through the other services' public APIs (SeedYearSuite).
/// The figures asserted are the scenario's own, counted by hand in the comments.
/// </summary>
public sealed class ReportsFromEventsTests(SeedYearSuite suite) : IClassFixture<SeedYearSuite>
{
    private static readonly ReportRequest Seed = new() { SchoolYearStart = SeedYear };

    [Fact]
    public async Task The_prevention_summary_gives_the_seeds_2019_20_figures_and_says_it_is_current()
    {
        var summary = await suite.Reports.GetPreventionSummaryAsync(Seed, Analyst);

        var primary = summary.Phases.Single(p => p.PhaseGroup == ReportPhase.Primary);
        var secondary = summary.Phases.Single(p => p.PhaseGroup == ReportPhase.SecondaryAndSpecial);
        Assert.Equal((26.0, 1.0), (primary.Meetings.Value, primary.FollowedByPermanentExclusion.Value));
        Assert.Equal((49.0, 4.0), (secondary.Meetings.Value, secondary.FollowedByPermanentExclusion.Value));
        Assert.Equal((75.0, 5.0), (summary.Total.Meetings.Value, summary.Total.FollowedByPermanentExclusion.Value));
        // 70 of 75 meetings not followed by a permanent exclusion: 93.33%.
        Assert.Equal(93.33, summary.Total.PreventionRate.Value);
        Assert.All(summary.Phases.Append(summary.Total), p => Assert.Equal(FigureStatus.Shown, p.FollowedByPermanentExclusion.Status));
        Assert.False(summary.Freshness.Behind);
        Assert.All(summary.Freshness.Producers, p => Assert.True(p.LatestSequence > 0 && p.AppliedThrough == p.LatestSequence, p.ToString()));

        // The first RPC, kept for its callers, reads the same figures.
        var old = await new ExclusionPreventionReports.ExclusionPreventionReportsClient(suite.Reporting.Channel)
            .GetExclusionPreventionSummaryAsync(new GetExclusionPreventionSummaryRequest { SchoolYearStart = SeedYear }, Analyst);
        Assert.Equal((75, 5), (old.TotalMeetings, old.TotalPermanentExclusionsAfter));

        // A school sees its own: the special school had 9 meetings, one followed (the 46th secondary-and-special pupil).
        var special = await suite.Reports.GetPreventionSummaryAsync(new ReportRequest { SchoolYearStart = SeedYear },
            Tokens.Header(InclusionRoles.School, Special));
        Assert.Equal((Special, 9.0, 1.0), (special.Scope.SchoolUrn, special.Total.Meetings.Value, special.Total.FollowedByPermanentExclusion.Value));
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => suite.Reports.GetPreventionSummaryAsync(
            new ReportRequest { SchoolYearStart = SeedYear, SchoolUrn = Secondary }, Tokens.Header(InclusionRoles.School, Special)).ResponseAsync);
        await RpcAssert.InvalidFields(() => suite.Reports.GetPreventionSummaryAsync(
            new ReportRequest { SchoolYearStart = 2018, SchoolUrn = "12", Term = (Term)9 }, Analyst).ResponseAsync,
            "school_year_start", "school_urn", "term");
    }

    [Fact]
    public async Task For_publication_counts_of_one_or_two_and_what_would_reveal_them_are_suppressed()
    {
        var summary = await suite.Reports.GetPreventionSummaryAsync(new ReportRequest { SchoolYearStart = SeedYear, ForPublication = true }, Analyst);

        var primary = summary.Phases.Single(p => p.PhaseGroup == ReportPhase.Primary);
        var secondary = summary.Phases.Single(p => p.PhaseGroup == ReportPhase.SecondaryAndSpecial);
        // Primary's 1 is withheld; with the total of 5 shown, secondary's 4 would give it away, so it goes too.
        Assert.Equal(FigureStatus.Suppressed, primary.FollowedByPermanentExclusion.Status);
        Assert.Equal(FigureStatus.Suppressed, secondary.FollowedByPermanentExclusion.Status);
        Assert.Equal(FigureStatus.Suppressed, primary.PreventionRate.Status);
        Assert.Equal((5.0, 75.0, 26.0), (summary.Total.FollowedByPermanentExclusion.Value, summary.Total.Meetings.Value, primary.Meetings.Value));

        var exclusions = await suite.Reports.GetExclusionsReportAsync(new ReportRequest { SchoolYearStart = SeedYear, ForPublication = true }, Analyst);
        var reasons = exclusions.Breakdowns.Single(b => b.Dimension == "reason");
        // One lunchtime suspension (VA): withheld.
        var lunchtime = reasons.Groups.Single(g => g.Group == "VA").Figures.Single(f => f.Kind == ExclusionKind.LunchtimeSuspension);
        Assert.Equal(FigureStatus.Suppressed, lunchtime.Count.Status);
        Assert.DoesNotContain(exclusions.Breakdowns.SelectMany(b => b.Groups).SelectMany(g => g.Figures),
            f => f.Count.Status == FigureStatus.Shown && f.Count.Value is 1 or 2);

        var csv = await ExportAsync(ReportKind.PreventionSummary, new ReportRequest { SchoolYearStart = SeedYear, ForPublication = true });
        var rows = ParseWithPython(csv);
        Assert.Equal("c", rows.Single(r => r["group"] == "primary" && r["measure"] == "followed_by_permanent_exclusion")["value"]);
        Assert.Equal("5", rows.Single(r => r["group"] == "total" && r["measure"] == "followed_by_permanent_exclusion")["value"]);

        // Lists of identifiers never leave the team.
        var compliance = await suite.Reports.GetComplianceReportAsync(new ReportRequest { SchoolYearStart = SeedYear, ForPublication = true }, Manager);
        Assert.Empty(compliance.Duties.SelectMany(d => d.Misses));
        Assert.Empty(compliance.Pupils);
    }

    [Fact]
    public async Task The_exclusions_report_counts_by_reason_phase_year_group_term_and_school_with_rates_per_100()
    {
        var report = await suite.Reports.GetExclusionsReportAsync(Seed, Officer);

        // Suspensions: 2 (SEN support pupil) + 1 + 1 (41 days) + 1 = 5; one lunchtime; 5 permanent exclusions.
        double Total(ExclusionKind kind) => report.Totals.Single(t => t.Kind == kind).Count.Value;
        Assert.Equal((5.0, 1.0, 5.0), (Total(ExclusionKind.Suspension), Total(ExclusionKind.LunchtimeSuspension), Total(ExclusionKind.PermanentExclusion)));
        // The local authority's recorded roll: 40,000; 5 permanent exclusions are 0.01 per 100 pupils.
        Assert.Equal(40_000, report.Headcount.Value);
        Assert.Equal(0.01, report.Totals.Single(t => t.Kind == ExclusionKind.PermanentExclusion).RatePer100.Value);

        double Count(string dimension, string group, ExclusionKind kind) =>
            report.Breakdowns.Single(b => b.Dimension == dimension).Groups.Single(g => g.Group == group).Figures.Single(f => f.Kind == kind).Count.Value;
        Assert.Equal(4, Count("reason", "DB", ExclusionKind.Suspension));
        Assert.Equal(1, Count("reason", "PA", ExclusionKind.Suspension));
        Assert.Equal(5, Count("reason", "PA", ExclusionKind.PermanentExclusion));
        Assert.Equal(1, Count("phase_group", "primary", ExclusionKind.PermanentExclusion));
        Assert.Equal(4, Count("phase_group", "secondary_and_special", ExclusionKind.PermanentExclusion));
        // Autumn: 5 Nov, 12 Nov, 4 Nov; spring: 14 Jan, 3 Mar, and the lunchtime one on 15 Jan.
        Assert.Equal(3, Count("term", "autumn", ExclusionKind.Suspension));
        Assert.Equal(2, Count("term", "spring", ExclusionKind.Suspension));
        // Year 8: the pupil with SEN support (2) and one other (1).
        Assert.Equal(3, Count("year_group", "8", ExclusionKind.Suspension));
        Assert.Equal(3, Count("school", Secondary, ExclusionKind.PermanentExclusion));
        // 3 permanent exclusions of the secondary school's 1,000 pupils: 0.3 per 100.
        var secondary = report.Breakdowns.Single(b => b.Dimension == "school").Groups.Single(g => g.Group == Secondary);
        Assert.Equal(0.3, secondary.Figures.Single(f => f.Kind == ExclusionKind.PermanentExclusion).RatePer100.Value);

        // The autumn term alone.
        var autumn = await suite.Reports.GetExclusionsReportAsync(new ReportRequest { SchoolYearStart = SeedYear, Term = Term.Autumn }, Officer);
        Assert.Equal((3.0, 0.0), (autumn.Totals.Single(t => t.Kind == ExclusionKind.Suspension).Count.Value,
            autumn.Totals.Single(t => t.Kind == ExclusionKind.PermanentExclusion).Count.Value));
    }

    [Fact]
    public async Task Disproportionality_compares_each_group_with_the_named_one()
    {
        var report = await suite.Reports.GetDisproportionalityReportAsync(Seed, Analyst);

        var sen = report.Characteristics.Single(c => c.Characteristic == "sen_status");
        Assert.Equal("NO_SEN", sen.ComparisonGroup);
        CharacteristicGroup Group(string name) => sen.Groups.Single(g => g.Group == name);
        // SEN support: 3 suspensions (2 + 1) of 5,000 pupils = 0.06 per 100. No SEN: 2 suspensions of 34,000 = 0.0059, shown
        // as 0.01; the ratio comes from the counts, not the rounded rates: (3 / 5,000) / (2 / 34,000) = 10.2.
        Assert.Equal((3.0, 0.06), (Group("SEN_SUPPORT").Suspensions.Value, Group("SEN_SUPPORT").SuspensionRatePer100.Value));
        Assert.Equal((2.0, 0.01), (Group("NO_SEN").Suspensions.Value, Group("NO_SEN").SuspensionRatePer100.Value));
        Assert.Equal(10.2, Group("SEN_SUPPORT").SuspensionRateRatio.Value);
        Assert.Equal(1, Group("NO_SEN").SuspensionRateRatio.Value);
        // The lunchtime suspension of the pupil with a plan counts as a suspension: 1 of 1,000 = 0.1 per 100.
        Assert.Equal(0.1, Group("EHC_PLAN").SuspensionRatePer100.Value);

        // Free school meals: 2 + 1 = 3 suspensions of 10,000 eligible pupils.
        var meals = report.Characteristics.Single(c => c.Characteristic == "free_school_meals");
        Assert.Equal(0.03, meals.Groups.Single(g => g.Group == "ELIGIBLE").SuspensionRatePer100.Value);
        // No roll by sex was recorded: counts, but no rates.
        var sex = report.Characteristics.Single(c => c.Characteristic == "sex");
        Assert.Equal(FigureStatus.NotAvailable, sex.Groups.Single(g => g.Group == "F").SuspensionRatePer100.Status);
        Assert.Equal(1, sex.Groups.Single(g => g.Group == "F").Suspensions.Value);
    }

    [Fact]
    public async Task Compliance_lists_the_missed_duties_the_overdue_review_and_the_pupil_near_the_cap()
    {
        var report = await suite.Reports.GetComplianceReportAsync(Seed, Officer);

        // No sixth-day provision was arranged: not for the five permanent exclusions (the local authority's duty), nor for
        // the 41-day suspension (the school's). Six missed, none on time.
        var sixthDay = report.Duties.Single(d => d.Duty == "sixth_day_provision");
        Assert.Equal((0.0, 6.0, 0.0), (sixthDay.MetOnTime.Value, sixthDay.Missed.Value, sixthDay.ShareOnTime.Value));
        Assert.Equal(suite.PermanentExclusions.Order(), sixthDay.Misses.Where(m => m.Holder == "LocalAuthority").Select(m => m.Exclusion).Order());
        Assert.Equal(suite.NearCapExclusion, Assert.Single(sixthDay.Misses, m => m.Holder == "School").Exclusion);
        var board = report.Duties.Single(d => d.Duty == "governing_board_meeting");
        Assert.Subset(board.Misses.Select(m => m.Exclusion).ToHashSet(), suite.PermanentExclusions.ToHashSet());

        var overdue = Assert.Single(report.OverdueReviews);
        Assert.Equal((suite.OverdueTimetable, new Google.Type.Date { Year = 2020, Month = 1, Day = 20 }), (overdue.PartTimeTimetable, overdue.ReviewDue));
        var daysSince = DateOnly.FromDateTime(DateTime.UtcNow).DayNumber - new DateOnly(2020, 1, 20).DayNumber;
        Assert.InRange(overdue.DaysOverdue, daysSince - 1, daysSince + 1);

        // 82 sessions are 41 days: within five of the 45-day cap.
        Assert.Equal(45, report.SuspensionCapDays);
        var near = Assert.Single(report.Pupils);
        Assert.Equal((suite.NearCapPupil, 41.0, false), (near.Pupil, near.DaysSuspended, near.PastCap));

        // Analysts see the figures, never who they are about.
        var analysts = await suite.Reports.GetComplianceReportAsync(Seed, Analyst);
        Assert.Equal(6, analysts.Duties.Single(d => d.Duty == "sixth_day_provision").Missed.Value);
        Assert.Empty(analysts.Duties.SelectMany(d => d.Misses));
        Assert.Empty(analysts.Pupils);
        Assert.Empty(analysts.OverdueReviews);
    }

    [Fact]
    public async Task Service_performance_and_placements_come_from_referrals_panel_and_placement_events()
    {
        var thisYear = await suite.Reports.GetServicePerformanceReportAsync(new ReportRequest { SchoolYearStart = ThisYear }, Manager);
        Assert.Equal((3.0, 1.0, 1.0, 1.0), (thisYear.ReferralsReceived.Value, thisYear.ReferralsAccepted.Value, thisYear.ReferralsDeclined.Value,
            thisYear.FirstContacts.Value));
        Assert.Equal(3, thisYear.Months.Where(m => m.SchoolUrn == Secondary).Sum(m => m.Received.Value));
        Assert.Equal(1, Assert.Single(thisYear.Caseloads, c => c.Officer == "officer-7").OpenReferrals.Value);
        var asSchool = await suite.Reports.GetServicePerformanceReportAsync(new ReportRequest { SchoolYearStart = ThisYear },
            Tokens.Header(InclusionRoles.School, Secondary));
        Assert.Equal(3, asSchool.ReferralsReceived.Value);
        Assert.Empty(asSchool.Caseloads);

        var seed = await suite.Reports.GetServicePerformanceReportAsync(Seed, Manager);
        Assert.Equal(1, seed.PanelCasesListed.Value);
        Assert.Equal(("MORE_SUPPORT_IN_SCHOOL", 1.0), (Assert.Single(seed.PanelDecisions).Name, seed.PanelDecisions[0].Count.Value));

        var placements = await suite.Reports.GetPlacementsReportAsync(Seed, Manager);
        var orchard = Assert.Single(placements.Providers);
        Assert.Equal(("Orchard Centre", 4, 0), (orchard.DisplayName, orchard.Capacity, orchard.Occupied));
        Assert.Equal(("PREVENTATIVE", 1.0), (Assert.Single(placements.StartedByKind).Name, placements.StartedByKind[0].Count.Value));
        Assert.Equal(("REINTEGRATED_TO_MAINSTREAM", 100.0), (Assert.Single(placements.EndedByOutcome).Name, placements.ReintegrationRate.Value));
    }

    [Fact]
    public async Task Every_report_exports_as_tidy_csv_a_plain_reader_parses()
    {
        foreach (var kind in Enum.GetValues<ReportKind>().Where(k => k != ReportKind.Unspecified))
        {
            var rows = ParseWithPython(await ExportAsync(kind, Seed));
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Equal(("201920", "Academic year"), (r["time_period"], r["time_identifier"])));
            Assert.All(rows, r => Assert.False(string.IsNullOrEmpty(r["measure"]) || string.IsNullOrEmpty(r["value"])));
        }
        var exclusions = ParseWithPython(await ExportAsync(ReportKind.Exclusions, Seed));
        Assert.Equal("4", exclusions.Single(r => r["breakdown"] == "reason" && r["group"] == "DB" && r["measure"] == "suspensions")["value"]);
        Assert.Equal("x", exclusions.Single(r => r["breakdown"] == "year_group" && r["group"] == "8" && r["measure"] == "suspensions_rate_per_100")["value"]);
        await RpcAssert.InvalidFields(() => ExportAsync(ReportKind.Unspecified, Seed), "report");
    }

    [Fact]
    public async Task The_prevention_chart_is_an_svg_and_a_png_showing_both_phase_groups()
    {
        var chart = await suite.Reports.RenderPreventionChartAsync(Seed, Analyst);

        var svg = chart.Svg.ToStringUtf8();
        Assert.Contains("<svg", svg, StringComparison.Ordinal);
        Assert.EndsWith("</svg>", svg.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("Primary", svg, StringComparison.Ordinal);
        Assert.Contains("Secondary and special", svg, StringComparison.Ordinal);
        Assert.Contains("2019/20", chart.Title, StringComparison.Ordinal);

        using var png = SKBitmap.Decode(chart.Png.ToByteArray());
        Assert.NotNull(png);
        Assert.Equal((800, 500), (png.Width, png.Height));
        // Each phase group has its bar of meetings: the meetings colour appears in both halves of the picture.
        var meetings = new SKColor(0x1f, 0x5f, 0x8b);
        bool HasBar(int from, int to) => Enumerable.Range(from, to - from).Any(x => Enumerable.Range(0, png.Height).Any(y => png.GetPixel(x, y) == meetings));
        Assert.True(HasBar(0, png.Width / 2), "a bar of meetings on the left (primary)");
        Assert.True(HasBar(png.Width / 2, png.Width), "a bar of meetings on the right (secondary and special)");
    }

    [Fact]
    public async Task No_event_on_the_bus_and_no_report_holds_a_name_a_upn_a_birth_date_or_a_contact()
    {
        var messages = await suite.Bus.DrainAsync(suite.EverythingQueue);
        // The whole scenario went over the bus: every kind of event it causes, hundreds in all.
        string[] expected =
        [
            "SchoolRegistered", "ReferralStatusChanged", "ExclusionChanged", "DeadlineMissed", "MeetingChanged", "MeetingFollowedByPermanentExclusion",
            "PanelCaseListed", "PanelDecisionMade", "ProviderAdded", "ProviderPlacesChanged", "PlacementChanged", "SixthDayProvisionMissed",
            "PartTimeTimetableChanged", "PartTimeTimetableReviewOverdue",
        ];
        var seen = messages.Select(m => m.Exchange).ToHashSet();
        var missing = expected.Select(e => "inclusion.events.v1." + e).Where(e => !seen.Contains(e)).ToList();
        Assert.True(missing.Count == 0, "not on the bus: " + string.Join(", ", missing));
        // 75 meetings scheduled and held are 150 events alone.
        Assert.True(messages.Count > 150, $"{messages.Count} messages");

        var outputs = new List<string>(messages.Select(m => Encoding.UTF8.GetString(m.Body.Span)));
        outputs.AddRange((await EveryReportAsync()).Values);
        foreach (var kind in Enum.GetValues<ReportKind>().Where(k => k != ReportKind.Unspecified))
        {
            outputs.Add(Encoding.UTF8.GetString(await ExportAsync(kind, Seed)));
        }
        outputs.Add(JsonFormatter.Default.Format(await suite.Reports.GetComplianceReportAsync(Seed, Tokens.Header(InclusionRoles.School, Secondary))));
        outputs.Add((await suite.Reports.RenderPreventionChartAsync(Seed, Analyst)).Svg.ToStringUtf8());
        var everything = string.Join('\n', outputs);

        // What the scenario wrote about the children and the people around them (ReferralsData and SeedYearSuite).
        var births = new[] { 5, 8, 9, 10, 11 }.Select(yearGroup => $"{ThisYear - yearGroup - 5}-10-09");
        string[] personal =
        [
            "Morgan", "Privateperson", "1 Private Road", "WV4 5ZZ", "07700 900789", "lee.private@example.org", "Private Parent",
            "Pat Tutor", "pat.tutor@school.example.org", "01902 555000", "Persistent disruption after lunch", "Held last month with the family",
            "Phased return after illness",
        ];
        Assert.NotEmpty(suite.Upns);
        foreach (var secret in personal.Concat(suite.Upns).Concat(births))
        {
            Assert.False(everything.Contains(secret, StringComparison.OrdinalIgnoreCase), $"'{secret}' left the service that holds it");
        }
    }

    [Fact]
    public async Task Rebuilding_from_the_producers_histories_gives_identical_answers_to_every_report()
    {
        var before = await EveryReportAsync();
        var readModels = new ReadModels.ReadModelsClient(suite.Reporting.Channel);

        var rebuild = await readModels.RebuildReadModelsAsync(new RebuildReadModelsRequest(), Manager);
        Assert.Equal(RebuildState.Running, rebuild.State);
        await Eventually.HoldsAsync(async () =>
            (rebuild = await readModels.GetRebuildAsync(new GetRebuildRequest { Name = rebuild.Name }, Manager)).State != RebuildState.Running,
            "the rebuild finished");
        Assert.True(rebuild.State == RebuildState.Succeeded, rebuild.Error);
        Assert.All(rebuild.Producers, p => Assert.True(p.EventsReplayed > 0, p.ToString()));
        Assert.Equal("test-manager", rebuild.RequestedBy);
        await suite.WaitUntilQuietAsync();

        var after = await EveryReportAsync();
        Assert.Equal(before.Count, after.Count);
        foreach (var (name, answer) in before)
        {
            Assert.True(answer == after[name], $"{name} differs after the rebuild:\n{answer}\n{after[name]}");
        }
        await RpcAssert.FailsWith(StatusCode.NotFound, () => readModels.GetRebuildAsync(
            new GetRebuildRequest { Name = "rebuilds/" + Guid.NewGuid() }, Manager).ResponseAsync);
    }

    /// <summary>Every report for the seed's year and this year, in JSON, without the freshness (sequence numbers stay; times too).</summary>
    private async Task<Dictionary<string, string>> EveryReportAsync()
    {
        var answers = new Dictionary<string, string>();
        foreach (var year in new[] { SeedYear, ThisYear })
        {
            foreach (var publication in new[] { false, true })
            {
                var request = new ReportRequest { SchoolYearStart = year, ForPublication = publication };
                var key = $"{year}{(publication ? " for publication" : "")}";
                answers[$"prevention {key}"] = Json(await suite.Reports.GetPreventionSummaryAsync(request, Manager));
                answers[$"exclusions {key}"] = Json(await suite.Reports.GetExclusionsReportAsync(request, Manager));
                answers[$"disproportionality {key}"] = Json(await suite.Reports.GetDisproportionalityReportAsync(request, Manager));
                answers[$"compliance {key}"] = Json(await suite.Reports.GetComplianceReportAsync(request, Manager));
                answers[$"service performance {key}"] = Json(await suite.Reports.GetServicePerformanceReportAsync(request, Manager));
                answers[$"placements {key}"] = Json(await suite.Reports.GetPlacementsReportAsync(request, Manager));
            }
        }
        return answers;
    }

    private static string Json<T>(T report) where T : IMessage<T>, IDeepCloneable<T>
    {
        var copy = report.Clone();
        // Days overdue count from today; everything else must match exactly.
        copy.Descriptor.FindFieldByName("freshness")?.Accessor.Clear(copy);
        return JsonFormatter.Default.Format(copy);
    }

    private async Task<byte[]> ExportAsync(ReportKind kind, ReportRequest request)
    {
        using var call = suite.Reports.ExportReportCsv(new ExportReportCsvRequest { Report = kind, Request = request }, Manager);
        var bytes = new MemoryStream();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            chunk.Data.WriteTo(bytes);
        }
        return bytes.ToArray();
    }

    /// <summary>Reads CSV with Python's own csv module: a reader that owes nothing to the code that wrote it.</summary>
    private static List<Dictionary<string, string>> ParseWithPython(byte[] csv)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", "import csv, json, sys; print(json.dumps(list(csv.DictReader(sys.stdin))))"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        python.StandardInput.Write(Encoding.UTF8.GetString(csv));
        python.StandardInput.Close();
        var output = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, python.StandardError.ReadToEnd());
        return JsonSerializer.Deserialize<List<Dictionary<string, string>>>(output)!;
    }
}
