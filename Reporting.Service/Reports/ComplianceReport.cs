using Google.Type;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;
using ExclusionKind = InclusionServices.Reporting.ReadModel.ExclusionKind;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// Whether statutory duties were met on time: sixth-day provision (by the day it was due), governing board meetings
/// and independent review panels (by the exclusion's school year); part-time timetables whose review date passed
/// without a review; pupils near or past the suspension cap. Misses are listed by identifier where the caller may see them.
/// </summary>
public static class ComplianceReport
{
    /// <summary>How close to the cap, in school days, a pupil is listed as near it.</summary>
    public const int NearCapDays = 5;

    public static async Task<Inclusion.Reporting.V1.ComplianceReport> BuildAsync(ReportingDatabase database, ReportingCalendar calendar,
        ReportScope scope, DateOnly today, CancellationToken cancellationToken)
    {
        var report = new Inclusion.Reporting.V1.ComplianceReport { Scope = scope.ToMessage() };
        report.Duties.Add(await SixthDayAsync(database, scope, cancellationToken));
        report.Duties.AddRange(await ReviewDutiesAsync(database, scope, cancellationToken));
        await OverdueReviewsAsync(database, calendar, scope, today, report, cancellationToken);
        await SuspensionCapAsync(database, calendar, scope, report, cancellationToken);
        report.Freshness = await FreshnessReader.ReadAsync(database, cancellationToken);
        return report;
    }

    private static async Task<DutyCompliance> SixthDayAsync(ReportingDatabase database, ReportScope scope, CancellationToken cancellationToken)
    {
        var duties = database.SixthDayDuties.AsNoTracking().Where(d => d.SchoolYearStart == scope.Year).OfSchoolAndPhase(scope);
        if (scope.Term is { } term)
        {
            duties = duties.Where(d => d.Term == term);
        }
        var counts = await duties.GroupBy(_ => 1).Select(g => new
        {
            Met = g.Count(d => d.Arranged && !d.Missed),
            Missed = g.Count(d => d.Missed),
            Pending = g.Count(d => d.Owed && !d.Arranged && !d.Missed),
        }).SingleOrDefaultAsync(cancellationToken);
        var duty = Duty("sixth_day_provision", counts?.Met ?? 0, counts?.Missed ?? 0, counts?.Pending ?? 0, scope);
        if (scope.ListsIdentifiers)
        {
            var misses = await duties.Where(d => d.Missed).OrderBy(d => d.Due).ThenBy(d => d.ExclusionId).ToListAsync(cancellationToken);
            duty.Misses.AddRange(misses.Select(d => Miss(d.ExclusionId, d.Due, d.Holder, d.SchoolUrn)));
        }
        return duty;
    }

    private static async Task<IEnumerable<DutyCompliance>> ReviewDutiesAsync(ReportingDatabase database, ReportScope scope,
        CancellationToken cancellationToken)
    {
        var exclusions = Exclusions(database, scope);
        var counts = await exclusions.GroupBy(_ => 1).Select(g => new
        {
            BoardMet = g.Count(e => e.BoardDecided && !e.BoardMissed),
            BoardMissed = g.Count(e => e.BoardMissed),
            // Every permanent exclusion owes a board meeting; a suspension owes one only in cases Referrals alone knows of.
            BoardPending = g.Count(e => e.Kind == ExclusionKind.PermanentExclusion && !e.BoardDecided && !e.BoardMissed),
            IrpMet = g.Count(e => e.IrpDecided && !e.IrpMissed),
            IrpMissed = g.Count(e => e.IrpMissed),
            IrpPending = g.Count(e => e.IrpRequested && !e.IrpDecided && !e.IrpMissed),
        }).SingleOrDefaultAsync(cancellationToken);
        var board = Duty("governing_board_meeting", counts?.BoardMet ?? 0, counts?.BoardMissed ?? 0, counts?.BoardPending ?? 0, scope);
        var panel = Duty("independent_review_panel", counts?.IrpMet ?? 0, counts?.IrpMissed ?? 0, counts?.IrpPending ?? 0, scope);
        if (scope.ListsIdentifiers)
        {
            var missed = await exclusions.Where(e => e.BoardMissed || e.IrpMissed).OrderBy(e => e.StartDate).ThenBy(e => e.ExclusionId)
                .ToListAsync(cancellationToken);
            board.Misses.AddRange(missed.Where(e => e.BoardMissed).Select(e => Miss(e.ExclusionId, e.BoardDue, e.BoardHolder, e.SchoolUrn)));
            panel.Misses.AddRange(missed.Where(e => e.IrpMissed).Select(e => Miss(e.ExclusionId, e.IrpDue, e.IrpHolder, e.SchoolUrn)));
        }
        return [board, panel];
    }

    private static IQueryable<ExclusionFact> Exclusions(ReportingDatabase database, ReportScope scope)
    {
        var exclusions = database.ExclusionFacts.AsNoTracking().Where(e => e.Recorded && !e.Withdrawn && e.SchoolYearStart == scope.Year).OfSchoolAndPhase(scope);
        if (scope.Term is { } term)
        {
            exclusions = exclusions.Where(e => e.Term == term);
        }
        return exclusions;
    }

