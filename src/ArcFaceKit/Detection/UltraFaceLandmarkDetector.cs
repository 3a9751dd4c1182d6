using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Detection;

/// <summary>
/// The faceplugin pair: an UltraFace-style detector (boxes decoded in the graph, 0..1 corners, at 320x240)
/// and a 68-point landmark model run on a grayscale 64x64 crop of each box. The five template points are
/// derived as the package's JavaScript does: eyes = mean of four eye-contour points, nose = point 30,
/// mouth corners = mean of points (48, 60) and (54, 64).
/// </summary>
internal sealed class UltraFaceLandmarkDetector : FaceDetectorBase
{
    private static readonly int[] LeftEye = [37, 38, 40, 41];
    private static readonly int[] RightEye = [43, 44, 46, 47];
    private readonly OnnxModel _detector;
    private readonly OnnxModel _landmarks;

    public UltraFaceLandmarkDetector(ResolvedModel model, DetectorOptions? options = null, InferenceOptions? inference = null)
        : base(model.Manifest, options ?? DetectorOptions.Default, defaultScore: 0.65f, defaultNms: 0.4f)
    {
        _detector = new OnnxModel(model.PathOf("detector"), model.Manifest.File("detector"), inference);
        try
        {
            _landmarks = new OnnxModel(model.PathOf("landmarks"), model.Manifest.File("landmarks"), inference);
        }
        catch
        {
            _detector.Dispose();
            throw;
        }
    }

    public override TimeSpan InferenceTime => _detector.InferenceTime + _landmarks.InferenceTime;

    public override void Dispose()
    {
        _detector.Dispose();
        _landmarks.Dispose();
    }

    private protected override IEnumerable<DetectedFace> FindCandidates(RgbImage image, CancellationToken cancellationToken)
    {
        var contract = _detector.Entry.Input;
        // Stretched to the model's size, as its own JavaScript does: a placement that fills the whole canvas.
        using var outputs = _detector.Run(image, new CanvasPlacement(contract.Width, contract.Height, contract.Width, contract.Height), cancellationToken);
        ReadOnlySpan<float> scores = outputs["scores"], boxes = outputs["boxes"];
        var faces = new List<DetectedFace>();
        for (int i = 0; i < boxes.Length / 4; i++)
        {
            float score = scores[(i * 2) + 1];
            if (score < ScoreThreshold)
            {
                continue;
            }

            var box = FaceBox.FromCorners(boxes[i * 4] * image.Width, boxes[(i * 4) + 1] * image.Height, boxes[(i * 4) + 2] * image.Width, boxes[(i * 4) + 3] * image.Height);
            faces.Add(new DetectedFace(box, [], score));
        }

        return faces;
    }

    private protected override List<DetectedFace> AddLandmarks(RgbImage image, List<DetectedFace> faces, CancellationToken cancellationToken)
    {
        var contract = _landmarks.Entry.Input;
        var result = new List<DetectedFace>(faces.Count);
        foreach (var face in faces)
        {
            // The package crops the integer box, clipped to the image, and maps points back with that crop.
            int x1 = Math.Clamp((int)face.Box.X, 0, image.Width - 1), y1 = Math.Clamp((int)face.Box.Y, 0, image.Height - 1);
            int x2 = Math.Clamp((int)face.Box.Right, x1 + 1, image.Width), y2 = Math.Clamp((int)face.Box.Bottom, y1 + 1, image.Height);
            int w = x2 - x1, h = y2 - y1;
            float[] p = _landmarks.Run([image.Crop(x1, y1, w, h).Resize(contract.Width, contract.Height)], cancellationToken)[0];
            FacePoint At(int k) => new(x1 + (p[2 * k] * w), y1 + (p[(2 * k) + 1] * h));
            FacePoint Mean(params int[] ks) => new(ks.Average(k => At(k).X), ks.Average(k => At(k).Y));
            result.Add(face with { Landmarks = [Mean(LeftEye), Mean(RightEye), At(30), Mean(48, 60), Mean(54, 64)] });
        }

        return result;
    }
}
