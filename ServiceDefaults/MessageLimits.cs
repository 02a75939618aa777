using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Inclusion.Options.V1;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Every string and list of a request stays within the limit written beside it in its .proto
/// ((inclusion.options.v1.max_length) / max_items), or the suite's default: one pupil record can never grow to
/// megabytes, and no string carries a NUL character (which PostgreSQL cannot store). Checked for every RPC before the
/// service sees the request; an offending field is InvalidArgument naming it (the whole message is capped separately by the server's maximum receive size: ResourceExhausted).
/// </summary>
public static class MessageLimits
{
    public const int DefaultMaxLength = 2000;
    public const int DefaultMaxItems = 100;

    public static IReadOnlyList<FieldViolation> Check(IMessage message)
    {
        var violations = new List<FieldViolation>();
        Walk(message, "", violations);
        return violations;
    }

    private static void Walk(IMessage message, string path, List<FieldViolation> violations)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var name = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            var value = field.Accessor.GetValue(message);
            if (field.IsMap || field.IsRepeated)
            {
                var items = field.IsMap ? ((IDictionary)value).Values : (IList)value;
                var maxItems = MaxItems(field);
                if (items.Count > maxItems)
                {
                    violations.Add(new FieldViolation(name, $"must hold at most {maxItems} items"));
                    continue;
                }
                var index = 0;
                foreach (var item in items)
                {
                    CheckValue(field, item, field.IsMap ? name : $"{name}[{index}]", violations);
                    index++;
                }
            }
            else
            {
                CheckValue(field, value, name, violations);
            }
        }
    }

    private static void CheckValue(FieldDescriptor field, object? value, string name, List<FieldViolation> violations)
    {
        switch (value)
        {
            case string text when text.Length > MaxLength(field):
                violations.Add(new FieldViolation(name, $"must be at most {MaxLength(field)} characters"));
                break;
            // PostgreSQL cannot store a NUL character, and no one types one: refused here rather than failing in the database.
            case string text when text.Contains('\0', StringComparison.Ordinal):
                violations.Add(new FieldViolation(name, "must not contain a NUL character"));
                break;
            case ByteString bytes when bytes.Length > MaxLength(field):
                violations.Add(new FieldViolation(name, $"must be at most {MaxLength(field)} bytes"));
                break;
            case IMessage nested:
                Walk(nested, name, violations);
                break;
        }
    }

    private static int MaxLength(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(OptionsExtensions.MaxLength) is > 0 and var max ? max : DefaultMaxLength;

    private static int MaxItems(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(OptionsExtensions.MaxItems) is > 0 and var max ? max : DefaultMaxItems;
}

/// <summary>Applies <see cref="MessageLimits"/> to every request message, streamed ones included.</summary>
public sealed class MessageLimitsInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Require(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Require(request);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream), context);

    private static void Require(object request)
    {
        if (request is IMessage message && MessageLimits.Check(message) is { Count: > 0 } violations)
        {
            throw new RequestValidationException(violations);
        }
    }

    private sealed class CheckedReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var more = await inner.MoveNext(cancellationToken);
            if (more)
            {
                Require(inner.Current!);
            }
            return more;
        }
    }
}
