using System.Security.Cryptography;

namespace InclusionServices.AppHost.Infrastructure;

internal static class Secrets
{
    /// <summary>
    /// A password made once per data directory and kept beside the data (readable by its owner only), so a
    /// restarted suite reaches the data it made before.
    /// </summary>
    public static string ReadOrCreatePassword(string file)
    {
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        File.WriteAllText(file, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return password;
    }
}
