using System.Security.Claims;
using Grpc.Core;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.ServiceDefaults;
using ReportPhase = InclusionServices.Reporting.ReadModel.ReportPhase;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// What a report covers and what it may show, from the request and the caller: a school user always gets its own
/// school's figures; identifiers are listed only to officers, managers and a school (its own), and never in a report
/// for publication; officers' caseloads only to officers and managers.
/// </summary>
public sealed record ReportScope(int Year, string? SchoolUrn, ReportPhase? Phase, ReportTerm? Term, bool ForPublication,
    bool ListsIdentifiers, bool ShowsCaseloads)
{
    // The suite's records start with the 2019/20 school year (the seed's figures).
    public const int FirstSchoolYear = 2019;
    public const int LastSchoolYear = 2100;

    public static ReportScope From(ReportRequest? request, ServerCallContext context)
    {
        request ??= new ReportRequest();
        var user = context.GetHttpContext().User;
        var ownSchool = InclusionClaims.SchoolUrnOf(user);
        var validation = new RequestValidation()
            .Check(request.SchoolYearStart is >= FirstSchoolYear and <= LastSchoolYear, "school_year_start",
                $"must be a school year from {FirstSchoolYear} (for {FirstSchoolYear}/{(FirstSchoolYear + 1) % 100:00}) to {LastSchoolYear}")
            .Check(request.SchoolUrn.Length == 0 || (request.SchoolUrn.Length == 6 && request.SchoolUrn.All(char.IsAsciiDigit)),
                "school_urn", "must be a school's 6-digit URN, or empty for every school")
            .Check(Enum.IsDefined(request.PhaseGroup), "phase_group", "must be primary or secondary and special, or unspecified for both")
            .Check(Enum.IsDefined(request.Term), "term", "must be autumn, spring or summer, or unspecified for the whole year");
        validation.ThrowIfInvalid();
        if (ownSchool is not null && request.SchoolUrn.Length > 0 && request.SchoolUrn != ownSchool)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "A school user sees only its own school's figures."));
        }

        var seesAll = user.IsInRole(InclusionRoles.Officer) || user.IsInRole(InclusionRoles.Manager);
        return new ReportScope(
            request.SchoolYearStart,
            ownSchool ?? (request.SchoolUrn.Length > 0 ? request.SchoolUrn : null),
            ownSchool is null && request.PhaseGroup != Inclusion.Reporting.V1.ReportPhase.Unspecified ? (ReportPhase)request.PhaseGroup : null,
            request.Term == Inclusion.Reporting.V1.Term.Unspecified ? null : (ReportTerm)request.Term,
            request.ForPublication,
            ListsIdentifiers: !request.ForPublication && (seesAll || ownSchool is not null),
            ShowsCaseloads: !request.ForPublication && seesAll && ownSchool is null);
    }

    public Inclusion.Reporting.V1.ReportScope ToMessage() => new()
    {
        SchoolYearStart = Year,
        SchoolUrn = SchoolUrn ?? "",
        PhaseGroup = Phase is { } phase ? (Inclusion.Reporting.V1.ReportPhase)phase : Inclusion.Reporting.V1.ReportPhase.Unspecified,
        Term = Term is { } term ? (Inclusion.Reporting.V1.Term)term : Inclusion.Reporting.V1.Term.Unspecified,
        ForPublication = ForPublication,
    };

    public DateOnly FirstDay => SchoolCalendar.SchoolYears.FirstDate(Year);
    public DateOnly LastDay => SchoolCalendar.SchoolYears.LastDate(Year);

    /// <summary>Whether a day falls in the scope's school year (and term, where one is asked for).</summary>
    public bool Covers(DateOnly? day, ReportingCalendar calendar) =>
        day is { } d && d >= FirstDay && d <= LastDay && (Term is null || calendar.TermOf(d) == Term);
}

public static class ReportScopeQueries
{
    /// <summary>The facts of the scope's school, or of its phase group's schools (filtered in the database).</summary>
    public static IQueryable<T> OfSchoolAndPhase<T>(this IQueryable<T> facts, ReportScope scope) where T : class, IPlacedFact
    {
        if (scope.SchoolUrn is { } urn)
        {
            facts = facts.Where(f => f.SchoolUrn == urn);
        }
        if (scope.Phase is { } phase)
        {
            facts = facts.Where(f => f.PhaseGroup == phase);
        }
        return facts;
    }
}
