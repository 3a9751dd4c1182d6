using System.Diagnostics;
using System.Globalization;
using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Bench;

/// <summary>
/// `face-size`: the measurement behind <c>VideoAnalysisOptions.MinFaceSize</c>. LFW View 2 pairs (the first N/20 same
/// and N/20 different pairs of each fold); each photo's face is found once at full size (the face nearest the centre,
/// LFW's person), then the whole photo is scaled so that face's shorter side is s px and put on a grey 640x360 frame
/// (<see cref="SmallFaceFrame"/>), and the pipeline runs on the frame as on a video frame: detect at the detector's
/// defaults, the largest face, align, embed. A largest face away from the expected place is a miss, and a miss is a
/// non-match. The baseline is the same pipeline on the full-size photos, in the same run. Everything is deterministic,
/// so nothing is repeated.
/// </summary>
internal static class FaceSizeBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        int pairCount = options.Int("--pairs", 1000);
        float[] sizes = [.. (options.Value("--sizes") ?? "16,20,24,28,32,40,48,64,96").Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
        string pairsFile = options.Value("--pairs-file") ?? Path.Combine(Path.GetDirectoryName(options.Images)!, "pairs.txt");
        string detector = Path.Combine(options.Models, options.Value("--detector") ?? "yunet_s_dynamic.onnx");
        string[] embedders = (options.Value("--embedders") ?? "mobilefacenet_a.onnx,faceplugin_fr_feature.onnx").Split(',');

        var pairs = Subset(LfwPairs.Load(pairsFile), pairCount);
        var files = pairs.SelectMany(p => new[] { p.Image1, p.Image2 }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = files.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i, StringComparer.Ordinal);
        var people = files.Select(Person).ToArray();

        // One pipeline per embedder, each with the detector at the library's defaults. Detection runs once a frame, on
        // the first pipeline: the same model file at the same options gives the same faces, so the second embedder
        // sees exactly the detections its own pipeline would make, at half the cost.
        var pipelines = new List<FacePipeline>();
        try
        {
            foreach (string embedder in embedders)
            {
                // "a.onnx+b.onnx": the fusion of the two, as the default set fuses faceplugin_fr_feature and dlib_resnet.
                var members = embedder.Split('+').Select(e => Path.Combine(options.Models, e)).ToList();
                pipelines.Add(FacePipeline.Open(new FaceModels { Detector = detector, Embedder = members[0], FuseWith = members[1..] }));
            }

            var photos = files.Select(f => pipelines[0].DecodeFile(Path.Combine(options.Images, f))).ToList();
            var reference = new FaceBox?[photos.Count];
            for (int i = 0; i < photos.Count; i++)
            {
                var found = await pipelines[0].DetectAsync(photos[i], FaceSelection.MostCentral);
                reference[i] = found.Count > 0 ? found[0].Box : null;
            }

            double medianSide = Stats.Median(reference.Where(b => b is not null).Select(b => (double)MathF.Min(b!.Value.Width, b.Value.Height)));
            Console.WriteLine($"face size: {pairs.Count(p => p.Same)} same and {pairs.Count(p => !p.Same)} different LFW View 2 pairs (the first {pairCount / 20} of each kind a fold), " +
                $"{files.Count} photos; {Path.GetFileName(detector)} at the defaults; full-size faces {medianSide:F0} px (median shorter side), " +
                $"{reference.Count(b => b is null)} photos without one; frames {SmallFaceFrame.Width}x{SmallFaceFrame.Height}");

            var clock = Stopwatch.StartNew();
            var baseline = await EmbedAllAsync(pipelines, photos, reference, frame: null);
            Console.Error.WriteLine($"full size: {clock.Elapsed.TotalSeconds:F0} s");
            var bySize = new List<(float Size, Embedded Result)>();
            foreach (float size in sizes)
            {
                clock.Restart();
                bySize.Add((size, await EmbedAllAsync(pipelines, photos, reference, size)));
                if (options.Value("--examples") is { } examples && reference[0] is { } first)
                {
                    // To look at what the detector was given: the first photo's frame at each size.
                    Directory.CreateDirectory(examples);
                    ImageEncoder.WritePng(SmallFaceFrame.Compose(photos[0], first, size).Frame, Path.Combine(examples, $"{Path.GetFileNameWithoutExtension(files[0])}-{size}px.png"));
                }

                Console.Error.WriteLine($"{size} px: {clock.Elapsed.TotalSeconds:F0} s");
            }

            for (int m = 0; m < pipelines.Count; m++)
            {
                var threshold = pipelines[m].DefaultThreshold;
                var scorer = new PairScorer(pairs, index, people, threshold.Cosine);
                var full = scorer.Score(baseline.Embeddings[m], baseline.Embeddings[m], baseline.Detected);
                Console.WriteLine();
                Console.WriteLine($"{Path.GetFileName(detector)} + {string.Join(" + ", embedders[m].Split('+').Select(Path.GetFileName))}, threshold {threshold}");
                Console.WriteLine("| face size (px) | face found | TAR | FAR, View 2 pairs | FAR, all different-people pairs | FAR vs full size | TAR, gallery at full size | FAR, gallery at full size |");
                Console.WriteLine("|---|---|---|---|---|---|---|---|");
                Console.WriteLine(Row($"full photo ({medianSide:F0})", full, full, photos.Count));
                foreach (var (size, result) in bySize)
                {
                    var small = scorer.Score(result.Embeddings[m], result.Embeddings[m], result.Detected);
                    var mixed = scorer.Score(baseline.Embeddings[m], result.Embeddings[m], result.Detected);
                    Console.WriteLine(Row(size.ToString("0.#", CultureInfo.InvariantCulture), small, full, photos.Count, mixed));
                }
            }
        }
        finally
        {
            foreach (var pipeline in pipelines)
            {
                pipeline.Dispose();
            }
        }
    }

    /// <summary>The first <paramref name="count"/>/20 same and different pairs of each of the ten folds, in file order.</summary>
    internal static List<LfwPair> Subset(IReadOnlyList<LfwPair> pairs, int count)
    {
        int each = Math.Max(1, count / 20);
        return [.. pairs.GroupBy(p => (p.Fold, p.Same)).SelectMany(g => g.Take(each)).OrderBy(p => p.Fold).ThenBy(p => !p.Same)];
    }

    private static string Person(string file) => file[..file.LastIndexOf('_')];

    private static string Row(string size, Scores s, Scores full, int photos, Scores? mixed = null)
    {
        string ratio = full.AllFar > 0 ? $"{s.AllFar / full.AllFar:F2}x" : s.AllFar > 0 ? "more (full: 0)" : "1x (both 0)";
        return $"| {size} | {Percent(s.Detected, photos)} | {Percent(s.TrueAccepts, s.SamePairs)} | {s.FalseAccepts}/{s.DifferentPairs} | " +
            $"{s.AllFar:0.00E+0} ({s.AllFalseAccepts:N0} of {s.AllImpostors:N0}) | {ratio} | " +
            $"{(mixed is null ? "" : Percent(mixed.TrueAccepts, mixed.SamePairs))} | {(mixed is null ? "" : $"{mixed.AllFar:0.00E+0}")} |";
    }

    private static string Percent(int part, int whole) => $"{100.0 * part / whole:F1}%";

    /// <summary>
    /// Every photo through the pipelines: the photo itself (<paramref name="frame"/> null) or its frame with a face of
    /// that size. Embeddings per pipeline per photo, null where the largest face was missing or not the expected one.
    /// </summary>
    private static async Task<Embedded> EmbedAllAsync(List<FacePipeline> pipelines, List<RgbImage> photos, FaceBox?[] reference, float? frame)
    {
        var embeddings = pipelines.Select(_ => new float[]?[photos.Count]).ToArray();
        int detected = 0;
        for (int i = 0; i < photos.Count; i++)
        {
            if (reference[i] is not { } box)
            {
                continue;
            }

            var (image, expected) = frame is { } size ? SmallFaceFrame.Compose(photos[i], box, size) : (photos[i], box);
            var faces = await pipelines[0].DetectAsync(image, FaceSelection.Largest);
            if (faces.Count == 0 || !SmallFaceFrame.IsNear(faces[0].Box, expected))
            {
                continue;
            }

            detected++;
            for (int m = 0; m < pipelines.Count; m++)
            {
                embeddings[m][i] = (await pipelines[m].EmbedAsync(image, [faces[0]]))[0].Embedding;
            }
        }

        return new Embedded(embeddings, detected);
    }

    private sealed record Embedded(float[]?[][] Embeddings, int Detected);

    private sealed record Scores(int Detected, int SamePairs, int TrueAccepts, int DifferentPairs, int FalseAccepts, long AllImpostors, long AllFalseAccepts)
    {
        public double AllFar => (double)AllFalseAccepts / AllImpostors;
    }

    /// <summary>
    /// Scores the pairs at one threshold, a missing face counting as a non-match. Besides View 2's different pairs (a few
    /// hundred: at FAR 1e-3 that is one false accept or none, too few to compare), every pair of photos of different
    /// people in the subset, about 1.8 million, so a FAR near 1e-3 is measured to a few percent.
    /// </summary>
    private sealed class PairScorer(List<LfwPair> pairs, Dictionary<string, int> index, string[] people, float threshold)
    {
        /// <summary><paramref name="gallery"/> and <paramref name="probes"/> the same: both photos at one size; else each same pair both ways.</summary>
        public Scores Score(float[]?[] gallery, float[]?[] probes, int detected)
        {
            bool oneSize = ReferenceEquals(gallery, probes);
            int same = 0, trueAccepts = 0, different = 0, falseAccepts = 0;
            foreach (var pair in pairs)
            {
                int a = index[pair.Image1], b = index[pair.Image2];
                foreach (var (g, p) in oneSize ? [(a, b)] : new[] { (a, b), (b, a) })
                {
                    bool accepted = Accepts(gallery[g], probes[p]);
                    if (pair.Same)
                    {
                        same++;
                        trueAccepts += accepted ? 1 : 0;
                    }
                    else
                    {
                        different++;
                        falseAccepts += accepted ? 1 : 0;
                    }
                }
            }

            long impostors = 0, allFalseAccepts = 0;
            for (int g = 0; g < gallery.Length; g++)
            {
                for (int p = oneSize ? g + 1 : 0; p < probes.Length; p++)
                {
                    if (people[g] != people[p])
                    {
                        impostors++;
                        allFalseAccepts += Accepts(gallery[g], probes[p]) ? 1 : 0;
                    }
                }
            }

            return new Scores(detected, same, trueAccepts, different, falseAccepts, impostors, allFalseAccepts);
        }

        private bool Accepts(float[]? first, float[]? second) =>
            first is not null && second is not null && CosineSimilarity.Between(first, second) >= threshold;
    }
}
