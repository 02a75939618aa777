using System.Text.Json;
using Inclusion.Events.V1;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.CalendarOverrides;

/// <summary>A school's (or the local authority's) changes to one school year's calendar, as stored by a service.</summary>
public sealed class CalendarOverrideRow
{
    /// <summary>The school's URN, or "" for the local authority.</summary>
    public string SchoolUrn { get; set; } = "";
    public int SchoolYearStart { get; set; }
    /// <summary>The school's own terms as JSON, or null when it keeps the local authority's.</summary>
    public string? TermsJson { get; set; }
    public List<DateOnly> InsetDays { get; set; } = [];
    /// <summary>The sequence number of the Referrals event this row last came from: an older event never overwrites it.</summary>
    public long SourceSequence { get; set; }

    public SchoolCalendarOverride ToOverride() => new(SchoolUrn, SchoolYearStart,
        TermsJson is null ? null : JsonSerializer.Deserialize<List<Term>>(TermsJson),
        InsetDays.ToHashSet());

    public void SetTerms(IReadOnlyList<Term>? terms) => TermsJson = terms is null ? null : JsonSerializer.Serialize(terms);

    public SchoolCalendarChanged ToEvent()
    {
        var changed = new SchoolCalendarChanged { SchoolUrn = SchoolUrn, SchoolYearStart = SchoolYearStart };
        changed.Terms.AddRange((ToOverride().Terms ?? []).Select(t => new CalendarTerm
        {
            Name = t.Name.ToString().ToLowerInvariant(),
            Start = t.Start.ToProtoDate(),
            End = t.End.ToProtoDate(),
            HalfTermStart = t.HalfTermStart.ToProtoDate(),
            HalfTermEnd = t.HalfTermEnd.ToProtoDate(),
        }));
        changed.InsetDays.AddRange(InsetDays.Order().Select(d => d.ToProtoDate()));
        return changed;
    }

    public static List<Term>? TermsFrom(SchoolCalendarChanged changed) => changed.Terms.Count == 0
        ? null
        : changed.Terms.Select(t => new Term(Enum.Parse<TermName>(t.Name, ignoreCase: true),
            ToDate(t.Start), ToDate(t.End), ToDate(t.HalfTermStart), ToDate(t.HalfTermEnd))).ToList();

    public static DateOnly ToDate(Google.Type.Date date) => new(date.Year, date.Month, date.Day);
}

/// <summary>A service database that keeps calendar overrides.</summary>
public interface ICalendarOverrideStore
{
    DbSet<CalendarOverrideRow> CalendarOverrides { get; }
}

public static class CalendarOverrideModel
{
    public static ModelBuilder AddCalendarOverrides(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CalendarOverrideRow>(row =>
        {
            row.ToTable("calendar_overrides");
            row.HasKey(r => new { r.SchoolUrn, r.SchoolYearStart });
            row.Property(r => r.SchoolUrn).HasMaxLength(6);
            row.Property(r => r.TermsJson).HasColumnType("jsonb");
        });
        return modelBuilder;
    }
}
