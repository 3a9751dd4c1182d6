using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Detection;

/// <summary>
/// YuNet (libfacedetection) raw export: per stride 8/16/32 one prediction a grid cell, cls and obj already
/// sigmoided, score = sqrt(cls * obj); landmarks come out in the template's order.
/// </summary>
internal sealed class YuNetDetector : FaceDetectorBase
{
    /// <summary>
    /// The default minimum score, measured (docs/accuracy.md: detector defaults): at OpenCV's 0.9, 133 of the 4,174 CelebA-subset
    /// photos have no face; at 0.6, 4 (and none of LFW's 7,701), for 0.02-0.11 more detections a photo.
    /// </summary>
    public const float DefaultScore = 0.6f;

    private static readonly int[] Strides = [8, 16, 32];
    private readonly OnnxModel _model;

    public YuNetDetector(ResolvedModel model, DetectorOptions? options = null, InferenceOptions? inference = null)
        : base(model.Manifest, options ?? DetectorOptions.Default, defaultScore: DefaultScore, defaultNms: 0.3f)
    {
        var entry = model.Manifest.File("model");
        _model = new OnnxModel(model.PathOf("model"), entry, inference);
    }

    public override TimeSpan InferenceTime => _model.InferenceTime;

    public override void Dispose() => _model.Dispose();

    private protected override IEnumerable<DetectedFace> FindCandidates(RgbImage image, CancellationToken cancellationToken)
    {
        var contract = _model.Entry.Input;
        CanvasPlacement placement;
        if (contract.Width > 0)
        {
            placement = CanvasPlacement.Fit(image, contract.Width, contract.Height);
        }
        else
        {
            // Dynamic input: scale the longest side to InputSize (enlarging at most MaxUpscale), then pad to multiples of 32
            // (as OpenCV's FaceDetectorYN).
            float scale = Options.ScaleFor(image.Width, image.Height);
            int w = Math.Max(1, (int)MathF.Round(image.Width * scale)), h = Math.Max(1, (int)MathF.Round(image.Height * scale));
            placement = new CanvasPlacement(w, h, RoundUp32(w), RoundUp32(h));
        }

        var (sx, sy) = placement.ScaleOf(image);
        using var outputs = _model.Run(image, placement, cancellationToken);
        var faces = new List<DetectedFace>();
        foreach (int s in Strides)
        {
            ReadOnlySpan<float> cls = outputs[$"cls_{s}"], obj = outputs[$"obj_{s}"], box = outputs[$"bbox_{s}"], kps = outputs[$"kps_{s}"];
            int cols = placement.CanvasWidth / s;
            for (int i = 0; i < cls.Length; i++)
            {
                float score = MathF.Sqrt(Math.Clamp(cls[i], 0f, 1f) * Math.Clamp(obj[i], 0f, 1f));
                if (score < ScoreThreshold)
                {
                    continue;
                }

                int row = i / cols, col = i % cols;
                float cx = (col + box[i * 4]) * s, cy = (row + box[(i * 4) + 1]) * s;
                float bw = MathF.Exp(box[(i * 4) + 2]) * s, bh = MathF.Exp(box[(i * 4) + 3]) * s;
                var points = new FacePoint[DetectedFace.LandmarkCount];
                for (int k = 0; k < points.Length; k++)
                {
                    points[k] = new FacePoint((kps[(i * 10) + (2 * k)] + col) * s / sx, (kps[(i * 10) + (2 * k) + 1] + row) * s / sy);
                }

                faces.Add(new DetectedFace(new FaceBox((cx - (bw / 2)) / sx, (cy - (bh / 2)) / sy, bw / sx, bh / sy), points, score));
            }
        }

        return faces;
    }

    private static int RoundUp32(int v) => (v + 31) / 32 * 32;
}
