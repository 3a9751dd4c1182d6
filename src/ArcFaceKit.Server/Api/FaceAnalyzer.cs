using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Recognition;
using ArcFaceKit.Server.Storage;

namespace ArcFaceKit.Server.Api;

/// <summary>The pipeline as the API uses it: decode an upload under the limits, find and embed its faces, make enrolment records.</summary>
public sealed class FaceAnalyzer(FacePipeline pipeline, DecodeOptions decode) : IDisposable
{
    public FacePipeline Pipeline { get; } = pipeline;

    /// <summary>The pipeline the options name (default: the fetched models), with the options' pixel limit.</summary>
    public static FaceAnalyzer Open(ServerOptions options)
    {
        var detector = FaceDetectors.Open(options.Detector ?? ModelStore.DefaultDetector(), new DetectorOptions { InputSize = options.DetectorInputSize });
        try
        {
            var embedder = OnnxFaceEmbedder.Open(options.Embedder ?? ModelStore.DefaultEmbedder());
            return new FaceAnalyzer(new FacePipeline(detector, embedder), new DecodeOptions { MaxPixels = options.MaxPixels });
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>The default decision threshold: the embedder manifest's FAR 1e-3 point measured on LFW.</summary>
    public SimilarityThreshold Threshold { get; } = SimilarityThreshold.FromManifest(pipeline.Embedder.Manifest);

    public RgbImage Decode(byte[] upload) => ImageDecoder.Decode(upload, decode);

    public IReadOnlyList<FaceRecord> Analyze(RgbImage image) => Pipeline.Analyze(image);

    /// <summary>The one face of an image: refuses none, and several unless <paramref name="largest"/> asks for the largest.</summary>
    public FaceRecord SingleFace(RgbImage image, bool largest, string what)
    {
        var faces = Analyze(image);
        return faces.Count switch
        {
            0 => throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "No face", $"No face was found in {what}."),
            1 => faces[0],
            _ when largest => faces.MaxBy(f => f.Face.Box.Area)!,
            _ => throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Several faces",
                $"{faces.Count} faces were found in {what}; send a photo with one face, or add largest=true to use the largest."),
        };
    }

    /// <summary>What the store keeps of an enrolled face: its embedding and aligned crop.</summary>
    public NewFace ToNewFace(RgbImage image, FaceRecord face) =>
        new(face.Embedding, ImageEncoder.EncodePng(Pipeline.Aligner.Align(image, face.Face.Landmarks)));

    public void Dispose() => Pipeline.Dispose();
}
