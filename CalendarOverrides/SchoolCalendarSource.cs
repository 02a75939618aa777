using Inclusion.Events.V1;
using InclusionServices.EventBus;
using InclusionServices.SchoolCalendar;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InclusionServices.CalendarOverrides;

/// <summary>The shipped calendar and rules with the overrides a service holds: where every deadline is counted.</summary>
public sealed class SchoolCalendarSource(ReferenceData referenceData)
{
    public ReferenceData ReferenceData { get; } = referenceData;

    /// <summary>Whether the shipped data holds the local authority's calendar for this school year.</summary>
    public bool HoldsYear(int schoolYearStart) => ReferenceData.Calendar.Years.Any(y => y.StartYear == schoolYearStart);

    public async Task<LocalAuthorityCalendar> CalendarAsync<TDatabase>(TDatabase database, CancellationToken cancellationToken)
        where TDatabase : DbContext, ICalendarOverrideStore
    {
        var rows = await database.CalendarOverrides.AsNoTracking().ToListAsync(cancellationToken);
        return new LocalAuthorityCalendar(ReferenceData.Calendar.Years, rows.Select(r => r.ToOverride()));
    }

    public async Task<StatutoryDeadlines> DeadlinesAsync<TDatabase>(TDatabase database, CancellationToken cancellationToken)
        where TDatabase : DbContext, ICalendarOverrideStore =>
        new(await CalendarAsync(database, cancellationToken), ReferenceData.Rules);
}

public static class SchoolCalendarRegistration
{
    /// <summary>
    /// Reads the shipped calendar and statutory rules now, so that an invalid file stops start-up with its file,
    /// line and reason instead of surfacing on the first deadline.
    /// </summary>
    public static IHostApplicationBuilder AddSchoolCalendar(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new SchoolCalendarSource(ReferenceData.Load(builder.Configuration["SchoolCalendar:DataDirectory"])));
        return builder;
    }
}

/// <summary>Keeps a service's copy of the calendar overrides Referrals publishes.</summary>
public sealed class SchoolCalendarChangedConsumer<TDatabase>(TDatabase database, TimeProvider time)
    : IdempotentConsumer<SchoolCalendarChanged, TDatabase>(database, time)
    where TDatabase : ServiceDatabase, ICalendarOverrideStore
{
    /// <summary>
    /// Keeps the newest override: an older change arriving late (or at the same moment on another consumer) changes
    /// nothing, decided by one conditional statement rather than a read and a write.
    /// </summary>
    protected override async Task ApplyAsync(SchoolCalendarChanged changed, CancellationToken cancellationToken)
    {
        var row = new CalendarOverrideRow { SchoolUrn = changed.SchoolUrn, SchoolYearStart = changed.SchoolYearStart };
        row.SetTerms(CalendarOverrideRow.TermsFrom(changed));
        var insetDays = changed.InsetDays.Select(CalendarOverrideRow.ToDate).ToArray();
        var sequence = changed.Metadata.Sequence;
        await Database.Database.ExecuteSqlAsync($"""
            INSERT INTO calendar_overrides (school_urn, school_year_start, terms_json, inset_days, source_sequence)
            VALUES ({row.SchoolUrn}, {row.SchoolYearStart}, {row.TermsJson}::jsonb, {insetDays}, {sequence})
            ON CONFLICT (school_urn, school_year_start) DO UPDATE
            SET terms_json = excluded.terms_json, inset_days = excluded.inset_days, source_sequence = excluded.source_sequence
            WHERE calendar_overrides.source_sequence < excluded.source_sequence
            """, cancellationToken);
    }
}
