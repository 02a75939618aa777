using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static InclusionServices.SchoolCalendar.Tests.ShippedData;

namespace InclusionServices.SchoolCalendar.Tests;

/// <summary>Laws that hold for every date and count in the shipped calendars, for any school.</summary>
public sealed class CalendarProperties
{
    private static readonly DateOnly First = D("2019-08-01");
    // Far enough from the end of 2026/27 that 60 school days on still fall inside the data.
    private const int Span = 2650;
    private static readonly string?[] Schools = [null, SchoolWithInsetDays, AcademyWithOwnTerms];

    private static Arbitrary<(DateOnly Date, int Count, string? School)> Cases() =>
        (from offset in Gen.Choose(0, Span)
         from count in Gen.Choose(1, 60)
         from school in Gen.Elements(Schools)
         select (First.AddDays(offset), count, school)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property The_nth_school_day_after_a_date_is_a_school_day_exactly_n_school_days_later() =>
        Prop.ForAll(Cases(), c =>
        {
            var days = Calendar.For(c.School);
            var nth = days.NthSchoolDayAfter(c.Date, c.Count);
            return days.IsSchoolDay(nth) && days.SchoolDaysBetween(c.Date, nth) == c.Count && nth > c.Date;
        });

    [Property(MaxTest = 300)]
    public Property Counting_is_the_inverse_of_stepping() =>
        Prop.ForAll(Cases(), c =>
        {
            var days = Calendar.For(c.School);
            var target = c.Date.AddDays(c.Count);
            var counted = days.SchoolDaysBetween(c.Date, target);
            // Stepping the counted number of school days lands on the last school day at or before the target.
            return counted == 0 || (days.NthSchoolDayAfter(c.Date, counted) is var landed
                && landed <= target && days.SchoolDaysBetween(landed, target) == 0);
        });

    [Property(MaxTest = 300)]
    public Property No_deadline_ever_falls_on_a_day_that_is_not_a_school_day() =>
        Prop.ForAll(Cases(), Gen.Elements(ExclusionKind.Suspension, ExclusionKind.LunchtimeSuspension, ExclusionKind.PermanentExclusion).ToArbitrary(),
            (c, kind) =>
            {
                var days = Calendar.For(c.School);
                var start = days.IsSchoolDay(c.Date) ? c.Date : days.NthSchoolDayAfter(c.Date, 1);
                var later = days.NthSchoolDayAfter(start, c.Count % 20 + 1);
                var report = Deadlines.For(new ExclusionFacts(kind, start,
                    Sessions: kind == ExclusionKind.LunchtimeSuspension ? 1 : c.Count % 30 + 1,
                    SchoolUrn: c.School,
                    SessionsSuspendedThisTermBefore: c.Count % 40,
                    ParentsMadeRepresentations: c.Count % 2 == 0,
                    PublicExamMissed: c.Count % 3 == 0 ? later : null,
                    BoardDecisionNotified: later, IrpApplied: later, IrpDecisionNotified: later));
                // Parents are told on the first day, itself a school day; every other deadline is a counted school day.
                return report.Deadlines.All(d => days.IsSchoolDay(d.Date) && d.Date >= start);
            });
}
