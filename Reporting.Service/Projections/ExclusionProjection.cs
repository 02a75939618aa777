using System.Globalization;
using Inclusion.Events.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using ExclusionKind = InclusionServices.Reporting.ReadModel.ExclusionKind;

namespace InclusionServices.Reporting.Projections;

/// <summary>
/// Suspensions and permanent exclusions for the exclusions, disproportionality and compliance reports. An exclusion
/// is counted once, when its recorded event is first applied: its row is marked recorded and, in the same statement,
/// one is added to each of its counts (by school and for all schools, under every attribute). Review steps and missed
/// deadlines only set flags on the row, whatever order they come in.
/// </summary>
public static class ExclusionProjection
{
    // Missed deadlines Reporting follows, as Referrals names them.
    private const string BoardMeeting = "GoverningBoardMeeting";
    private const string IrpMeeting = "IrpMeeting";

    public static Task ApplyAsync(ReportingDatabase database, ReportingCalendar calendar, ExclusionChanged changed,
        CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(changed.Exclusion)!.Value;
        return changed.Step switch
        {
            ExclusionStep.SuspensionRecorded or ExclusionStep.PermanentExclusionRecorded => RecordAsync(database, calendar, id, changed, cancellationToken),
            ExclusionStep.BoardDecision => SetFlagAsync(database, id, "board_decided", cancellationToken),
            ExclusionStep.IrpRequested => SetFlagAsync(database, id, "irp_requested", cancellationToken),
            ExclusionStep.IrpDecided => SetFlagAsync(database, id, "irp_decided", cancellationToken),
            ExclusionStep.Withdrawn => WithdrawAsync(database, id, cancellationToken),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>An internal exclusion: one more, and its sessions, under its school and under all schools, in its own table.</summary>
    public static Task ApplyAsync(ReportingDatabase database, ReportingCalendar calendar, InternalExclusionRecorded recorded,
        CancellationToken cancellationToken)
    {
        var date = ReportingCalendar.Date(recorded.Date) ?? throw new InvalidOperationException($"{recorded.InternalExclusion} came without its day.");
        var place = Place.Of(calendar, date, recorded.Pupil);
        var kind = recorded.Kind;
        return database.Database.ExecuteSqlAsync($"""
            INSERT INTO internal_exclusion_counts (school_year_start, school_urn, phase_group, term, kind, records, sessions)
            SELECT {place.Year}, urn, {place.Phase}, {place.Term}, {kind}, 1, {recorded.Sessions}
            FROM unnest(ARRAY[{place.Urn}, {ExclusionCount.AllSchools}]) AS urn
            ON CONFLICT (school_year_start, school_urn, phase_group, term, kind) DO UPDATE SET
                records = internal_exclusion_counts.records + 1, sessions = internal_exclusion_counts.sessions + excluded.sessions
            """, cancellationToken);
    }

    public static async Task ApplyAsync(ReportingDatabase database, DeadlineMissed missed, CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(missed.Exclusion)!.Value;
        var due = ReportingCalendar.Date(missed.Due);
        var sql = missed.Deadline switch
        {
            BoardMeeting => "INSERT INTO exclusion_facts (exclusion_id, board_missed, board_due, board_holder) VALUES ({0}, true, {1}, {2}) " +
                            "ON CONFLICT (exclusion_id) DO UPDATE SET board_missed = true, board_due = excluded.board_due, board_holder = excluded.board_holder",
            IrpMeeting => "INSERT INTO exclusion_facts (exclusion_id, irp_missed, irp_due, irp_holder) VALUES ({0}, true, {1}, {2}) " +
                          "ON CONFLICT (exclusion_id) DO UPDATE SET irp_missed = true, irp_due = excluded.irp_due, irp_holder = excluded.irp_holder",
            // Other deadlines (the parents' own time limits) are not duties of the school or the council.
            _ => null,
        };
        if (sql is not null && due is not null)
        {
            await database.Database.ExecuteSqlRawAsync(sql, [id, due.Value, missed.Holder], cancellationToken);
        }
    }

    private static async Task RecordAsync(ReportingDatabase database, ReportingCalendar calendar, Guid id, ExclusionChanged changed,
        CancellationToken cancellationToken)
    {
        var start = ReportingCalendar.Date(changed.StartDate) ?? throw new InvalidOperationException($"{changed.Exclusion} came without its first day.");
        var place = Place.Of(calendar, start, changed.Pupil);
        var kind = KindOf(changed.Kind).ToString();
        var pupilId = ReportingCalendar.IdOf(changed.Pupil.Pupil)!.Value;
        var (urns, dimensions, groups) = Counts(changed);
        // A withdrawal that arrived first leaves nothing to count or owe.
        if (await database.ExclusionFacts.AnyAsync(f => f.ExclusionId == id && f.Withdrawn, cancellationToken))
        {
            return;
        }
        // The duty first: the counts below are rows every exclusion adds to, locked until this event commits.
        if (ReportingCalendar.Date(changed.SixthDayProvisionDue) is { } due)
        {
            await SixthDayProjection.OweAsync(database, calendar, id, due, changed.SixthDayProvisionHolder, place, cancellationToken);
        }
        await database.Database.ExecuteSqlAsync($"""
            WITH changed AS (
                INSERT INTO exclusion_facts (exclusion_id, recorded, kind, pupil_id, school_urn, phase_group, school_year_start, term,
                                             start_date, sessions, counted_urns, counted_dimensions, counted_groups)
                VALUES ({id}, true, {kind}, {pupilId}, {place.Urn}, {place.Phase}, {place.Year}, {place.Term}, {start}, {changed.Sessions},
                        {urns}, {dimensions}, {groups})
                ON CONFLICT (exclusion_id) DO UPDATE SET recorded = true, kind = excluded.kind, pupil_id = excluded.pupil_id,
                    school_urn = excluded.school_urn, phase_group = excluded.phase_group, school_year_start = excluded.school_year_start,
                    term = excluded.term, start_date = excluded.start_date, sessions = excluded.sessions,
                    counted_urns = excluded.counted_urns, counted_dimensions = excluded.counted_dimensions, counted_groups = excluded.counted_groups
                WHERE NOT exclusion_facts.recorded AND NOT exclusion_facts.withdrawn
                RETURNING exclusion_id)
            INSERT INTO exclusion_counts (school_year_start, school_urn, phase_group, term, kind, dimension, group_value, exclusions)
            SELECT {place.Year}, x.urn, {place.Phase}, {place.Term}, {kind}, x.dimension, x.group_value, 1
            FROM changed, unnest({urns}, {dimensions}, {groups}) AS x(urn, dimension, group_value)
            ON CONFLICT (school_year_start, school_urn, phase_group, term, kind, dimension, group_value) DO UPDATE SET
                exclusions = exclusion_counts.exclusions + 1
            """, cancellationToken);
    }

    /// <summary>
    /// The head teacher withdrew it: marked once, its counts taken back by the keys it was counted under, and a sixth-day
    /// duty that was neither arranged nor missed yet is owed no more.
    /// </summary>
    private static async Task WithdrawAsync(ReportingDatabase database, Guid id, CancellationToken cancellationToken)
    {
        await database.Database.ExecuteSqlAsync($"""
            WITH withdrawn AS (
                INSERT INTO exclusion_facts (exclusion_id, withdrawn) VALUES ({id}, true)
                ON CONFLICT (exclusion_id) DO UPDATE SET withdrawn = true WHERE NOT exclusion_facts.withdrawn
                RETURNING recorded, school_year_start, phase_group, term, kind, counted_urns, counted_dimensions, counted_groups)
            UPDATE exclusion_counts c SET exclusions = c.exclusions - 1
            FROM withdrawn w, unnest(w.counted_urns, w.counted_dimensions, w.counted_groups) AS x(urn, dimension, group_value)
            WHERE w.recorded AND c.school_year_start = w.school_year_start AND c.school_urn = x.urn AND c.phase_group = w.phase_group
              AND c.term = w.term AND c.kind = w.kind AND c.dimension = x.dimension AND c.group_value = x.group_value
            """, cancellationToken);
        await database.Database.ExecuteSqlAsync(
            $"DELETE FROM sixth_day_duties WHERE exclusion_id = {id} AND NOT arranged AND NOT missed", cancellationToken);
    }

    /// <summary>The counts one exclusion adds to, under its school and under all schools.</summary>
    private static (string[] Urns, string[] Dimensions, string[] Groups) Counts(ExclusionChanged changed)
    {
        var pupil = changed.Pupil;
        var attributes = new List<(string Dimension, string Group)>
        {
            (ExclusionDimensions.Total, ExclusionDimensions.AllGroup),
            (ExclusionDimensions.YearGroup, pupil.YearGroup.ToString(CultureInfo.InvariantCulture)),
            (ExclusionDimensions.SenStatus, SenGroup(pupil.SenStatus)),
            (ExclusionDimensions.FreeSchoolMeals, pupil.FreeSchoolMeals ? "ELIGIBLE" : "NOT_ELIGIBLE"),
            (ExclusionDimensions.Sex, pupil.Sex is { Length: > 0 } sex ? sex : ExclusionDimensions.Unclassified),
            (ExclusionDimensions.Ethnicity, pupil.EthnicityCode is { Length: > 0 } code ? code : ExclusionDimensions.Unclassified),
        };
        attributes.AddRange(changed.ReasonCodes.Distinct().Select(code => (ExclusionDimensions.Reason, code)));
        var urns = new List<string>();
        var dimensions = new List<string>();
        var groups = new List<string>();
        foreach (var urn in new[] { pupil.SchoolUrn, ExclusionCount.AllSchools })
        {
            foreach (var (dimension, group) in attributes)
            {
                urns.Add(urn);
                dimensions.Add(dimension);
                groups.Add(group);
            }
        }
        return ([.. urns], [.. dimensions], [.. groups]);
    }

    public static string SenGroup(SenStatus status) =>
        status == SenStatus.Unspecified ? ExclusionDimensions.Unclassified : ProtoEnums.ShortName(status);

    private static ExclusionKind KindOf(ExclusionEventKind kind) => kind switch
    {
        ExclusionEventKind.Suspension => ExclusionKind.Suspension,
        ExclusionEventKind.LunchtimeSuspension => ExclusionKind.LunchtimeSuspension,
        ExclusionEventKind.PermanentExclusion => ExclusionKind.PermanentExclusion,
        _ => throw new InvalidOperationException($"An exclusion event gave no kind Reporting knows: {kind}."),
    };

    private static Task SetFlagAsync(ReportingDatabase database, Guid id, string flag, CancellationToken cancellationToken) =>
        database.Database.ExecuteSqlRawAsync(flag switch
        {
            "board_decided" => "INSERT INTO exclusion_facts (exclusion_id, board_decided) VALUES ({0}, true) ON CONFLICT (exclusion_id) DO UPDATE SET board_decided = true",
            "irp_requested" => "INSERT INTO exclusion_facts (exclusion_id, irp_requested) VALUES ({0}, true) ON CONFLICT (exclusion_id) DO UPDATE SET irp_requested = true",
            "irp_decided" => "INSERT INTO exclusion_facts (exclusion_id, irp_decided) VALUES ({0}, true) ON CONFLICT (exclusion_id) DO UPDATE SET irp_decided = true",
            _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, "not a review step of an exclusion"),
        }, [id], cancellationToken);
}

/// <summary>The attributes exclusions are counted by, as exclusion_counts names them.</summary>
public static class ExclusionDimensions
{
    public const string Total = "total";
    public const string AllGroup = "all";
    public const string Reason = "reason";
    public const string YearGroup = "year_group";
    public const string SenStatus = "sen_status";
    public const string FreeSchoolMeals = "free_school_meals";
    public const string Sex = "sex";
    public const string Ethnicity = "ethnicity";
    // Breakdowns read from the counted rows' own keys rather than stored as dimensions.
    public const string PhaseGroup = "phase_group";
    public const string Term = "term";
    public const string School = "school";
    /// <summary>The group of an attribute the event left empty (no ethnicity given, say).</summary>
    public const string Unclassified = "UNCLASSIFIED";
}
