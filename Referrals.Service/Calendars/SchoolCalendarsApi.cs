using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.Referrals.Schools;
using InclusionServices.Referrals.Storage;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using CalendarTerm = InclusionServices.SchoolCalendar.Term;
using SchoolYearCalendar = Inclusion.Referrals.V1.SchoolYearCalendar;
using TermMessage = Inclusion.Referrals.V1.Term;

namespace InclusionServices.Referrals.Calendars;

/// <summary>
/// gRPC surface of the school calendar, which Referrals owns: the shipped local-authority calendar with the
/// overrides managers make here. Every change is published as SchoolCalendarChanged for the other services.
/// </summary>
public sealed class SchoolCalendarsApi(ReferralsDatabase database, SchoolCalendarSource calendars, TimeProvider time)
    : SchoolCalendars.SchoolCalendarsBase
{
    public override async Task<SchoolYearCalendar> GetSchoolYearCalendar(GetSchoolYearCalendarRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        CheckYear(validation, request.SchoolYearStart);
        CheckUrn(validation, request.SchoolUrn, required: false);
        validation.ThrowIfInvalid();
        if (request.SchoolUrn.Length > 0 && !InclusionClaims.MaySee(context.GetHttpContext().User, request.SchoolUrn))
        {
            throw new RecordNotFoundException($"schools/{request.SchoolUrn}");
        }
        await RequireSchoolAsync(request.SchoolUrn, context.CancellationToken);
        return await DescribeAsync(request.SchoolYearStart, request.SchoolUrn, context.CancellationToken);
    }

    public override async Task<SchoolYearCalendar> SetTermDates(SetTermDatesRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        CheckYear(validation, request.SchoolYearStart);
        CheckUrn(validation, request.SchoolUrn, required: false);
        var terms = new List<CalendarTerm>();
        for (var i = 0; i < request.Terms.Count; i++)
        {
            var given = request.Terms[i];
            var field = $"terms[{i}]";
            var named = Enum.TryParse<TermName>(given.Name, ignoreCase: true, out var name) && Enum.IsDefined(name);
            validation.Check(named, field + ".name", "must be autumn, spring or summer");
            var start = validation.RequireDate(given.Start, field + ".start");
            var end = validation.RequireDate(given.End, field + ".end");
            var halfStart = validation.RequireDate(given.HalfTermStart, field + ".half_term_start");
            var halfEnd = validation.RequireDate(given.HalfTermEnd, field + ".half_term_end");
            if (named && start is not null && end is not null && halfStart is not null && halfEnd is not null)
            {
                terms.Add(new CalendarTerm(name, start.Value, end.Value, halfStart.Value, halfEnd.Value));
            }
        }
        if (validation.Violations.Count == 0)
        {
            foreach (var (index, problem) in TermRules.Check(terms, request.SchoolYearStart))
            {
                validation.Check(false, index < 0 ? "terms" : $"terms[{index}]", problem);
            }
        }
        validation.ThrowIfInvalid();
        await RequireSchoolAsync(request.SchoolUrn, context.CancellationToken);

        await ChangeAsync(request.SchoolUrn, request.SchoolYearStart, (_, row) => row.SetTerms(terms), context.CancellationToken);
        return await DescribeAsync(request.SchoolYearStart, request.SchoolUrn, context.CancellationToken);
    }

    public override async Task<SchoolYearCalendar> AddInsetDay(AddInsetDayRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        CheckUrn(validation, request.SchoolUrn, required: true);
        var date = validation.RequireDate(request.Date, "date");
        if (date is not null)
        {
            CheckYear(validation, SchoolYears.Of(date.Value), "date");
        }
        validation.ThrowIfInvalid();
        await RequireSchoolAsync(request.SchoolUrn, context.CancellationToken);

        var year = SchoolYears.Of(date!.Value);
        await ChangeAsync(request.SchoolUrn, year, (before, row) =>
        {
            new RequestValidation()
                .Check(before.For(request.SchoolUrn).IsSchoolDay(date.Value), "date", "must be a school day of this school: an INSET day replaces one")
                .ThrowIfInvalid();
            row.InsetDays = [.. row.InsetDays, date.Value];
        }, context.CancellationToken);
        return await DescribeAsync(year, request.SchoolUrn, context.CancellationToken);
    }

    private void CheckYear(RequestValidation validation, int startYear, string field = "school_year_start") =>
        validation.Check(calendars.ReferenceData.Calendar.Years.Any(y => y.StartYear == startYear), field,
            $"no school calendar is held for {SchoolYears.Label(startYear)}");

    private static void CheckUrn(RequestValidation validation, string urn, bool required) =>
        validation.Check((!required && urn.Length == 0) || SchoolIdentifiers.IsUrn(urn), "school_urn",
            required ? "must be a 6-digit URN" : "must be empty (the local authority) or a 6-digit URN");

    private async Task RequireSchoolAsync(string urn, CancellationToken cancellationToken)
    {
        if (urn.Length > 0 && !await database.Schools.AnyAsync(s => s.Urn == urn, cancellationToken))
        {
            throw new RecordNotFoundException($"schools/{urn}");
        }
    }

    /// <summary>
    /// Changes one override, one change at a time per school and year (each reads the row and writes it back), and
    /// publishes it. A change that would turn the first day of a recorded exclusion into a day without school is
    /// refused, naming the exclusions: their deadlines were counted from that day and must keep meaning what they said.
    /// </summary>
    private async Task ChangeAsync(string urn, int year, Action<LocalAuthorityCalendar, CalendarOverrideRow> change,
        CancellationToken cancellationToken)
    {
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        await database.Database.SerialiseOnAsync("calendar-override", $"{urn}/{year}", cancellationToken);
        var before = await calendars.CalendarAsync(database, cancellationToken);
        var row = await database.CalendarOverrides.SingleOrDefaultAsync(r => r.SchoolUrn == urn && r.SchoolYearStart == year, cancellationToken);
        if (row is null)
        {
            row = new CalendarOverrideRow { SchoolUrn = urn, SchoolYearStart = year };
            database.CalendarOverrides.Add(row);
        }
        change(before, row);
        await RefuseIfExclusionsLoseTheirFirstDayAsync(before, before.WithOverride(row.ToOverride()), urn, year, cancellationToken);

        var subject = urn.Length == 0 ? $"calendars/{year}" : $"schools/{urn}/calendars/{year}";
        database.RecordEvent(row.ToEvent(), subject, time.GetUtcNow());
        await database.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task RefuseIfExclusionsLoseTheirFirstDayAsync(LocalAuthorityCalendar before, LocalAuthorityCalendar after,
        string urn, int year, CancellationToken cancellationToken)
    {
        var query = database.Exclusions.AsNoTracking()
            .Where(e => e.StartDate >= SchoolYears.FirstDate(year) && e.StartDate <= SchoolYears.LastDate(year));
        if (urn.Length > 0)
        {
            query = query.Where(e => e.SchoolUrn == urn);
        }
        var recorded = await query.Select(e => new { e.Id, e.SchoolUrn, e.StartDate }).ToListAsync(cancellationToken);
        var lost = recorded
            .Where(e => before.For(e.SchoolUrn).IsSchoolDay(e.StartDate) && !after.For(e.SchoolUrn).IsSchoolDay(e.StartDate))
            .OrderBy(e => e.StartDate)
            .ToList();
        if (lost.Count > 0)
        {
            throw new PreconditionFailedException(
                $"This change would make the first day of {lost.Count} recorded exclusion(s) a day without school: " +
                string.Join(", ", lost.Take(20).Select(e => $"exclusions/{e.Id} (starts {e.StartDate:yyyy-MM-dd})")) +
                (lost.Count > 20 ? $" and {lost.Count - 20} more" : "") +
                ". Their deadlines were counted from that day; correct those records first.");
        }
    }

    private async Task<SchoolYearCalendar> DescribeAsync(int year, string urn, CancellationToken cancellationToken)
    {
        var calendar = await calendars.CalendarAsync(database, cancellationToken);
        var days = calendar.For(urn.Length == 0 ? null : urn);
        var fileYear = calendars.ReferenceData.Calendar.Years.Single(y => y.StartYear == year);
        var terms = days.TermsOf(year);
        var response = new SchoolYearCalendar
        {
            SchoolYearStart = year,
            SchoolUrn = urn,
            Status = fileYear.Status,
            SchoolDays = days.SchoolDaysIn(year),
            OwnTerms = !ReferenceEquals(terms, fileYear.Terms),
        };
        response.Terms.AddRange(terms.Select(t => new TermMessage
        {
            Name = t.Name.ToString().ToLowerInvariant(),
            Start = t.Start.ToProtoDate(),
            End = t.End.ToProtoDate(),
            HalfTermStart = t.HalfTermStart.ToProtoDate(),
            HalfTermEnd = t.HalfTermEnd.ToProtoDate(),
        }));
        response.BankHolidays.AddRange(fileYear.BankHolidays.OrderBy(b => b.Key)
            .Select(b => new BankHoliday { Date = b.Key.ToProtoDate(), Name = b.Value }));
        response.InsetDays.AddRange(days.InsetDaysOf(year).Order().Select(d => d.ToProtoDate()));
        return response;
    }
}
