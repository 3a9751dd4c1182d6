using System.ComponentModel;
using ArcFaceKit.Gallery;
using ArcFaceKit.Matching;
using ArcFaceKit.Pipeline;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli;

/// <summary>Options of commands that decide "same person": the threshold, the gallery and its 1:N scoring.</summary>
public class DecisionSettings : ModelSettings
{
    /// <summary>Who the gallery's audit log names for writes made from the command line.</summary>
    public const string Actor = "cli";

    [CommandOption("--threshold <COSINE>")]
    [Description("Decision threshold in cosine similarity (-1..1). Default: the embedder manifest's FAR 1e-3 threshold measured on LFW.")]
    public float? Threshold { get; init; }

    [CommandOption("--gallery <FILE>")]
    [Description("Gallery database (SQLite; the server serves the same file with --sqlite). Default: gallery.db in the current folder.")]
    public string Gallery { get; init; } = "gallery.db";

    [CommandOption("--scoring <RULE>")]
    [Description("1:N scoring of a subject: best-face, mean-template or both. Default: the library's (see docs/accuracy.md).")]
    public string? Scoring { get; init; }

    public SimilarityThreshold ThresholdFor(FacePipeline pipeline) =>
        Threshold is { } t ? new SimilarityThreshold(t, "given with --threshold") : pipeline.DefaultThreshold;

    public SubjectScoring ScoringRule => Scoring is null ? SubjectScorings.Default : SubjectScorings.Parse(Scoring);

    /// <summary>The gallery file, which must exist already (list, remove, identify).</summary>
    public async Task<IFaceGallery> OpenExistingGalleryAsync(FacePipeline pipeline)
    {
        if (!File.Exists(Gallery))
        {
            throw new UsageException($"Gallery {Gallery} does not exist; enroll someone first.");
        }

        return await SqliteGallery.OpenAsync(Gallery, pipeline.Embedder.Identity);
    }
}
