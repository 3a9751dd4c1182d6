using System.Text.Json;
using System.Text.RegularExpressions;
using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Api;
using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Cameras;

/// <summary>How a camera is analysed, as stored beside it (JSON in the cameras table; the source is stored sealed, apart).</summary>
internal sealed partial record CameraSettings(double Fps, float MinFaceSize, VideoRegion? Region, string Scoring, bool CollectUnknown)
{
    private const double MaxFps = 30;

    /// <summary>The settings a request asks for, with the server's defaults; an <see cref="ApiProblem"/> (400) for values that cannot work.</summary>
    public static CameraSettings From(CameraRequest request, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        double fps = request.Fps ?? 5;
        float minFace = request.MinFaceSize ?? VideoAnalysisOptions.Default.MinFaceSize;
        if (!(fps > 0 && fps <= MaxFps) || !(minFace >= 0 && minFace <= 4096))
        {
            throw Refused($"'fps' is above 0 and at most {MaxFps}; 'minFaceSize' (pixels) from 0 to 4096.");
        }

        if (request.Region is { } r && (r.X < 0 || r.Y < 0 || r.Width < 16 || r.Height < 16))
        {
            throw Refused("A 'region' has x and y of 0 or more and a width and height of at least 16 pixels.");
        }

        string scoring = request.Scoring ?? options.Scoring;
        try
        {
            SubjectScorings.Parse(scoring);
        }
        catch (ArgumentException e)
        {
            throw Refused(e.Message);
        }

        return new CameraSettings(fps, minFace, request.Region, scoring, request.CollectUnknown ?? false);
    }

    /// <summary>A camera's name: it appears in paths and events, so letters, digits, '.', '_' and '-' only, at most 64.</summary>
    public static string CheckName(string? name) =>
        name is not null && NamePattern().IsMatch(name) ? name : throw Refused("A camera 'name' is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");

    public string ToJson() => JsonSerializer.Serialize(this, JsonShapes.Options);

    public static CameraSettings Parse(string json) => JsonSerializer.Deserialize<CameraSettings>(json, JsonShapes.Options)
        ?? throw new GalleryException(GalleryError.Invalid, "A stored camera has no settings.");

    private static ApiProblem Refused(string detail) => new(StatusCodes.Status400BadRequest, "Bad request", detail);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
