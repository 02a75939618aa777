namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Collects every problem with a request before refusing it, so the caller learns all the offending fields at
/// once rather than one per round trip.
/// </summary>
public sealed class RequestValidation
{
    private readonly List<FieldViolation> _violations = [];

    public IReadOnlyList<FieldViolation> Violations => _violations;

    /// <summary>Records a violation of <paramref name="field"/> unless <paramref name="holds"/> is true.</summary>
    public RequestValidation Check(bool holds, string field, string description)
    {
        if (!holds)
        {
            _violations.Add(new FieldViolation(field, description));
        }
        return this;
    }

    public RequestValidation RequireText(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            _violations.Add(new FieldViolation(field, "is required"));
        }
        else if (value.Length > maxLength)
        {
            _violations.Add(new FieldViolation(field, $"must be at most {maxLength} characters"));
        }
        return this;
    }

    /// <summary>A request_id, where given, must be a UUID (AIP-155).</summary>
    public RequestValidation OptionalRequestId(string? requestId, string field = "request_id") =>
        Check(string.IsNullOrEmpty(requestId) || Guid.TryParse(requestId, out _), field, "must be a UUID");

    /// <summary>
    /// The id in a resource name such as "pupils/{id}" (AIP-122), or Guid.Empty with a violation recorded when the
    /// name is not one of <paramref name="prefix"/>'s.
    /// </summary>
    public Guid ResourceId(string? name, string prefix, string field)
    {
        if (name is not null && name.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(name.AsSpan(prefix.Length), out var id))
        {
            return id;
        }
        _violations.Add(new FieldViolation(field, $"must be {prefix}{{id}}"));
        return Guid.Empty;
    }

    /// <summary>
    /// The etag a client read with a record (PostgreSQL's row version), to detect a concurrent change; 0 with a
    /// violation of <paramref name="field"/> when it is not one.
    /// </summary>
    public uint Etag(string? etag, string what, string field = "etag")
    {
        if (uint.TryParse(etag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            return version;
        }
        _violations.Add(new FieldViolation(field, $"must be the etag read with the {what}"));
        return 0;
    }

    public void ThrowIfInvalid()
    {
        if (_violations.Count > 0)
        {
            throw new RequestValidationException(_violations);
        }
    }
}
