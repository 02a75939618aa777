using System.Security.Cryptography;

namespace InclusionServices.AppHost.Infrastructure;

internal static class Secrets
{
    /// <summary>
    /// A secret made once per data directory and kept beside the data, readable by its owner only, so a restarted
    /// suite reaches the data it made before. The file is created owner-only before the secret is written into it.
    /// </summary>
    public static string ReadOrCreatePassword(string file, int bytes = 16)
    {
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();
        WriteOwnerOnly(file, secret);
        return secret;
    }

    /// <summary>Writes a file that holds a secret: created with mode 0600, so the secret is never readable by others.</summary>
    public static void WriteOwnerOnly(string file, string content)
    {
        File.Delete(file); // a file made earlier keeps its mode: start from a new one
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(file, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }
    }
}
