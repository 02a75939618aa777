using CsvHelper;
using Google.Protobuf;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Exports for plain CSV readers: a header row, then one row per record, RFC 4180 quoting, UTF-8, cut into chunks a
/// gRPC server stream sends one by one.
/// </summary>
public static class CsvExport
{
    public const int ChunkBytes = 32 * 1024;

    public static IEnumerable<ByteString> Chunks(string[] header, IEnumerable<string[]> rows)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, leaveOpen: true))
        {
            csv.WriteHeader(header);
            foreach (var row in rows)
            {
                csv.WriteRecord(row);
            }
        }
        var bytes = buffer.ToArray();
        for (var offset = 0; offset < bytes.Length; offset += ChunkBytes)
        {
            yield return ByteString.CopyFrom(bytes, offset, Math.Min(ChunkBytes, bytes.Length - offset));
        }
    }
}
