using InclusionServices.KnownPupils;
using InclusionServices.Placements.Providers;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Placements.Placements;

public enum PlacementKind
{
    Preventative = 1,
    Interim = 2,
    SixthDayProvision = 3,
    LongTermAlternativeProvision = 4,
    ManagedMove = 5,
    DualRegistration = 6,
    Reintegration = 7,
}

public enum PlacementStatus
{
    Proposed = 1,
    Agreed = 2,
    Started = 3,
    Ended = 4,
    Withdrawn = 5,
}

public enum PlacementOutcome
{
    ReintegratedToMainstream = 1,
    NewSchool = 2,
    RemainedInAlternativeProvision = 3,
    Other = 4,
}

public sealed record PlacementReview(DateOnly ReviewedOn, string? Notes);

/// <summary>When and how much: the days a placement covers and its hours.</summary>
public sealed record PlacementTerms(DateOnly? StartDate, DateOnly? EndDate, bool FullTime, decimal? HoursPerWeek, int ReviewEverySchoolWeeks)
{
    public const int DefaultReviewEverySchoolWeeks = 6;
}

/// <summary>
/// A pupil's placement with a provider: proposed, agreed (taking one of the provider's places), started, reviewed on
/// a schedule, ended with an outcome; or withdrawn before it started.
/// </summary>
public sealed class Placement : IBelongsToSchool
{
    private Placement() { }

    public Guid Id { get; private set; }
    public PlacementKind Kind { get; private set; }
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public PupilSnapshot Pupil { get; private set; } = null!;
    public Guid? ProviderId { get; private set; }
    public DateOnly? StartDate { get; private set; }
    public DateOnly? EndDate { get; private set; }
    public bool FullTime { get; private set; }
    public decimal? HoursPerWeek { get; private set; }
    public int ReviewEverySchoolWeeks { get; private set; }
    public PlacementStatus Status { get; private set; }
    public List<PlacementReview> Reviews { get; private set; } = [];
    public PlacementOutcome? Outcome { get; private set; }
    public string? WithdrawnReason { get; private set; }
    /// <summary>What proposed it, when not a person: panelCases/{id}.</summary>
    public string? Source { get; private set; }
    public List<string> Warnings { get; private set; } = [];
    public uint Version { get; private set; }

    /// <summary>Whether it holds one of its provider's places: agreed or started, not ended.</summary>
    public bool TakesAPlace => Status is PlacementStatus.Agreed or PlacementStatus.Started;

    public static Placement Propose(PlacementKind kind, PupilSnapshot pupil, Guid? providerId, PlacementTerms terms, string? source)
    {
        CheckTerms(kind, terms, requireDates: false);
        return new Placement
        {
            Id = Guid.CreateVersion7(), Kind = kind, PupilId = pupil.PupilId, SchoolUrn = pupil.SchoolUrn, Pupil = pupil, ProviderId = providerId,
            StartDate = terms.StartDate, EndDate = terms.EndDate, FullTime = terms.FullTime, HoursPerWeek = terms.HoursPerWeek,
            ReviewEverySchoolWeeks = terms.ReviewEverySchoolWeeks, Status = PlacementStatus.Proposed, Source = source,
        };
    }

    /// <summary>
    /// Everyone has agreed: the placement takes one of the provider's places. Refused when none is left or when it
    /// would overlap another full-time placement of the pupil; an unregistered provider's limits give warnings.
    /// </summary>
    public void Agree(Provider provider, PlacementTerms terms, int placesTaken, IReadOnlyList<Placement> pupilsOtherPlacements,
        int providersFullTimePupils)
    {
        RequireStatus(PlacementStatus.Proposed, "agreed");
        CheckTerms(Kind, terms, requireDates: true);
        if (placesTaken >= provider.Capacity)
        {
            throw new PreconditionFailedException(
                $"{provider.Name} has no place left: all {provider.Capacity} are taken by agreed or started placements.");
        }
        if (terms.FullTime && pupilsOtherPlacements.FirstOrDefault(other => other.Id != Id && other.TakesAPlace && other.FullTime
                && Overlaps(other.StartDate!.Value, other.EndDate, terms.StartDate!.Value, terms.EndDate)) is { } clash)
        {
            throw new PreconditionFailedException(
                $"The pupil already has a full-time placement (placements/{clash.Id}) over some of the same days; end or change it first.");
        }
        ProviderId = provider.Id;
        (StartDate, EndDate, FullTime, HoursPerWeek, ReviewEverySchoolWeeks) =
            (terms.StartDate, terms.EndDate, terms.FullTime, terms.HoursPerWeek, terms.ReviewEverySchoolWeeks);
        Warnings = [.. UnregisteredProvision.Warnings(provider, this, providersFullTimePupils)];
        Status = PlacementStatus.Agreed;
    }

