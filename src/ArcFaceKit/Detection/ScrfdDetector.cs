using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Detection;

/// <summary>
/// InsightFace SCRFD with keypoints (9 outputs: scores, boxes, keypoints, each for strides 8/16/32; two anchors
/// a cell at (col, row) * stride). Input is letterboxed into a square of InputSize.
/// </summary>
internal sealed class ScrfdDetector : FaceDetectorBase
{
    private static readonly int[] Strides = [8, 16, 32];
    private const int AnchorsPerCell = 2;
    private readonly OnnxModel _model;

    public ScrfdDetector(ResolvedModel model, DetectorOptions? options = null, InferenceOptions? inference = null)
        : base(model.Manifest, options ?? DetectorOptions.Default, defaultScore: 0.5f, defaultNms: 0.4f)
    {
        _model = new OnnxModel(model.PathOf("model"), model.Manifest.File("model"), inference);
        if (_model.OutputNames.Count != 9)
        {
            throw new ModelContractException($"SCRFD with keypoints has 9 outputs; this file has {_model.OutputNames.Count}.");
        }
    }

    public override TimeSpan InferenceTime => _model.InferenceTime;

    public override void Dispose() => _model.Dispose();

    private protected override IEnumerable<DetectedFace> FindCandidates(RgbImage image, CancellationToken cancellationToken)
    {
        var contract = _model.Entry.Input;
        // Free input size: a square of InputSize, or smaller where the image may not be enlarged that far.
        int scaled = (int)MathF.Round(Options.ScaleFor(image.Width, image.Height) * Math.Max(image.Width, image.Height));
        int side = contract.Width > 0 ? contract.Width : (Math.Max(scaled, 1) + 31) / 32 * 32;
        var placement = CanvasPlacement.Fit(image, side, side);
        var (sx, sy) = placement.ScaleOf(image);
        using var outputs = _model.Run(image, placement, cancellationToken);
        var faces = new List<DetectedFace>();
        for (int level = 0; level < Strides.Length; level++)
        {
            int s = Strides[level];
            ReadOnlySpan<float> scores = outputs[level], boxes = outputs[level + 3], kps = outputs[level + 6];
            int cols = side / s;
            for (int i = 0; i < scores.Length; i++)
            {
                if (scores[i] < ScoreThreshold)
                {
                    continue;
                }

                int cell = i / AnchorsPerCell;
                float cx = cell % cols * s, cy = cell / cols * s;
                float x1 = cx - (boxes[i * 4] * s), y1 = cy - (boxes[(i * 4) + 1] * s);
                float x2 = cx + (boxes[(i * 4) + 2] * s), y2 = cy + (boxes[(i * 4) + 3] * s);
                var points = new FacePoint[DetectedFace.LandmarkCount];
                for (int k = 0; k < points.Length; k++)
                {
                    points[k] = new FacePoint((cx + (kps[(i * 10) + (2 * k)] * s)) / sx, (cy + (kps[(i * 10) + (2 * k) + 1] * s)) / sy);
                }

                faces.Add(new DetectedFace(FaceBox.FromCorners(x1 / sx, y1 / sy, x2 / sx, y2 / sy), points, scores[i]));
            }
        }

        return faces;
    }
}
