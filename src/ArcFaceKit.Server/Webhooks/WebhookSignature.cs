using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ArcFaceKit.Server.Webhooks;

/// <summary>
/// How a delivery is signed, Stripe's way: the header <c>X-ArcFace-Signature: t=UNIX_SECONDS,v1=HEX</c>, where HEX is
/// HMAC-SHA256 under the webhook's secret of the text "UNIX_SECONDS." followed by the body's bytes. The receiver
/// computes the same, compares in constant time and refuses old timestamps, so a captured delivery cannot be replayed.
/// </summary>
internal static class WebhookSignature
{
    public const string Header = "X-ArcFace-Signature";

    public static string Sign(string secret, DateTimeOffset time, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        string timestamp = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] signed = [.. Encoding.ASCII.GetBytes(timestamp + "."), .. body];
        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}";
    }
}
