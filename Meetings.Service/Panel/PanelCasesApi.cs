using System.Globalization;
using Grpc.Core;
using Inclusion.Events.V1;
using InclusionServices.Meetings.Meetings;
using InclusionServices.KnownPupils;
using InclusionServices.Meetings.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Proto = Inclusion.Meetings.V1;

namespace InclusionServices.Meetings.Panel;

/// <summary>gRPC surface of cases put to the ISAP panel: submission to a sitting by its cut-off, agendas and decisions.</summary>
public sealed class PanelCasesApi(MeetingsDatabase database, AuditTrail audit, TimeProvider time) : Proto.PanelCases.PanelCasesBase
{
    public const string NamePrefix = "panelCases/";

    public override async Task<Proto.PanelCase> SubmitPanelCase(Proto.SubmitPanelCaseRequest request, ServerCallContext context)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var validation = new RequestValidation().OptionalRequestId(request.RequestId)
            .Check(request.Source.StartsWith("referrals/", StringComparison.Ordinal) || request.Source.StartsWith(MeetingMapping.NamePrefix, StringComparison.Ordinal),
                "source", "must be referrals/{id} or meetings/{id}");
        var submittedOn = request.SubmittedOn is null ? today : validation.RequireDate(request.SubmittedOn, "submitted_on") ?? today;
        validation.Check(submittedOn <= today, "submitted_on", "must not be in the future");
        var sourceId = validation.ResourceId(request.Source, request.Source.StartsWith("referrals/", StringComparison.Ordinal) ? "referrals/" : MeetingMapping.NamePrefix, "source");
        validation.ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("panelCases", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return await ToMessageAsync(await FindAsync(NamePrefix + earlier, context.CancellationToken), context.CancellationToken);
        }
        var pupil = await PupilOfSourceAsync(request.Source, sourceId, context.CancellationToken);
        var sittings = await database.PanelSittings.AsNoTracking().Where(s => s.CutOffDate >= submittedOn).ToListAsync(context.CancellationToken);
        var panelCase = PanelCase.Submit(request.Source, pupil, submittedOn, sittings);
        var sitting = sittings.Single(s => s.Id == panelCase.SittingId);
        database.PanelCases.Add(panelCase);
        database.RememberCreate("panelCases", requestId, caller, panelCase.Id.ToString(), time.GetUtcNow());
        audit.Note(AuditActions.Changed, panelCase.PupilId, NamePrefix + panelCase.Id);
        database.RecordEvent(new PanelCaseListed
        {
            PanelCase = NamePrefix + panelCase.Id,
            PanelSitting = PanelSittingsApi.NamePrefix + sitting.Id,
            Phase = (Inclusion.Events.V1.PanelPhase)panelCase.Phase,
            Source = panelCase.Source,
            MeetingDate = sitting.MeetingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Pupil = pupil.ToEvent(),
        }, NamePrefix + panelCase.Id, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(panelCase, sitting);
    }

