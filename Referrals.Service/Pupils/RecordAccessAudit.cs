using System.Security.Claims;
using InclusionServices.Referrals.Storage;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Referrals.Pupils;

public enum RecordAction
{
    Read = 1,
    Changed = 2,
}

/// <summary>One reading or change of a pupil's record (or a referral or exclusion about them), by whom and when.</summary>
public sealed class RecordAccess
{
    public long Id { get; set; }
    public Guid PupilId { get; set; }
    public string User { get; set; } = "";
    public string Role { get; set; } = "";
    public RecordAction Action { get; set; }
    public string Resource { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// Pupil records hold special-category data, so every read and change is written down with who made it
/// (DOMAIN: data protection). Entries are added to the same unit of work as the change, or saved with the read.
/// </summary>
public sealed class RecordAccessAudit(ReferralsDatabase database, TimeProvider time)
{
    public void Note(ClaimsPrincipal user, RecordAction action, Guid pupilId, string resource) =>
        database.RecordAccesses.Add(new RecordAccess
        {
            PupilId = pupilId,
            User = user.FindFirstValue("sub") ?? "(unknown)",
            Role = user.FindFirstValue(InclusionClaims.Role) ?? "",
            Action = action,
            Resource = resource,
            At = time.GetUtcNow(),
        });

    /// <summary>Writes down reads at once (a read has no unit of work of its own to join).</summary>
    public async Task NoteReadsAsync(ClaimsPrincipal user, IEnumerable<(Guid PupilId, string Resource)> reads, CancellationToken cancellationToken)
    {
        foreach (var (pupilId, resource) in reads)
        {
            Note(user, RecordAction.Read, pupilId, resource);
        }
        await database.SaveChangesAsync(cancellationToken);
    }
}
