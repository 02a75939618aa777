using Inclusion.Referrals.V1;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;
using ExclusionMessage = Inclusion.Referrals.V1.Exclusion;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>Exclusions and their deadlines as messages. Proto enums share the domain's numbers, so they cast one to one.</summary>
public static class ExclusionMapping
{
    public const string NamePrefix = "exclusions/";

    /// <summary>
    /// The exclusion with its deadlines. Deadlines that cannot be worked out for this one record (its first day is no
    /// longer a school day in the calendar as it now stands) leave the record readable, with the reason.
    /// </summary>
    public static ExclusionMessage ToMessage(Exclusion exclusion, StatutoryDeadlines deadlines, IReadOnlyList<NotificationDuty> duties)
    {
        var message = ToMessageWithoutDeadlines(exclusion, duties);
        if (exclusion.WithdrawnOn is not null)
        {
            return message; // a withdrawn exclusion owes nothing
        }
        try
        {
            AddDeadlines(message, deadlines.For(exclusion.Facts));
        }
        catch (ArgumentException cannotCount)
        {
            message.DeadlinesUnavailable = cannotCount.Message;
        }
        return message;
    }

    public static ExclusionMessage ToMessage(Exclusion exclusion, DeadlineReport report, IReadOnlyList<NotificationDuty> duties)
    {
        var message = ToMessageWithoutDeadlines(exclusion, duties);
        AddDeadlines(message, report);
        return message;
    }

    private static ExclusionMessage ToMessageWithoutDeadlines(Exclusion exclusion, IReadOnlyList<NotificationDuty> duties)
    {
        var message = new ExclusionMessage
        {
            Name = NamePrefix + exclusion.Id,
            Pupil = "pupils/" + exclusion.PupilId,
            SchoolUrn = exclusion.SchoolUrn,
            Kind = (Inclusion.Referrals.V1.ExclusionKind)exclusion.Kind,
            StartDate = exclusion.StartDate.ToProtoDate(),
            Sessions = exclusion.Sessions,
            Details = exclusion.Details ?? "",
            ParentsMadeRepresentations = exclusion.ParentsMadeRepresentations,
            PublicExamMissed = exclusion.PublicExamMissed?.ToProtoDate(),
            BoardNotifiedOn = exclusion.BoardNotifiedOn.ToProtoDate(),
            BoardDecision = (Inclusion.Referrals.V1.BoardDecision)(exclusion.BoardDecision ?? 0),
            BoardDecisionNotified = exclusion.BoardDecisionNotified?.ToProtoDate(),
            IrpApplied = exclusion.IrpApplied?.ToProtoDate(),
            IrpDecision = (Inclusion.Referrals.V1.IrpDecision)(exclusion.IrpDecision ?? 0),
            IrpDecisionNotified = exclusion.IrpDecisionNotified?.ToProtoDate(),
            SessionsSuspendedThisYear = exclusion.IsSuspension ? exclusion.SessionsSuspendedThisYearBefore + exclusion.CountedSessions : 0,
            WithdrawnOn = exclusion.WithdrawnOn?.ToProtoDate(),
            WithdrawalReason = exclusion.WithdrawalReason ?? "",
            Follows = exclusion.FollowsId is { } follows ? NamePrefix + follows : "",
        };
        message.ReasonCodes.AddRange(exclusion.ReasonCodes);
        message.Notifications.AddRange(duties.OrderBy(d => d.Recipient).Select(d => new Inclusion.Referrals.V1.NotificationDuty
        {
            Recipient = (Inclusion.Referrals.V1.NotificationRecipient)d.Recipient,
            Due = d.Due.ToProtoDate(),
            Holder = Inclusion.Referrals.V1.DutyHolder.School,
            ToldOn = d.ToldOn?.ToProtoDate(),
            Method = (Inclusion.Referrals.V1.NotificationMethod)(d.Method ?? 0),
            ToldBy = d.ToldBy ?? "",
            Missed = d.MissedReportedAt is not null,
        }));
        return message;
    }

    private static void AddDeadlines(ExclusionMessage message, DeadlineReport report)
    {
        message.Deadlines.AddRange(report.Deadlines.Select(d => new Inclusion.Referrals.V1.StatutoryDeadline
        {
            Kind = (Inclusion.Referrals.V1.DeadlineKind)d.Kind,
            Due = d.Date.ToProtoDate(),
            Holder = (Inclusion.Referrals.V1.DutyHolder)d.Holder,
            Rule = d.Rule,
            PreferredBefore = d.PreferredBefore?.ToProtoDate(),
        }));
        message.Deadlines.AddRange(report.Uncounted.Select(u => new Inclusion.Referrals.V1.StatutoryDeadline
        {
            Kind = (Inclusion.Referrals.V1.DeadlineKind)u.Kind,
            Holder = (Inclusion.Referrals.V1.DutyHolder)u.Holder,
            Rule = u.Rule,
            NotCountedReason = u.Reason,
        }));
    }
}
