using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InclusionServices.ServiceDefaults;

/// <summary>One offending field of a request, named by its path in the request message.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>The request is malformed or breaks a validation rule. Becomes InvalidArgument with BadRequest details.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldViolation> violations)
    : Exception("Invalid request: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>The named record does not exist, or the caller may not know it exists. Becomes NotFound.</summary>
public sealed class RecordNotFoundException(string resourceName)
    : Exception($"{resourceName} was not found.")
{
    public string ResourceName { get; } = resourceName;
}

/// <summary>The record is not in a state that allows the operation. Becomes FailedPrecondition.</summary>
public sealed class PreconditionFailedException(string reason) : Exception(reason);

/// <summary>Someone else changed the record since the caller read it. Becomes Aborted.</summary>
public sealed class ConcurrentChangeException(string resourceName)
    : Exception($"{resourceName} was changed by someone else; read it again and retry.");

/// <summary>
/// Translates exceptions from domain and storage code into gRPC status codes, the same way in every service,
/// so that a client never sees a stack trace, SQL or an internal message.
/// </summary>
public sealed partial class GrpcErrorInterceptor(ILogger<GrpcErrorInterceptor> logger) : Interceptor
{
    private static readonly TimeSpan ClientResetGrace = TimeSpan.FromSeconds(1);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            await SettleAsync(exception, context.CancellationToken);
            throw Translate(exception, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            await SettleAsync(exception, context.CancellationToken);
            throw Translate(exception, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            await SettleAsync(exception, context.CancellationToken);
            throw Translate(exception, context);
        }
    }

    /// <summary>
    /// Kestrel fails a read of the request stream at once when the client resets it, but cancels the call a moment
    /// later (from the thread pool). An I/O failure waits for that moment, so a caller that left is told apart from a
    /// real fault by the call's own cancellation, not by timing.
    /// </summary>
    private static async Task SettleAsync(Exception exception, CancellationToken callCancelled)
    {
        if (exception is IOException && !callCancelled.IsCancellationRequested)
        {
            await Task.Delay(ClientResetGrace, callCancelled).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private RpcException Translate(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case RequestValidationException invalid:
                var badRequest = new BadRequest();
                badRequest.FieldViolations.AddRange(invalid.Violations.Select(v =>
                    new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
                return new Google.Rpc.Status
                {
                    Code = (int)Code.InvalidArgument,
                    Message = invalid.Message,
                    Details = { Any.Pack(badRequest) },
                }.ToRpcException();
            case RecordNotFoundException notFound:
                return new RpcException(new Grpc.Core.Status(StatusCode.NotFound, notFound.Message));
            case PreconditionFailedException refused:
                return new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, refused.Message));
            case DependencyUnavailableException unavailable:
                return new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, unavailable.Message));
            case ConcurrentChangeException conflict:
                return new RpcException(new Grpc.Core.Status(StatusCode.Aborted, conflict.Message));
            case DbUpdateException { InnerException: Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } unique }
                when unique.ConstraintName == "pk_" + IdempotentCreates.TableName:
                return new RpcException(new Grpc.Core.Status(StatusCode.Aborted,
                    "Another request with the same request_id is being handled; retry to receive its result."));
            case DbUpdateConcurrencyException:
                return new RpcException(new Grpc.Core.Status(StatusCode.Aborted,
                    "The record was changed by someone else; read it again and retry."));
            case var clash when TransactionsClashed(clash):
                // PostgreSQL rolled the call's transaction back to let another through: nothing changed, a retry succeeds.
                return new RpcException(new Grpc.Core.Status(StatusCode.Aborted,
                    "The change clashed with another made at the same moment; nothing was changed. Retry."));
            case var down when DatabaseUnreachable(down):
                // The call changed nothing (its transaction never committed): the caller may retry once the database is back.
                return new RpcException(new Grpc.Core.Status(StatusCode.Unavailable,
                    "The service's database cannot be reached just now; nothing was changed. Retry shortly."));
            // The caller gave up, reset the stream or dropped its connection: its choice, not our error (no error log).
            case OperationCanceledException or IOException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled."));
            default:
                var traceId = Activity.Current?.TraceId.ToString() ?? "(none)";
                LogUnexpected(logger, exception, context.Method, traceId);
                return new RpcException(new Grpc.Core.Status(StatusCode.Internal,
                    $"An unexpected error occurred. Quote trace id {traceId} when reporting it."));
        }
    }

    /// <summary>A deadlock or serialization failure (SQLSTATE 40P01, 40001): the transaction was rolled back.</summary>
    private static bool TransactionsClashed(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A connection to PostgreSQL that could not be made or was lost (Npgsql marks those transient), or a server that is
    /// shutting down, restarting or starting up (SQLSTATE 57P01-57P03, class 08): the transaction did not commit.
    /// </summary>
    private static bool DatabaseUnreachable(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case Npgsql.PostgresException { SqlState: "57P01" or "57P02" or "57P03" } or Npgsql.PostgresException { SqlState: ['0', '8', ..] }:
                case Npgsql.NpgsqlException { IsTransient: true } and not Npgsql.PostgresException:
                    return true;
            }
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in {Method} (trace {TraceId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string traceId);
}
