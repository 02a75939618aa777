using Inclusion.Reporting.V1;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// Reports as tidy CSV, laid out as the DfE's open-data files are: the time period and place first, then what the row
/// is about, then one measure and its value per row, so every report reads with the same plain CSV reader and pivots
/// however the reader likes. Made from the typed report itself, so the CSV and the gRPC answer always agree. Lists of
/// identifiers never go into a CSV.
/// </summary>
public static class TidyCsv
{
    public static readonly string[] Header =
        ["report", "time_period", "time_identifier", "geographic_level", "school_urn", "phase_group", "term", "breakdown", "group", "measure", "value"];

    /// <summary>One row: what it counts within the report's scope (a school of its own where it says so), and the value.</summary>
    public sealed record Row(string Breakdown, string Group, string Measure, Figure Value, string? SchoolUrn = null);

    public static IEnumerable<Google.Protobuf.ByteString> Chunks(string report, Inclusion.Reporting.V1.ReportScope scope, IEnumerable<Row> rows)
    {
        var period = $"{scope.SchoolYearStart}{(scope.SchoolYearStart + 1) % 100:00}";
        var phase = scope.PhaseGroup switch
        {
            ReportPhase.Primary => "primary",
            ReportPhase.SecondaryAndSpecial => "secondary_and_special",
            _ => "all",
        };
        var term = scope.Term == Term.Unspecified ? "all" : scope.Term.ToString().ToLowerInvariant();
        return CsvExport.Chunks(Header, rows.Select(row =>
        {
            var school = row.SchoolUrn ?? scope.SchoolUrn;
            return new[]
            {
                report, period, "Academic year", string.IsNullOrEmpty(school) ? "Local authority" : "School", school ?? "", phase, term,
                row.Breakdown, row.Group, row.Measure, Figures.AsCsv(row.Value),
            };
        }));
    }

    public static IEnumerable<Row> Rows(PreventionSummary summary) =>
        summary.Phases.Append(summary.Total).SelectMany(p =>
        {
            var group = p.PhaseGroup switch
            {
                ReportPhase.Primary => "primary",
                ReportPhase.SecondaryAndSpecial => "secondary_and_special",
                _ => "total",
            };
            return new[]
            {
                new Row("phase_group", group, "meetings", p.Meetings),
                new Row("phase_group", group, "followed_by_permanent_exclusion", p.FollowedByPermanentExclusion),
                new Row("phase_group", group, "prevention_rate", p.PreventionRate),
            };
        });

    public static IEnumerable<Row> Rows(Inclusion.Reporting.V1.ExclusionsReport report)
    {
        var rows = new List<Row> { new("total", "all", "headcount", report.Headcount) };
        rows.AddRange(report.Totals.SelectMany(f => Measures("total", "all", f)));
        foreach (var breakdown in report.Breakdowns)
        {
            foreach (var group in breakdown.Groups)
            {
                rows.Add(new Row(breakdown.Dimension, group.Group, "headcount", group.Headcount));
                rows.AddRange(group.Figures.SelectMany(f => Measures(breakdown.Dimension, group.Group, f)));
            }
        }
        foreach (var internalExclusions in report.InternalExclusions)
        {
            rows.Add(new Row("internal_exclusion", internalExclusions.Kind, "count", internalExclusions.Count));
            rows.Add(new Row("internal_exclusion", internalExclusions.Kind, "sessions", internalExclusions.Sessions));
        }
        return rows;
    }

    private static IEnumerable<Row> Measures(string breakdown, string group, ExclusionFigures figures)
    {
        var kind = KindName(figures.Kind);
        return [new Row(breakdown, group, kind, figures.Count), new Row(breakdown, group, kind + "_rate_per_100", figures.RatePer100)];
    }

    private static string KindName(ExclusionKind kind) => kind switch
    {
        ExclusionKind.Suspension => "suspensions",
        ExclusionKind.LunchtimeSuspension => "lunchtime_suspensions",
        _ => "permanent_exclusions",
    };