    public void Start(DateOnly startedOn)
    {
        RequireStatus(PlacementStatus.Agreed, "started");
        StartDate = startedOn;
        Status = PlacementStatus.Started;
    }

    public void Review(DateOnly reviewedOn, string? notes)
    {
        RequireStatus(PlacementStatus.Started, "reviewed");
        if (reviewedOn < StartDate)
        {
            throw new PreconditionFailedException("A placement cannot be reviewed before it started.");
        }
        Reviews.Add(new PlacementReview(reviewedOn, notes));
    }

    public void End(DateOnly endedOn, PlacementOutcome outcome)
    {
        RequireStatus(PlacementStatus.Started, "ended");
        if (endedOn < StartDate)
        {
            throw new PreconditionFailedException("A placement cannot end before it started.");
        }
        EndDate = endedOn;
        Outcome = outcome;
        Status = PlacementStatus.Ended;
    }

    public void Withdraw(string reason)
    {
        if (Status is not (PlacementStatus.Proposed or PlacementStatus.Agreed))
        {
            throw new PreconditionFailedException($"A placement that is {Status.ToString().ToLowerInvariant()} cannot be withdrawn; end it instead.");
        }
        WithdrawnReason = reason;
        Status = PlacementStatus.Withdrawn;
    }

    /// <summary>The day reviews count from: the last review, else the start.</summary>
    public DateOnly? ReviewsCountFrom => Reviews.Count > 0 ? Reviews.Max(r => r.ReviewedOn) : StartDate;

    /// <summary>Whether the placement has begun (or will) by <paramref name="day"/> and not ended before it.</summary>
    public bool CoversDay(DateOnly day) => TakesAPlace && StartDate <= day && (EndDate is null || EndDate >= day);

    private static void CheckTerms(PlacementKind kind, PlacementTerms terms, bool requireDates)
    {
        var violations = new List<FieldViolation>();
        if (requireDates && terms.StartDate is null)
        {
            violations.Add(new FieldViolation("start_date", "is required to agree a placement"));
        }
        if (kind == PlacementKind.ManagedMove && terms.EndDate is not null)
        {
            violations.Add(new FieldViolation("end_date", "a managed move is permanent, never a trial: it has no planned end"));
        }
        if (requireDates && kind != PlacementKind.ManagedMove && terms.EndDate is null)
        {
            violations.Add(new FieldViolation("end_date", "a planned end is required for this kind of placement"));
        }
        if (terms.StartDate is { } start && terms.EndDate is { } end && end < start)
        {
            violations.Add(new FieldViolation("end_date", "must not be before the start"));
        }
        if (!terms.FullTime && terms.HoursPerWeek is not > 0)
        {
            violations.Add(new FieldViolation("hours_per_week", "give the hours a week of a part-time placement"));
        }
        if (terms.ReviewEverySchoolWeeks is < 1 or > 52)
        {
            violations.Add(new FieldViolation("review_every_school_weeks", "must be from 1 to 52"));
        }
        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }
    }

    private static bool Overlaps(DateOnly start, DateOnly? end, DateOnly otherStart, DateOnly? otherEnd) =>
        start <= (otherEnd ?? DateOnly.MaxValue) && otherStart <= (end ?? DateOnly.MaxValue);

    private void RequireStatus(PlacementStatus expected, string what)
    {
        if (Status != expected)
        {
            throw new PreconditionFailedException($"A placement that is {Status.ToString().ToLowerInvariant()} cannot be {what}.");
        }
    }
}

/// <summary>
/// An unregistered provider may not teach five or more pupils full time, nor one looked-after pupil or pupil with an
/// EHC plan full time, without registering as a school. The team is warned, with the reason, not refused: the
/// provider may be registering, and the duty to place the child comes first.
/// </summary>
public static class UnregisteredProvision
{
    public static IEnumerable<string> Warnings(Provider provider, Placement placement, int fullTimePupilsAlready)
    {
        if (provider.Registration != ProviderRegistration.Unregistered || !placement.FullTime)
        {
            yield break;
        }
        if (fullTimePupilsAlready + 1 >= Provider.UnregisteredFullTimeLimit)
        {
            yield return $"{provider.Name} is unregistered and would teach {fullTimePupilsAlready + 1} pupils full time: " +
                $"a provider teaching {Provider.UnregisteredFullTimeLimit} or more full time must register as a school.";
        }
        if (placement.Pupil.LookedAfter)
        {
            yield return $"{provider.Name} is unregistered: a looked-after pupil taught there full time requires it to register as a school.";
        }
        if (placement.Pupil.SenStatus == Inclusion.Events.V1.SenStatus.EhcPlan)
        {
            yield return $"{provider.Name} is unregistered: a pupil with an EHC plan taught there full time requires it to register as a school.";
        }
    }
}
