using System.Security.Cryptography;

namespace ArcFaceKit.Server.Security;

/// <summary>The server's random secrets (API key tokens, webhook signing secrets): 256 bits, base64url.</summary>
internal static class Secrets
{
    public static string New() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
