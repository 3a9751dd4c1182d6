using ArcFaceKit.Alignment;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Quality;

/// <summary>
/// Rates a face from its detection, landmarks, aligned crop and embedding (no extra model). Each image factor is rated
/// 0..1 on a ramp between a "poor" and a "good" value, their product the image score; the overall score is the
/// embedding's norm before normalisation where known, the signal that measured as predicting recognition failures
/// (docs/accuracy.md: Face quality), else the image score. The ramps are starting points stated
/// here and in docs/accuracy.md with what they were measured against (LFW: how often the lowest-rated faces are in the wrong
/// decisions), not tuned to a benchmark.
/// </summary>
public static class FaceQualityRules
{
    /// <summary>Detector confidence: poor at 0.5, good from 0.9.</summary>
    public static QualityRamp DetectorScore { get; } = new(0.5f, 0.9f);

    /// <summary>Face box, shorter side in photo pixels: poor at 24 (a quarter of the crop), good from 80.</summary>
    public static QualityRamp FaceSize { get; } = new(24f, 80f);

    /// <summary>Laplacian variance of the 112-pixel crop: poor at 20 (visibly blurred), good from 150.</summary>
    public static QualityRamp Sharpness { get; } = new(20f, 150f);

    /// <summary>|Yaw| in inter-ocular distances: good to 0.2, poor from 0.6 (a face turned about 45 degrees or more).</summary>
    public static QualityRamp Yaw { get; } = new(0.6f, 0.2f);

    /// <summary>Template fit, RMS pixels of a 112-pixel ArcFace crop: good to 3, poor from 10.</summary>
    public static QualityRamp TemplateFit { get; } = new(10f, 3f);

    private const float Floor = 0.05f;

    // The template fit is always measured on the 112-pixel ArcFace crop (see TemplateResidual): made once.
    private static readonly IReadOnlyList<FacePoint> FitTemplate = ArcFaceTemplate.For(ArcFaceTemplate.BaseSize);

    /// <summary>The quality of an analysed face (its detection, landmarks and aligned crop).</summary>
    public static FaceQuality Assess(FaceRecord face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var detection = face.Face;
        var points = detection.Landmarks;
        var (yaw, roll) = Pose(points);
        float size = MathF.Min(detection.Box.Width, detection.Box.Height);
        float sharpness = LaplacianVariance(face.Crop);
        float fit = TemplateResidual(points);

        float image = DetectionScore(detection) * Rate(sharpness, Sharpness) * Rate(fit, TemplateFit);

        // The norm alone: the image ratings span 0.05..1 each, far more than the norm varies, and would swamp it.
        float score = float.IsNaN(face.EmbeddingNorm) ? image : face.EmbeddingNorm;
        return new FaceQuality(score, image, detection.Score, size, sharpness, yaw, roll, fit, face.EmbeddingNorm);
    }

    /// <summary>
    /// The part of the image score known before a face is aligned and embedded (detector score, size, yaw): how a tracker
    /// chooses which of a track's frames to embed.
    /// </summary>
    internal static float DetectionScore(DetectedFace detection) =>
        Rate(detection.Score, DetectorScore) * Rate(MathF.Min(detection.Box.Width, detection.Box.Height), FaceSize)
        * Rate(MathF.Abs(Pose(detection.Landmarks).Yaw), Yaw);

    /// <summary>Yaw (the nose's offset from the eyes' midpoint along the eye line, in eye distances) and roll in degrees.</summary>
    private static (float Yaw, float Roll) Pose(IReadOnlyList<FacePoint> points)
    {
        float eyeDx = points[1].X - points[0].X, eyeDy = points[1].Y - points[0].Y;
        float eyes = MathF.Max(MathF.Sqrt((eyeDx * eyeDx) + (eyeDy * eyeDy)), 1e-3f);
        float midX = (points[0].X + points[1].X) / 2, midY = (points[0].Y + points[1].Y) / 2;
        return ((((points[2].X - midX) * eyeDx) + ((points[2].Y - midY) * eyeDy)) / (eyes * eyes), MathF.Atan2(eyeDy, eyeDx) * 180f / MathF.PI);
    }

    /// <summary>0..1 on the ramp from poor to good (either direction), never below the floor.</summary>
    private static float Rate(float value, QualityRamp ramp) =>
        Math.Clamp((value - ramp.Poor) / (ramp.Good - ramp.Poor), Floor, 1f);

    private static float LaplacianVariance(RgbImage crop)
    {
        int w = crop.Width, h = crop.Height;
        var grey = new float[w * h];
        var p = crop.Pixels;
        for (int i = 0; i < grey.Length; i++)
        {
            grey[i] = (0.299f * p[3 * i]) + (0.587f * p[(3 * i) + 1]) + (0.114f * p[(3 * i) + 2]);
        }

        double sum = 0, sumSquares = 0;
        int n = 0;
        for (int y = 1; y < h - 1; y++)
        {
            for (int x = 1; x < w - 1; x++)
            {
                int i = (y * w) + x;
                float l = grey[i - 1] + grey[i + 1] + grey[i - w] + grey[i + w] - (4 * grey[i]);
                sum += l;
                sumSquares += l * l;
                n++;
            }
        }

        double mean = sum / n;
        return (float)((sumSquares / n) - (mean * mean));
    }

    /// <summary>
    /// How far the landmarks are from the ArcFace template's shape (a pose and landmark-error measure), always on the
    /// 112-pixel ArcFace crop so the ramp means the same whatever crop the embedder takes (dlib's is 150 pixels, another template).
    /// </summary>
    private static float TemplateResidual(IReadOnlyList<FacePoint> landmarks)
    {
        var template = FitTemplate;
        var transform = SimilarityTransform.Estimate(landmarks, template);
        double squares = 0;
        for (int i = 0; i < template.Count; i++)
        {
            var (x, y) = transform.Apply(landmarks[i].X, landmarks[i].Y);
            squares += ((x - template[i].X) * (x - template[i].X)) + ((y - template[i].Y) * (y - template[i].Y));
        }

        return (float)Math.Sqrt(squares / template.Count);
    }
}
