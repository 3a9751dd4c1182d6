using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Detection;

/// <summary>What every detector of the library does after its network: threshold, NMS, minimum size, the most faces.</summary>
public abstract class FaceDetectorBase : IFaceDetector, IModelInfo, IDisposable
{
    private protected FaceDetectorBase(ModelManifest manifest, DetectorOptions options, float defaultScore, float defaultNms)
    {
        Manifest = manifest;
        Options = options;
        ScoreThreshold = options.ScoreThreshold ?? defaultScore;
        NmsThreshold = options.NmsThreshold ?? defaultNms;
    }

    public ModelManifest Manifest { get; }

    public DetectorOptions Options { get; }

    public abstract TimeSpan InferenceTime { get; }

    private protected float ScoreThreshold { get; }

    private protected float NmsThreshold { get; }

    public IReadOnlyList<DetectedFace> Detect(RgbImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var faces = Nms.Apply(FindCandidates(image, cancellationToken), NmsThreshold)
            .Where(f => Math.Min(f.Box.Width, f.Box.Height) >= Options.MinFaceSize)
            .ToList();
        if (faces.Count > Options.MaxFaces)
        {
            // Bounded work per photo: the largest faces, in the order NMS gave them.
            var largest = faces.OrderByDescending(f => f.Box.Width * f.Box.Height).Take(Math.Max(0, Options.MaxFaces)).ToHashSet();
            faces = [.. faces.Where(largest.Contains)];
        }

        return AddLandmarks(image, faces, cancellationToken);
    }

    /// <summary>Releases the models (safe to call twice; a detection after it throws <see cref="ObjectDisposedException"/>).</summary>
    public abstract void Dispose();

    /// <summary>Faces over the score threshold, in original image coordinates, before NMS.</summary>
    private protected abstract IEnumerable<DetectedFace> FindCandidates(RgbImage image, CancellationToken cancellationToken);

    /// <summary>For detectors whose landmarks come from a second model, run after NMS; others return the faces as they are.</summary>
    private protected virtual List<DetectedFace> AddLandmarks(RgbImage image, List<DetectedFace> faces, CancellationToken cancellationToken) => faces;
}
