using System.Security.Claims;
using InclusionServices.Referrals.Schools;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>A record about one pupil at a school, listed newest first (its id is time-ordered).</summary>
public interface IPupilRecord : IBelongsToSchool
{
    Guid Id { get; }
    Guid PupilId { get; }
}

/// <summary>One page of a pupil's or a school's records, as the caller may see them.</summary>
public static class PupilRecordPages
{
    public static async Task<(IReadOnlyList<T> Items, string NextPageToken)> ReadAsync<T>(IQueryable<T> records, ClaimsPrincipal user, string pupil,
        string schoolUrn, int pageSize, string pageToken, CancellationToken cancellationToken) where T : class, IPupilRecord
    {
        var page = PageRequest.From(pageSize, pageToken);
        var validation = new RequestValidation();
        Guid? pupilId = pupil.Length == 0 ? null : validation.ResourceId(pupil, "pupils/", "pupil");
        validation.Check(schoolUrn.Length == 0 || SchoolIdentifiers.IsUrn(schoolUrn), "school_urn", "must be a 6-digit URN").ThrowIfInvalid();
        var query = records.AsNoTracking().VisibleTo(user);
        if (schoolUrn.Length > 0 && InclusionClaims.SchoolUrnOf(user) is null)
        {
            query = query.Where(e => e.SchoolUrn == schoolUrn); // a school user always gets its own
        }
        if (pupilId is not null)
        {
            query = query.Where(e => e.PupilId == pupilId);
        }
        if (page.After is not null)
        {
            var after = Guid.TryParse(page.After, out var last) ? last
                : throw new RequestValidationException([new FieldViolation("page_token", "is not a token this service issued")]);
            query = query.Where(e => e.Id.CompareTo(after) < 0);
        }
        var fetched = await query.OrderByDescending(e => e.Id).Take(page.FetchSize).ToListAsync(cancellationToken);
        return page.Cut(fetched, e => e.Id.ToString());
    }
}
