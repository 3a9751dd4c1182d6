using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Clips;

/// <summary>
/// The detector run once on each clean still photo, its largest face kept; photos without a face are null (skipped
/// by the planner). Cached by path, so a photo is decoded and detected once a run.
/// </summary>
internal sealed class StillFaces(IFaceDetector detector)
{
    private readonly Dictionary<string, StillFace?> _cache = new(StringComparer.Ordinal);

    public StillFace? Of(string path)
    {
        if (!_cache.TryGetValue(path, out var still))
        {
            var image = ImageDecoder.DecodeFile(path);
            var faces = detector.Detect(image);
            still = faces.Count == 0 ? null : new StillFace(path, image.Width, image.Height, faces.MaxBy(f => f.Box.Area)!.Box);
            _cache[path] = still;
        }

        return still;
    }
}
