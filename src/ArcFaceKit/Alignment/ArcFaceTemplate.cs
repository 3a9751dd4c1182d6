using ArcFaceKit.Detection;

namespace ArcFaceKit.Alignment;

/// <summary>The ArcFace 112x112 five-point template (InsightFace face_align.py), scaled for other crop sizes.</summary>
internal static class ArcFaceTemplate
{
    public const int BaseSize = 112;

    private static readonly FacePoint[] Points112 =
    [
        new(38.2946f, 51.6963f), new(73.5318f, 51.5014f), new(56.0252f, 71.7366f), new(41.5493f, 92.3655f), new(70.7299f, 92.2041f),
    ];

    /// <summary>
    /// The template for a square crop of <paramref name="size"/>: a multiple of 128 scales by size/128 and shifts x by
    /// 8*size/128 (InsightFace's rule); any other size scales by size/112 (for 112, 224...: exact; for small training
    /// inputs such as 64: the 112 crop's geometry, scaled).
    /// </summary>
    public static IReadOnlyList<FacePoint> For(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        if (size % 128 == 0)
        {
            float k = size / 128f;
            return [.. Points112.Select(p => new FacePoint((p.X * k) + (8f * k), p.Y * k))];
        }

        float s = (float)size / BaseSize;
        return [.. Points112.Select(p => new FacePoint(p.X * s, p.Y * s))];
    }
}
