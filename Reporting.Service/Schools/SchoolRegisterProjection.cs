using Inclusion.Events.V1;
using InclusionServices.EventBus;
using InclusionServices.Reporting.ExclusionPrevention;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Schools;

/// <summary>Keeps Reporting's list of schools and their report phase from Referrals' SchoolRegistered events.</summary>
public sealed class SchoolRegisterProjection(ReportingDatabase database, TimeProvider time)
    : IdempotentConsumer<SchoolRegistered, ReportingDatabase>(database, time)
{
    protected override async Task ApplyAsync(SchoolRegistered registered, CancellationToken cancellationToken)
    {
        var phase = ReportPhaseOf(registered.Phase);
        var school = await Database.Schools.SingleOrDefaultAsync(s => s.Urn == registered.SchoolUrn, cancellationToken);
        if (school is null)
        {
            Database.Schools.Add(new ReportingSchool { Urn = registered.SchoolUrn, Phase = phase });
        }
        else
        {
            school.Phase = phase;
        }
    }

    /// <summary>Reports put special schools with secondary, as the team's chart does; AP settings go with secondary too.</summary>
    public static ReportPhase ReportPhaseOf(SchoolPhase phase) => phase switch
    {
        SchoolPhase.Primary => ReportPhase.Primary,
        SchoolPhase.Secondary or SchoolPhase.Special or SchoolPhase.AlternativeProvision => ReportPhase.SecondaryAndSpecial,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "A registered school must have a phase."),
    };
}
