using System.Globalization;
using ArcFaceKit.Clips;
using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Video;

namespace ArcFaceKit.Tests;

/// <summary>The clip generator (tools/ArcFaceKit.Clips): deterministic scripts, clips that decode as stated, ground truth where the faces are, visibility under occlusion.</summary>
public class ClipGeneratorTests(ClipFixture clip) : IClassFixture<ClipFixture>
{
    [Fact]
    public void Same_seed_gives_the_same_script_and_ground_truth()
    {
        string Set(int seed)
        {
            using var detector = FaceDetectors.Open(Shared.Model("yunet_s_dynamic.onnx"));
            var scripts = ClipSetPlanner.Plan(3, seed, FaceDatasets.Load(Shared.Root, "lfw"), new StillFaces(detector), detector);
            var manifest = new ClipManifest(seed, "lfw", "yunet", "", [.. scripts.Select(s => ClipManifest.Clip(s, Shared.Root, 0, 0))]);
            var text = new StringWriter(CultureInfo.InvariantCulture);
            text.WriteLine(manifest.ToJson());
            foreach (var script in scripts)
            {
                MotChallengeText.Write(text, GroundTruth.Rows(script));
            }

            return text.ToString();
        }

        string first = Set(5);
        Assert.Equal(first, Set(5));
        Assert.NotEqual(first, Set(6));
        Assert.Contains("\"enrol\"", first, StringComparison.Ordinal);
    }

    [Fact]
    public void A_small_clip_decodes_to_its_frame_count_and_size()
    {
        var (exit, stdout, stderr) = ChildProcess.Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames,width,height,codec_name", "-of", "csv=p=0", clip.Video]);
        Assert.True(exit == 0, stderr);
        Assert.Equal("h264,640,360,75", stdout.Trim());
        Assert.Equal(2, clip.Script.People.Count);
        Assert.True(clip.Rows.Select(r => r.Frame).Distinct().Count() > 60, "most frames have a face");
    }

    [Fact]
    public async Task The_detector_finds_most_counted_ground_truth_faces_in_the_decoded_frames()
    {
        var truth = clip.Rows.Where(r => !r.Ignored).ToLookup(r => r.Frame);
        int counted = 0, found = 0;
        await using var source = await VideoSource.OpenAsync(clip.Video);
        await foreach (var frame in source.ReadFramesAsync())
        {
            var faces = clip.Detector.Detect(frame.Image);
            foreach (var row in truth[(int)frame.Index + 1])
            {
                counted++;
                found += faces.Any(f => f.Box.IoU(row.Box) >= 0.5f) ? 1 : 0;
            }
        }

        Assert.Equal(truth.Sum(g => g.Count()), counted);
        Assert.True(counted > 60, $"{counted} counted boxes");
        Assert.True(found >= 0.9 * counted, $"{found} of {counted} counted ground-truth faces found at IoU 0.5");
    }

    [Fact]
    public void A_person_hidden_behind_another_loses_visibility_and_is_ignored()
    {
        var still = new StillFace("/nowhere/a.jpg", 150, 150, new FaceBox(45, 40, 60, 72));
        CastMember Cast(string name) => new(new DatasetPerson("lfw", name, []), [still], [], [], true);
        Appearance Static(float x, int layer) => new([new(0, x, 180, 80), new(40, x, 180, 80)], [new(0, 0)], layer);

        // A stands in the middle; B walks across in front of it (a higher layer); C stands half out of the frame's left edge.
        var script = new ClipScript("hand", 1, 640, 360, 25, 41, ClipEffects.Clean, new BackgroundPlan("/nowhere/b.jpg", 0, 0, 0.4f, false, 0, 0),
        [
            new ScriptPerson(1, Cast("A"), [Static(320, 0)]),
            new ScriptPerson(2, Cast("B"), [new Appearance([new(0, 120, 180, 90), new(40, 520, 180, 90)], [new(0, 0)], 5)]),
            new ScriptPerson(3, Cast("C"), [Static(0, 0)]),
        ]);
        var rows = GroundTruth.Rows(script).ToLookup(r => r.Id);

        var a = rows[1].ToDictionary(r => r.Frame);
        Assert.Equal((1f, 1f), (a[1].Visibility, a[1].Confidence));     // B still far away
        Assert.True(a[21].Visibility < 0.1f, $"{a[21].Visibility}");    // B's face right over A's
        Assert.Equal(0f, a[21].Confidence);
        Assert.Contains(rows[1], r => r.Visibility is > 0.5f and < 1f && r.Confidence == 1);   // partly hidden, still counted
        Assert.All(rows[2], r => Assert.Equal((1f, 1f), (r.Visibility, r.Confidence)));      // in front: never hidden
        Assert.All(rows[3], r => Assert.InRange(r.Visibility, 0.48f, 0.52f));                // half outside the frame
        Assert.Equal(41, rows[1].Count());
    }
}
