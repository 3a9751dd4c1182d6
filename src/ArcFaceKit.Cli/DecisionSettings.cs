using System.ComponentModel;
using ArcFaceKit.Matching;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Recognition;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli;

/// <summary>Options of commands that decide "same person": the threshold and, for 1:N, the gallery.</summary>
public class DecisionSettings : ModelSettings
{
    [CommandOption("--threshold <COSINE>")]
    [Description("Decision threshold in cosine similarity (-1..1). Default: the embedder manifest's FAR 1e-3 threshold measured on LFW.")]
    public float? Threshold { get; init; }

    [CommandOption("--gallery <FILE>")]
    [Description("Gallery database (SQLite). Default: gallery.db in the current folder.")]
    public string Gallery { get; init; } = "gallery.db";

    public SimilarityThreshold ThresholdFor(IFaceEmbedder embedder) =>
        Threshold is { } t ? new SimilarityThreshold(t, "given with --threshold") : SimilarityThreshold.FromManifest(embedder.Manifest);

    /// <summary>The one face an image is about: the only face, or the largest when <paramref name="largest"/> allows several.</summary>
    public FaceRecord SingleFace(FacePipeline pipeline, string path, bool largest)
    {
        var faces = pipeline.Analyze(Decode(path));
        return faces.Count switch
        {
            0 => throw new UsageException($"{path}: no face found (detector {pipeline.Detector.Manifest.Name})."),
            1 => faces[0],
            _ when largest => faces.MaxBy(f => f.Face.Box.Area)!,
            _ => throw new UsageException($"{path}: {faces.Count} faces found; use --largest to take the largest one."),
        };
    }
}
