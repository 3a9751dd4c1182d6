using System.Security.Cryptography;

namespace ArcFaceKit.Models;

internal static class Sha256File
{
    public static string Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The file's bytes, refused unless their SHA-256 is the one its manifest entry names.</summary>
    public static byte[] ReadVerified(string path, ModelFileEntry entry)
    {
        byte[] bytes = File.ReadAllBytes(path);
        string sha = Of(bytes);
        if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelContractException(
                $"{path} has SHA-256 {sha}, but the manifest names {entry.Sha256} for its {entry.Role} file {entry.File}: wrong or corrupted model file.");
        }

        return bytes;
    }
}
