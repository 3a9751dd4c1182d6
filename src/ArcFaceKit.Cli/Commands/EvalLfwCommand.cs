using System.ComponentModel;
using System.Globalization;
using ArcFaceKit.Evaluation;
using ArcFaceKit.IO;
using ArcFaceKit.Models;
using ArcFaceKit.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class EvalLfwCommand : AsyncCommand<EvalLfwCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--images <DIR>")]
        [Description("Folder of LFW images (Name_NNNN.jpg).")]
        public string Images { get; init; } = "";

        [CommandOption("--pairs <FILE>")]
        [Description("pairs.txt of View 2 (10 folds of 300 matched + 300 mismatched pairs).")]
        public string Pairs { get; init; } = "";

        [CommandOption("--roc <PNG>")]
        [Description("Write the ROC curve here. Default: lfw-roc.png.")]
        public string Roc { get; init; } = "lfw-roc.png";

        [CommandOption("--scores <CSV>")]
        [Description("Write every pair's similarity: image1,image2,same,fold,similarity.")]
        public string? Scores { get; init; }

        [CommandOption("--write-manifest <FILE>")]
        [Description("Write the embedder's manifest with the two measured thresholds (best accuracy, FAR 1e-3) to FILE.")]
        public string? WriteManifest { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Images.Length == 0 || settings.Pairs.Length == 0)
        {
            throw new UsageException("--images DIR and --pairs FILE are required.");
        }

        var pairs = LfwPairs.Load(settings.Pairs);
        using var service = settings.OpenPipeline();
        int images = pairs.SelectMany(p => new[] { p.Image1, p.Image2 }).Distinct().Count();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        LfwResult result = null!;
        if (settings.Json)
        {
            result = await LfwEvaluation.RunAsync(service, settings.Images, pairs, cancellationToken: cancellationToken);
        }
        else
        {
            await AnsiConsole.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask("LFW images", maxValue: images);
                result = await LfwEvaluation.RunAsync(service, settings.Images, pairs, new Progress<int>(done => task.Value = done), cancellationToken: cancellationToken);
            });
        }

        var r = result.Report;
        string detector = ((IModelInfo)service.Detector).Manifest.Name, embedder = ((IModelInfo)service.Embedder).Manifest.Name;
        var detectorInput = ((IModelInfo)service.Detector).Manifest.PrimaryFile.Input;
        string inputSize = detectorInput.Width > 0 ? $"{detectorInput.Width}x{detectorInput.Height}" : $"{settings.Detection.InputSize}, upscale at most {settings.Detection.MaxUpscale:0.##}x";
        string setup = $"detector {detector} (score {(settings.Score?.ToString(CultureInfo.InvariantCulture) ?? "default")}, input {inputSize}), embedder {embedder}, flip test {(settings.Flip ? "on" : "off")}";
        string source = $"LFW View 2, 10-fold, {setup}; arcface eval lfw";
        RocPlot.WritePng(settings.Roc, r.Roc, $"LFW ROC: {detector} + {embedder}{(settings.Flip ? " (flip)" : "")}, acc {r.MeanAccuracy * 100:F2}%");
        if (settings.Scores is not null)
        {
            AtomicFile.WriteAllLines(settings.Scores, pairs.Select((p, i) => string.Join(',', p.Image1, p.Image2, p.Same ? "1" : "0", p.Fold.ToString(CultureInfo.InvariantCulture), result.Similarities[i].ToString("R", CultureInfo.InvariantCulture))).Prepend("image1,image2,same,fold,similarity"));
        }

        if (settings.WriteManifest is not null)
        {
            var manifest = ((IModelInfo)service.Embedder).Manifest with
            {
                Thresholds =
                [
                    new ThresholdEntry { Name = ModelManifest.BestAccuracyThreshold, Cosine = MathF.Round(r.BestThreshold, 4), Source = $"best accuracy ({r.BestThresholdAccuracy * 100:F2}%) over all pairs, {source}" },
                    new ThresholdEntry { Name = ModelManifest.FarThreshold, Cosine = MathF.Round(r.FarThreshold, 4), Source = $"FAR {r.FarAchieved:G3} (TAR {r.TarAtFar * 100:F2}%) pooled over all pairs, {source}" },
                ],
            };
            AtomicFile.WriteAllText(settings.WriteManifest, manifest.ToJson());
        }

        if (settings.Json)
        {
            Output.Json(new
            {
                pairs = r.Pairs,
                images = result.Images,
                setup,
                meanAccuracy = r.MeanAccuracy,
                stdAccuracy = r.StdAccuracy,
                foldAccuracies = r.FoldAccuracies,
                foldThresholds = r.FoldThresholds,
                bestThreshold = r.BestThreshold,
                farTarget = r.FarTarget,
                farThreshold = r.FarThreshold,
                tarAtFar = r.TarAtFar,
                farAchieved = r.FarAchieved,
                imagesWithoutFace = result.ImagesWithoutFace,
                pairsWithoutFace = result.PairsWithoutFace,
                wrongDecisions = result.WrongDecisions,
                qualityRankings = result.QualityRankings,
                missingFacePolicy = "pairs with an image without a detected face score -1 (decided 'different'); all pairs counted",
                seconds = watch.Elapsed.TotalSeconds,
                roc = settings.Roc,
            });
            return 0;
        }

        AnsiConsole.MarkupLine($"[bold]LFW View 2[/]: {r.Pairs} pairs, {result.Images} images, {Markup.Escape(setup)}");
        AnsiConsole.MarkupLine($"accuracy (10-fold): [bold]{r.MeanAccuracy * 100:F2}% ± {r.StdAccuracy * 100:F2}%[/]");
        AnsiConsole.MarkupLine($"best threshold (all pairs): cosine {r.BestThreshold:F4} ({r.BestThresholdAccuracy * 100:F2}%); fold thresholds {string.Join(" ", r.FoldThresholds.Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))}");
        AnsiConsole.MarkupLine($"TAR at FAR {r.FarTarget:G} (pooled): [bold]{r.TarAtFar * 100:F2}%[/] at cosine {r.FarThreshold:F4} (FAR reached {r.FarAchieved:G3})");
        AnsiConsole.MarkupLine($"no face found in {result.ImagesWithoutFace.Count} image(s) ({Markup.Escape(string.Join(", ", result.ImagesWithoutFace))}); {result.PairsWithoutFace} pair(s) scored -1 and counted");
        foreach (var ranking in result.QualityRankings)
        {
            foreach (var q in ranking.Rejections)
            {
                AnsiConsole.MarkupLine($"by {ranking.RankedBy}, rejecting the lowest {q.Fraction:P0} of images: {q.PairsKept} pairs left, accuracy {q.Accuracy * 100:F2}% ± {q.Std * 100:F2}%");
            }

            AnsiConsole.MarkupLine($"by {ranking.RankedBy}: {ranking.WrongWithLowestFivePercent} of the {result.WrongDecisions} wrong decisions at the best threshold hold an image among the lowest 5%");
        }
        AnsiConsole.MarkupLine($"ROC curve: {Markup.Escape(settings.Roc)}; {watch.Elapsed.TotalSeconds:F0} s");
        return 0;
    }
}