    public override async Task<Proto.ListPanelCasesResponse> ListPanelCases(Proto.ListPanelCasesRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation();
        var sittingId = validation.ResourceId(request.PanelSitting, PanelSittingsApi.NamePrefix, "panel_sitting");
        Guid? after = page.After is null ? null : Guid.TryParse(page.After, out var last) ? last : null;
        validation.Check(page.After is null || after is not null, "page_token", "is not a token this service issued").ThrowIfInvalid();
        var sitting = await database.PanelSittings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sittingId, context.CancellationToken)
            ?? throw new RecordNotFoundException(request.PanelSitting);
        var query = database.PanelCases.AsNoTracking().Where(c => c.SittingId == sittingId);
        if (after is not null)
        {
            query = query.Where(c => c.Id.CompareTo(after.Value) > 0);
        }
        var fetched = await query.OrderBy(c => c.Id).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, c => c.Id.ToString());
        await audit.NoteReadsAsync(items.Select(c => (c.PupilId, NamePrefix + c.Id)), context.CancellationToken);
        var response = new Proto.ListPanelCasesResponse { NextPageToken = next };
        response.PanelCases.AddRange(items.Select(c => ToMessage(c, sitting)));
        return response;
    }

    public override async Task<Proto.PanelCase> RecordPanelDecision(Proto.RecordPanelDecisionRequest request, ServerCallContext context)
    {
        new RequestValidation()
            .Check(request.Decision != Proto.PanelDecision.Unspecified && Enum.IsDefined(request.Decision), "decision", "must be one of the panel's decisions")
            .ThrowIfInvalid();
        var panelCase = await FindAsync(request.Name, context.CancellationToken, tracked: true);
        var sitting = await database.PanelSittings.AsNoTracking().SingleAsync(s => s.Id == panelCase.SittingId, context.CancellationToken);
        panelCase.Decide((PanelDecision)request.Decision, string.IsNullOrWhiteSpace(request.Notes) ? null : request.Notes.Trim());
        audit.Note(AuditActions.Changed, panelCase.PupilId, NamePrefix + panelCase.Id);
        database.RecordEvent(new PanelDecisionMade
        {
            PanelCase = NamePrefix + panelCase.Id,
            PanelSitting = PanelSittingsApi.NamePrefix + sitting.Id,
            Decision = ProtoEnums.ShortName(request.Decision),
            DecidedOn = sitting.MeetingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Pupil = panelCase.Pupil.ToEvent(),
        }, NamePrefix + panelCase.Id, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(panelCase, sitting);
    }

    /// <summary>
    /// The pupil a case is about, from what brought it: a referral the team accepted (and has not closed), or a held
    /// meeting whose outcome referred the pupil to the panel.
    /// </summary>
    private async Task<PupilSnapshot> PupilOfSourceAsync(string source, Guid id, CancellationToken cancellationToken)
    {
        if (source.StartsWith("referrals/", StringComparison.Ordinal))
        {
            var referral = await database.AcceptedReferrals.AsNoTracking().SingleOrDefaultAsync(r => r.ReferralId == id, cancellationToken);
            return referral is { Open: true }
                ? referral.Pupil
                : throw new PreconditionFailedException($"{source} is not a referral the team has accepted and still has open.");
        }
        var meeting = await database.Meetings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        return meeting is { Status: MeetingStatus.Held, Outcome: MeetingOutcome.ReferredToIsapPanel }
            ? meeting.Pupil
            : throw new PreconditionFailedException($"{source} is not a held meeting whose outcome referred the pupil to the ISAP panel.");
    }

    private async Task<PanelCase> FindAsync(string name, CancellationToken cancellationToken, bool tracked = false)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(name, NamePrefix, "name");
        validation.ThrowIfInvalid();
        var query = tracked ? database.PanelCases : database.PanelCases.AsNoTracking();
        return await query.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new RecordNotFoundException(name);
    }

    private async Task<Proto.PanelCase> ToMessageAsync(PanelCase panelCase, CancellationToken cancellationToken) =>
        ToMessage(panelCase, await database.PanelSittings.AsNoTracking().SingleAsync(s => s.Id == panelCase.SittingId, cancellationToken));

    private static Proto.PanelCase ToMessage(PanelCase panelCase, PanelSitting sitting) => new()
    {
        Name = NamePrefix + panelCase.Id,
        Source = panelCase.Source,
        Pupil = panelCase.Pupil.Name,
        SchoolUrn = panelCase.SchoolUrn,
        Phase = (Proto.PanelPhase)panelCase.Phase,
        SubmittedOn = panelCase.SubmittedOn.ToProtoDate(),
        PanelSitting = PanelSittingsApi.NamePrefix + sitting.Id,
        MeetingDate = sitting.MeetingDate.ToProtoDate(),
        Decision = (Proto.PanelDecision)(panelCase.Decision ?? 0),
        DecisionNotes = panelCase.DecisionNotes ?? "",
    };
}