    private static async Task OverdueReviewsAsync(ReportingDatabase database, ReportingCalendar calendar, ReportScope scope, DateOnly today,
        Inclusion.Reporting.V1.ComplianceReport report, CancellationToken cancellationToken)
    {
        var timetables = database.PartTimeTimetableFacts.AsNoTracking().Where(t => !t.Ended).OfSchoolAndPhase(scope);
        var (first, last) = (scope.FirstDay, scope.LastDay);
        // A review date is outstanding until a review on or after it is recorded.
        var outstanding = await (
                from timetable in timetables
                join overdue in database.OverdueTimetableReviews on timetable.TimetableId equals overdue.TimetableId
                where (timetable.LastReviewedOn == null || overdue.ReviewDue > timetable.LastReviewedOn)
                    && overdue.ReviewDue >= first && overdue.ReviewDue <= last
                select new { timetable.TimetableId, timetable.PupilId, timetable.SchoolUrn, overdue.ReviewDue })
            .ToListAsync(cancellationToken);
        var earliest = outstanding
            .Where(o => scope.Term is null || calendar.TermOf(o.ReviewDue) == scope.Term)
            .GroupBy(o => o.TimetableId)
            .Select(g => g.MinBy(o => o.ReviewDue)!)
            .OrderBy(o => o.ReviewDue).ThenBy(o => o.TimetableId)
            .ToList();
        report.TimetablesWithOverdueReviews = Figures.Count(earliest.Count, scope.ForPublication);
        if (scope.ListsIdentifiers)
        {
            report.OverdueReviews.AddRange(earliest.Select(o => new Inclusion.Reporting.V1.OverdueTimetableReview
            {
                PartTimeTimetable = "partTimeTimetables/" + o.TimetableId,
                Pupil = o.PupilId is { } pupil ? "pupils/" + pupil : "",
                SchoolUrn = o.SchoolUrn ?? "",
                ReviewDue = ToDate(o.ReviewDue),
                DaysOverdue = Math.Max(0, today.DayNumber - o.ReviewDue.DayNumber),
            }));
        }
    }

    private static async Task SuspensionCapAsync(ReportingDatabase database, ReportingCalendar calendar, ReportScope scope,
        Inclusion.Reporting.V1.ComplianceReport report, CancellationToken cancellationToken)
    {
        var capDays = calendar.SuspensionCapDays(scope.Year);
        var nearSessions = (capDays - NearCapDays) * 2;
        // The cap counts a pupil's suspensions of the year at every school; the pupil belongs to the scope of the
        // school of their latest suspension.
        var suspensions = database.ExclusionFacts.AsNoTracking().Where(e => e.Recorded && !e.Withdrawn && e.SchoolYearStart == scope.Year
            && (e.Kind == ExclusionKind.Suspension || e.Kind == ExclusionKind.LunchtimeSuspension));
        var near = await suspensions.GroupBy(e => e.PupilId)
            .Where(g => g.Sum(e => e.Sessions) >= nearSessions)
            .Select(g => g.Key)
            .ToListAsync(cancellationToken);
        var theirs = await suspensions.Where(e => near.Contains(e.PupilId)).ToListAsync(cancellationToken);
        var pupils = theirs.GroupBy(e => e.PupilId)
            .Select(g =>
            {
                var latest = g.OrderBy(e => e.StartDate).ThenBy(e => e.ExclusionId).Last();
                var days = g.Sum(e => e.Sessions) / 2.0;
                return new PupilNearSuspensionCap
                {
                    Pupil = "pupils/" + g.Key, SchoolUrn = latest.SchoolUrn ?? "", DaysSuspended = days, PastCap = days > capDays,
                    PhaseOfLatest = latest.PhaseGroup,
                };
            })
            .Where(p => (scope.SchoolUrn is null || p.SchoolUrn == scope.SchoolUrn) && (scope.Phase is null || p.PhaseOfLatest == scope.Phase))
            .OrderByDescending(p => p.DaysSuspended).ThenBy(p => p.Pupil, StringComparer.Ordinal)
            .ToList();
        report.SuspensionCapDays = capDays;
        report.PupilsNearCap = Figures.Count(pupils.Count(p => !p.PastCap), scope.ForPublication);
        report.PupilsPastCap = Figures.Count(pupils.Count(p => p.PastCap), scope.ForPublication);
        if (scope.ListsIdentifiers)
        {
            report.Pupils.AddRange(pupils.Select(p => p.ToMessage()));
        }
    }

    private sealed record PupilNearSuspensionCap
    {
        public required string Pupil { get; init; }
        public required string SchoolUrn { get; init; }
        public required double DaysSuspended { get; init; }
        public required bool PastCap { get; init; }
        public ReadModel.ReportPhase? PhaseOfLatest { get; init; }

        public Inclusion.Reporting.V1.PupilNearSuspensionCap ToMessage() =>
            new() { Pupil = Pupil, SchoolUrn = SchoolUrn, DaysSuspended = DaysSuspended, PastCap = PastCap };
    }

    private static DutyCompliance Duty(string name, int met, int missed, int pending, ReportScope scope)
    {
        var duty = new DutyCompliance
        {
            Duty = name,
            MetOnTime = Figures.Count(met, scope.ForPublication),
            Missed = Figures.Count(missed, scope.ForPublication),
            Pending = Figures.Count(pending, scope.ForPublication),
        };
        // The share on time reveals met and missed alike: it is shown only when both are.
        duty.ShareOnTime = duty.Missed.Status == FigureStatus.Suppressed
            ? Figures.Suppressed()
            : Figures.Rate(duty.MetOnTime, met + missed);
        return duty;
    }

    private static MissedDuty Miss(Guid exclusionId, DateOnly? due, string? holder, string? schoolUrn) => new()
    {
        Exclusion = "exclusions/" + exclusionId,
        Due = due is { } day ? ToDate(day) : null,
        Holder = holder ?? "",
        SchoolUrn = schoolUrn ?? "",
    };

    private static Date ToDate(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };
}
