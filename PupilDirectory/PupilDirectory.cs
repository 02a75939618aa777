using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace InclusionServices.KnownPupils;

/// <summary>
/// Asks Referrals, as this service, whether a pupil exists and at which school: the one thing Meetings needs to know
/// of a pupil to schedule for them. Referrals not knowing the pupil is a precondition the caller can fix; Referrals
/// unreachable (after the client's retries) is Unavailable, never an internal error.
/// </summary>
public sealed class PupilDirectory
{
    private readonly Inclusion.Referrals.V1.Pupils.PupilsClient _referrals;

    internal PupilDirectory(Inclusion.Referrals.V1.Pupils.PupilsClient referrals) => _referrals = referrals;

    /// <summary>Registers the directory and its client of Referrals, found by service discovery.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSuiteGrpcClient<Inclusion.Referrals.V1.Pupils.PupilsClient>(new Uri("http://_grpc.referrals"));
        services.AddScoped(provider => new PupilDirectory(provider.GetRequiredService<Inclusion.Referrals.V1.Pupils.PupilsClient>()));
    }

    public async Task<PupilSnapshot> FindAsync(string pupil, string field, CancellationToken cancellationToken)
    {
        try
        {
            var attributes = await _referrals.GetPupilAttributesAsync(new GetPupilAttributesRequest { Name = pupil },
                cancellationToken: cancellationToken);
            return PupilSnapshot.From(attributes);
        }
        catch (RpcException notKnown) when (notKnown.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            throw new PreconditionFailedException($"{field}: {pupil} is not a pupil known to Referrals.");
        }
        catch (RpcException unreachable) when (unreachable.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
            or StatusCode.Internal or StatusCode.Unknown or StatusCode.ResourceExhausted)
        {
            throw new DependencyUnavailableException("Referrals", unreachable);
        }
        catch (RpcException refused) when (refused.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            // This service's own identity was refused: a fault of the deployment, for the operators (logged as such).
            throw new InvalidOperationException("Referrals refused this service's identity: check its client credentials.", refused);
        }
    }
}