    public static IEnumerable<Row> Rows(Inclusion.Reporting.V1.DisproportionalityReport report) =>
        report.Characteristics.SelectMany(c => c.Groups.SelectMany(g => new[]
        {
            new Row(c.Characteristic, g.Group, "headcount", g.Headcount),
            new Row(c.Characteristic, g.Group, "suspensions", g.Suspensions),
            new Row(c.Characteristic, g.Group, "suspension_rate_per_100", g.SuspensionRatePer100),
            new Row(c.Characteristic, g.Group, $"suspension_rate_ratio_to_{c.ComparisonGroup}", g.SuspensionRateRatio),
            new Row(c.Characteristic, g.Group, "permanent_exclusions", g.PermanentExclusions),
            new Row(c.Characteristic, g.Group, "permanent_exclusion_rate_per_100", g.PermanentExclusionRatePer100),
            new Row(c.Characteristic, g.Group, $"permanent_exclusion_rate_ratio_to_{c.ComparisonGroup}", g.PermanentExclusionRateRatio),
        }));

    public static IEnumerable<Row> Rows(Inclusion.Reporting.V1.ComplianceReport report) =>
        report.Duties.SelectMany(d => new[]
        {
            new Row("duty", d.Duty, "met_on_time", d.MetOnTime),
            new Row("duty", d.Duty, "missed", d.Missed),
            new Row("duty", d.Duty, "pending", d.Pending),
            new Row("duty", d.Duty, "share_on_time", d.ShareOnTime),
        }).Concat(
        [
            new Row("part_time_timetables", "all", "with_overdue_reviews", report.TimetablesWithOverdueReviews),
            new Row("suspension_cap", "all", "cap_days", Figures.Shown(report.SuspensionCapDays)),
            new Row("suspension_cap", "all", "pupils_near_cap", report.PupilsNearCap),
            new Row("suspension_cap", "all", "pupils_past_cap", report.PupilsPastCap),
        ]);

    public static IEnumerable<Row> Rows(Inclusion.Reporting.V1.ServicePerformanceReport report)
    {
        var rows = new List<Row>
        {
            new("total", "all", "referrals_received", report.ReferralsReceived),
            new("total", "all", "referrals_accepted", report.ReferralsAccepted),
            new("total", "all", "referrals_declined", report.ReferralsDeclined),
            new("total", "all", "first_contacts", report.FirstContacts),
            new("total", "all", "median_hours_to_first_contact", report.MedianHoursToFirstContact),
            new("total", "all", "p90_hours_to_first_contact", report.P90HoursToFirstContact),
            new("total", "all", "panel_cases_listed", report.PanelCasesListed),
        };
        rows.AddRange(report.Months.SelectMany(m => new[]
        {
            new Row("month", m.Month, "referrals_received", m.Received, m.SchoolUrn),
            new Row("month", m.Month, "referrals_accepted", m.Accepted, m.SchoolUrn),
            new Row("month", m.Month, "referrals_declined", m.Declined, m.SchoolUrn),
        }));
        rows.AddRange(report.PanelDecisions.Select(d => new Row("panel_decision", d.Name, "cases", d.Count)));
        rows.AddRange(report.Caseloads.Select(c => new Row("officer", c.Officer, "open_referrals", c.OpenReferrals)));
        return rows;
    }

    public static IEnumerable<Row> Rows(Inclusion.Reporting.V1.PlacementsReport report)
    {
        var rows = new List<Row>();
        foreach (var provider in report.Providers)
        {
            rows.Add(new Row("provider", provider.DisplayName, "capacity", Figures.Shown(provider.Capacity)));
            rows.Add(new Row("provider", provider.DisplayName, "occupied",
                provider.OccupancyPercent.Status == FigureStatus.Suppressed ? Figures.Suppressed() : Figures.Shown(provider.Occupied)));
            rows.Add(new Row("provider", provider.DisplayName, "occupancy_percent", provider.OccupancyPercent));
        }
        rows.AddRange(report.StartedByKind.Select(k => new Row("placement_kind", k.Name, "started", k.Count)));
        rows.AddRange(report.EndedByOutcome.Select(o => new Row("placement_outcome", o.Name, "ended", o.Count)));
        rows.Add(new Row("total", "all", "ended", report.Ended));
        rows.Add(new Row("total", "all", "reintegration_rate", report.ReintegrationRate));
        return rows;
    }
}
