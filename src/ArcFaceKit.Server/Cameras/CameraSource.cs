using System.Text.RegularExpressions;
using ArcFaceKit.Server.Api;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// Where a camera's frames come from: a network stream (rtsp, rtsps, rtmp, rtmps, http, https) or a V4L2 device
/// (/dev/videoN), never a file or another ffmpeg protocol (a client must not make the server read its own files).
/// <see cref="Masked"/> is the only form that leaves the server: credentials in the URL (user:password@) and query
/// values (tokens) replaced by ***; <see cref="Scrub"/> takes them out of any text (ffmpeg's messages) before it is
/// logged or answered.
/// </summary>
internal sealed partial class CameraSource
{
    private const string Hidden = "***";
    private static readonly string[] Schemes = ["rtsp", "rtsps", "rtmp", "rtmps", "http", "https"];
    private readonly string[] _secrets;

    private CameraSource(string location, string masked, string[] secrets)
    {
        Location = location;
        Masked = masked;
        _secrets = secrets;
    }

    /// <summary>The location as given, credentials included: for ffmpeg and the store only.</summary>
    public string Location { get; }

    public string Masked { get; }

    /// <summary>A stream URL or a device, exactly one; an <see cref="ApiProblem"/> (400) for anything else.</summary>
    public static CameraSource From(string? url, string? device)
    {
        if ((url is null) == (device is null))
        {
            throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", "Give a camera either 'url' (rtsp://, rtsps://, rtmp://, http:// or https://) or 'device' (/dev/videoN), not both.");
        }

        if (device is not null)
        {
            return DeviceName().IsMatch(device)
                ? new CameraSource(device, device, [])
                : throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", "A camera 'device' is a V4L2 device: /dev/video0, /dev/video1, ...");
        }

        return Parse(url!) ?? throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request",
            $"A camera 'url' is an absolute URL with a host, of scheme {string.Join(", ", Schemes)} (files and other ffmpeg protocols are refused).");
    }

    /// <summary>The source a stored camera was given (already checked when it was stored).</summary>
    public static CameraSource Stored(string location) =>
        DeviceName().IsMatch(location) ? new CameraSource(location, location, []) : Parse(location) ?? new CameraSource(location, Hidden, [location]);

    /// <summary>The text with every credential of this source replaced by ***.</summary>
    public string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_secrets.Length == 0)
        {
            return text;
        }

        text = text.Replace(Location, Masked, StringComparison.Ordinal);
        foreach (string secret in _secrets)
        {
            text = text.Replace(secret, Hidden, StringComparison.Ordinal);
        }

        return text;
    }

    private static CameraSource? Parse(string url)
    {
        if (url.Length > 2048 || url.Any(char.IsControl) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme, StringComparer.Ordinal) || uri.Host.Length == 0)
        {
            return null;
        }

        var secrets = new List<string>();
        string userInfo = uri.UserInfo;
        string maskedUser = "";
        if (userInfo.Length > 0)
        {
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            string password = colon < 0 ? userInfo : userInfo[(colon + 1)..];
            maskedUser = (colon < 0 ? Hidden : $"{userInfo[..colon]}:{Hidden}") + "@";
            AddSecret(secrets, password);
            AddSecret(secrets, userInfo);
        }

        string query = uri.Query.Length <= 1 ? "" : "?" + string.Join('&', uri.Query[1..].Split('&').Select(pair =>
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                return pair;
            }

            AddSecret(secrets, pair[(equals + 1)..]);
            return $"{pair[..equals]}={Hidden}";
        }));
        string port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        string masked = $"{uri.Scheme}://{maskedUser}{uri.Host}{port}{uri.AbsolutePath}{query}";
        return new CameraSource(url, masked, [.. secrets.OrderByDescending(s => s.Length)]);
    }

    /// <summary>A secret as given and as decoded (ffmpeg may print either); ones too short to scrub safely are masked in the URL only.</summary>
    private static void AddSecret(List<string> secrets, string secret)
    {
        foreach (string form in new[] { secret, Uri.UnescapeDataString(secret) })
        {
            if (form.Length >= 3 && !secrets.Contains(form))
            {
                secrets.Add(form);
            }
        }
    }

    [GeneratedRegex("^/dev/video[0-9]{1,3}$")]
    private static partial Regex DeviceName();
}
