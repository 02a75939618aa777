using Google.Rpc;
using Grpc.Core;

namespace InclusionServices.Tests;

public static class RpcAssert
{
    public static async Task<RpcException> FailsWith(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        return error;
    }

    /// <summary>The BadRequest field violations an error carries (none when it carries no such details).</summary>
    public static IReadOnlyList<BadRequest.Types.FieldViolation> FieldViolations(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.ToList() ?? [];

    /// <summary>The call is refused as InvalidArgument naming exactly these fields in its BadRequest details.</summary>
    public static async Task InvalidFields(Func<Task> call, params string[] fields)
    {
        var error = await FailsWith(StatusCode.InvalidArgument, call);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Equal(fields.Order(), badRequest.FieldViolations.Select(v => v.Field).Order());
    }
}
