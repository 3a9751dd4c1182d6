using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Detection;

/// <summary>What every detector does after its network: threshold, NMS, minimum size, selection.</summary>
public abstract class FaceDetectorBase : IFaceDetector
{
    protected FaceDetectorBase(ModelManifest manifest, DetectorOptions options, float defaultScore, float defaultNms)
    {
        Manifest = manifest;
        Options = options;
        ScoreThreshold = options.ScoreThreshold ?? defaultScore;
        NmsThreshold = options.NmsThreshold ?? defaultNms;
    }

    public ModelManifest Manifest { get; }

    public DetectorOptions Options { get; }

    public abstract TimeSpan InferenceTime { get; }

    protected float ScoreThreshold { get; }

    protected float NmsThreshold { get; }

    public IReadOnlyList<DetectedFace> Detect(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var faces = Nms.Apply(FindCandidates(image), NmsThreshold)
            .Where(f => Math.Min(f.Box.Width, f.Box.Height) >= Options.MinFaceSize)
            .ToList();
        if (faces.Count > Options.MaxFaces)
        {
            // Bounded work per photo: the largest faces, in the order NMS gave them.
            var largest = faces.OrderByDescending(f => f.Box.Width * f.Box.Height).Take(Math.Max(0, Options.MaxFaces)).ToHashSet();
            faces = [.. faces.Where(largest.Contains)];
        }

        return FaceSelector.Apply(AddLandmarks(image, faces), Options.Selection, image.Width, image.Height);
    }

    public abstract void Dispose();

    /// <summary>Faces over the score threshold, in original image coordinates, before NMS.</summary>
    protected abstract IEnumerable<DetectedFace> FindCandidates(RgbImage image);

    /// <summary>For detectors whose landmarks come from a second model, run after NMS; others return the faces as they are.</summary>
    protected virtual List<DetectedFace> AddLandmarks(RgbImage image, List<DetectedFace> faces) => faces;

    /// <summary>Scales an image to fit a canvas (keeping its aspect, up or down) and pads bottom/right with black.</summary>
    protected static (RgbImage Canvas, float ScaleX, float ScaleY) Letterbox(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        var placement = CanvasPlacement.Fit(image, width, height);
        var (sx, sy) = placement.ScaleOf(image);
        return (image.Resize(placement.Width, placement.Height).PadTo(width, height), sx, sy);
    }
}
