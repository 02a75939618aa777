extern alias ReportingService;

using InclusionServices.SchoolCalendar;
using Figure = ReportingService::Inclusion.Reporting.V1.Figure;
using Figures = ReportingService::InclusionServices.Reporting.Reports.Figures;
using FigureStatus = ReportingService::Inclusion.Reporting.V1.FigureStatus;
using ReportingCalendar = ReportingService::InclusionServices.Reporting.ReadModel.ReportingCalendar;
using ReportTerm = ReportingService::InclusionServices.Reporting.ReadModel.ReportTerm;
using ServicePerformanceReport = ReportingService::InclusionServices.Reporting.Reports.ServicePerformanceReport;
using EventFeed = ReportingService::InclusionServices.Reporting.Projections.EventFeed;

namespace InclusionServices.Tests.Reporting;

/// <summary>The plain rules behind the reports: suppression, rates and ratios, percentiles, terms.</summary>
public sealed class ReportingRulesTests
{
    [Fact]
    public void The_event_feed_consumes_every_event_of_the_suite_so_none_waits_for_a_catch_up()
    {
        var consumed = typeof(EventFeed).GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(MassTransit.IConsumer<>))
            .Select(i => i.GetGenericArguments()[0].FullName).ToHashSet();
        var published = InclusionServices.EventBus.EventCatalog.PublishedBy.Values.SelectMany(e => e)
            .Select(name => InclusionServices.EventBus.EventCatalog.ClrType(name).FullName);
        Assert.Equal([], published.Where(type => !consumed.Contains(type)).Order());
    }

    private static List<Figure> Counts(bool forPublication, params long[] counts) => [.. counts.Select(c => Figures.Count(c, forPublication))];

    [Fact]
    public void Only_counts_of_one_or_two_are_withheld_and_only_for_publication()
    {
        Assert.Equal([FigureStatus.Shown, FigureStatus.Suppressed, FigureStatus.Suppressed, FigureStatus.Shown],
            Counts(true, 0, 1, 2, 3).Select(f => f.Status));
        Assert.All(Counts(false, 0, 1, 2, 3), f => Assert.Equal(FigureStatus.Shown, f.Status));
        Assert.Equal(0, Figures.Count(2, forPublication: true).Value);
    }

    [Fact]
    public void A_lone_withheld_count_takes_the_smallest_other_count_of_its_set_with_it()
    {
        // 1, 4 and 9 of a shown total of 14: 14 - 4 - 9 would give the 1 away, so the 4 goes too.
        var set = Counts(true, 1, 4, 9);
        Figures.ProtectSet(set);
        Assert.Equal([FigureStatus.Suppressed, FigureStatus.Suppressed, FigureStatus.Shown], set.Select(f => f.Status));

        // Two already withheld: neither can be worked out from the total alone.
        var two = Counts(true, 1, 2, 9);
        Figures.ProtectSet(two);
        Assert.Equal(FigureStatus.Shown, two[2].Status);

        // A zero reveals nothing and is never the one taken.
        var zero = Counts(true, 1, 0, 9);
        Figures.ProtectSet(zero);
        Assert.Equal([FigureStatus.Suppressed, FigureStatus.Shown, FigureStatus.Suppressed], zero.Select(f => f.Status));
    }

    [Fact]
    public void Rates_and_ratios_follow_the_counts_they_come_from()
    {
        // 3 of 1,000 pupils: 0.3 per 100. 5 of 40,000: 0.0125, to two places 0.01.
        Assert.Equal(0.3, Figures.Rate(Figures.Shown(3), 1_000).Value);
        Assert.Equal(0.01, Figures.Rate(Figures.Shown(5), 40_000).Value);
        Assert.Equal(FigureStatus.NotAvailable, Figures.Rate(Figures.Shown(3), (double?)null).Status);
        Assert.Equal(FigureStatus.NotApplicable, Figures.Rate(Figures.Shown(0), 0).Status);
        Assert.Equal(FigureStatus.Suppressed, Figures.Rate(Figures.Count(2, forPublication: true), 1_000).Status);

        // (3 / 5,000) / (2 / 34,000) = 10.2: from the counts, not from rates already rounded.
        Assert.Equal(10.2, Figures.RateRatio(Figures.Shown(3), 5_000, Figures.Shown(2), 34_000).Value);
        Assert.Equal(FigureStatus.Suppressed, Figures.RateRatio(Figures.Shown(3), 5_000, Figures.Count(2, true), 34_000).Status);
        Assert.Equal(FigureStatus.NotAvailable, Figures.RateRatio(Figures.Shown(3), null, Figures.Shown(2), 34_000).Status);
        Assert.Equal(FigureStatus.NotApplicable, Figures.RateRatio(Figures.Shown(3), 5_000, Figures.Shown(0), 34_000).Status);
        Assert.Equal(["12.5", "c", "x", "z"], new[]
        {
            Figures.Shown(12.5), Figures.Suppressed(), Figures.NotAvailable(), Figures.NotApplicable(),
        }.Select(Figures.AsCsv));
    }

    [Fact]
    public void Percentiles_interpolate_between_the_closest_ranks()
    {
        // Ranks 0..4 of 1, 2, 4, 8, 16 hours: the median is the middle one; the 90th percentile lies 0.6 of the way
        // from rank 3 (8) to rank 4 (16): 8 + 0.6 x 8 = 12.8.
        double[] hours = [1, 2, 4, 8, 16];
        Assert.Equal(4, ServicePerformanceReport.Percentile(hours, 0.5));
        Assert.Equal(12.8, ServicePerformanceReport.Percentile(hours, 0.9), 6);
        Assert.Equal(7, ServicePerformanceReport.Percentile([7], 0.9));
    }

    [Fact]
    public void A_date_is_in_the_term_the_local_authoritys_calendar_puts_it_in_holidays_with_the_term_before()
    {
        var data = ReferenceData.Load();
        var calendar = new ReportingCalendar(data.Calendar, data.Rules);
        // 2019/20: autumn from 2 Sep, spring from 6 Jan, summer from 20 Apr.
        Assert.Equal(ReportTerm.Autumn, calendar.TermOf(new DateOnly(2019, 12, 30)));
        Assert.Equal(ReportTerm.Spring, calendar.TermOf(new DateOnly(2020, 1, 6)));
        Assert.Equal(ReportTerm.Spring, calendar.TermOf(new DateOnly(2020, 4, 17)));
        Assert.Equal(ReportTerm.Summer, calendar.TermOf(new DateOnly(2020, 4, 20)));
        Assert.Equal(ReportTerm.Autumn, calendar.TermOf(new DateOnly(2019, 8, 12)));
        // A year with no calendar loaded falls back to months.
        Assert.Equal(ReportTerm.Summer, calendar.TermOf(new DateOnly(2031, 5, 1)));
        Assert.Equal(45, calendar.SuspensionCapDays(2019));
    }
}
