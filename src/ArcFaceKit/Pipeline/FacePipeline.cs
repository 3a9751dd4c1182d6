using ArcFaceKit.Alignment;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Pipeline;

/// <summary>Detect, align and embed: image in, one record per face out. Owns the detector and embedder it is given.</summary>
public sealed class FacePipeline : IDisposable
{
    public FacePipeline(IFaceDetector detector, IFaceEmbedder embedder, IFaceAligner? aligner = null)
    {
        Detector = detector;
        Embedder = embedder;
        Aligner = aligner ?? new FaceAligner(embedder.InputSize);
        if (Aligner.CropSize != embedder.InputSize)
        {
            throw new ArgumentException($"The aligner makes {Aligner.CropSize}px crops; {embedder.Manifest.Name} takes {embedder.InputSize}px.");
        }
    }

    public IFaceDetector Detector { get; }

    public IFaceEmbedder Embedder { get; }

    public IFaceAligner Aligner { get; }

    /// <summary>Time spent inside ONNX Runtime by both models.</summary>
    public TimeSpan InferenceTime => Detector.InferenceTime + Embedder.InferenceTime;

    public IReadOnlyList<FaceRecord> Analyze(RgbImage image) => AnalyzeBatch([image])[0];

    /// <summary>Detects in each image, then embeds every face of the batch in as few model runs as the embedder allows.</summary>
    public IReadOnlyList<IReadOnlyList<FaceRecord>> AnalyzeBatch(IReadOnlyList<RgbImage> images)
    {
        var faces = images.Select(Detector.Detect).ToList();
        var crops = new List<RgbImage>();
        for (int i = 0; i < images.Count; i++)
        {
            crops.AddRange(faces[i].Select(f => Aligner.Align(images[i], f.Landmarks)));
        }

        var embeddings = crops.Count == 0 ? [] : Embedder.Embed(crops);
        var result = new List<IReadOnlyList<FaceRecord>>(images.Count);
        int next = 0;
        foreach (var list in faces)
        {
            result.Add([.. list.Select(f => new FaceRecord(f, embeddings[next++]))]);
        }

        return result;
    }

    public void Dispose()
    {
        Detector.Dispose();
        Embedder.Dispose();
    }
}
