using System.Buffers.Text;
using System.Text;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// List pagination after AIP-158: page_size is capped, page_token is opaque to clients. Tokens hold the sort key
/// of the last item returned (keyset paging), so pages stay stable while records are added.
/// </summary>
public readonly record struct PageRequest(int Size, string? After)
{
    public const int DefaultSize = 25;
    public const int MaxSize = 100;

    public static PageRequest From(int pageSize, string? pageToken)
    {
        var validation = new RequestValidation()
            .Check(pageSize >= 0, "page_size", "must not be negative");
        string? after = null;
        if (!string.IsNullOrEmpty(pageToken))
        {
            after = TryDecode(pageToken);
            validation.Check(after is not null, "page_token", "is not a token this service issued");
        }
        validation.ThrowIfInvalid();
        var size = pageSize == 0 ? DefaultSize : Math.Min(pageSize, MaxSize);
        return new PageRequest(size, after);
    }

    /// <summary>How many rows to read: one more than the page, to learn whether another page follows.</summary>
    public int FetchSize => Size + 1;

    /// <summary>Splits rows read with <see cref="FetchSize"/> into this page and the token for the next ("" if none).</summary>
    public (IReadOnlyList<T> Items, string NextPageToken) Cut<T>(IReadOnlyList<T> fetched, Func<T, string> sortKey)
    {
        if (fetched.Count <= Size)
        {
            return (fetched, "");
        }
        var items = fetched.Take(Size).ToList();
        return (items, Base64Url.EncodeToString(Encoding.UTF8.GetBytes("v1:" + sortKey(items[^1]))));
    }

    private static string? TryDecode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith("v1:", StringComparison.Ordinal) ? text[3..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>Keyset sort keys that several lists share: a date, then an id to break ties.</summary>
public static class SortKeys
{
    public static string DateAndId(DateOnly date, Guid id) =>
        $"{date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}|{id}";

    /// <summary>The key a page token holds, or default with a page_token violation when it is not one of these.</summary>
    public static (DateOnly Date, Guid Id) DateAndId(string key, RequestValidation validation)
    {
        var parts = key.Split('|');
        if (parts.Length == 2 && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var date) && Guid.TryParse(parts[1], out var id))
        {
            return (date, id);
        }
        validation.Check(false, "page_token", "is not a token this service issued");
        return default;
    }
}
