using System.Diagnostics;
using System.Globalization;
using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Models;

namespace ArcFaceKit.Clips;

/// <summary>Plans a set, writes each clip's ground truth and video, then the manifest; one line a clip and a summary on the log writer.</summary>
internal static class ClipSetWriter
{
    public static ClipManifest Write(ClipOptions options, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        string shared = SharedFolder.Find(options.Shared);
        string model = options.Detector ?? BundledModels.YuNet();
        using var detector = FaceDetectors.Open(model);
        var stills = new StillFaces(detector);
        var scripts = ClipSetPlanner.Plan(options.Count, options.Seed, FaceDatasets.Load(shared, options.People), stills, detector);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"planned {scripts.Count} clips, {scripts.Sum(s => s.People.Count)} people ({options.People}, seed {options.Seed}) in {clock.Elapsed.TotalSeconds:F1} s"));

        Directory.CreateDirectory(options.Out);
        var clips = new List<ManifestClip>();
        int checkedBoxes = 0, foundBoxes = 0;
        foreach (var script in scripts)
        {
            var started = clock.Elapsed;
            var rows = GroundTruth.Rows(script);
            MotChallengeText.Write(Path.Combine(options.Out, script.Name + ".gt.txt"), rows);
            File.WriteAllLines(Path.Combine(options.Out, script.Name + ".names.txt"), ClipManifest.Names(script));
            ClipRenderer.Render(script, Path.Combine(options.Out, script.Name + ".mp4"), options.Ffmpeg);
            int ignored = rows.Count(r => r.Ignored);
            clips.Add(ClipManifest.Clip(script, shared, rows.Count, ignored));
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{script.Name}  seed {script.Seed}  {script.Width}x{script.Height}  {script.Seconds:F1} s ({script.Frames} frames)  {script.People.Count} people  crf {script.Effects.Crf}  {rows.Count} boxes ({ignored} ignored)  {(clock.Elapsed - started).TotalSeconds:F1} s");
            if (options.Check)
            {
                var (counted, found) = ClipCheck.Run(options.Ffmpeg, Path.Combine(options.Out, script.Name + ".mp4"), script.Width, script.Height, rows, detector);
                (checkedBoxes, foundBoxes) = (checkedBoxes + counted, foundBoxes + found);
                line += string.Create(CultureInfo.InvariantCulture, $"  detector finds {found}/{counted} ({100.0 * found / Math.Max(counted, 1):F1}%)");
            }

            log.WriteLine(line);
        }

        var manifest = new ClipManifest(options.Seed, options.People, Path.GetFileName(model), ClipManifest.GroundTruthRule, clips);
        manifest.Write(Path.Combine(options.Out, "manifest.json"));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clips.Count} clips, {clips.Sum(c => c.People.Count)} people, {clips.Sum(c => c.Seconds):F1} s of video, {clips.Sum(c => c.Rows)} boxes ({clips.Sum(c => c.IgnoredRows)} ignored) in {clock.Elapsed.TotalSeconds:F0} s -> {Path.GetFullPath(options.Out)}"));
        if (options.Check)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"check: the detector finds {foundBoxes} of {checkedBoxes} counted boxes at IoU 0.5 ({100.0 * foundBoxes / Math.Max(checkedBoxes, 1):F1}%)"));
        }

        return manifest;
    }
}
