using System.Text.Json;
using ArcFaceKit.Clips;
using ArcFaceKit.Evaluation;

namespace ArcFaceKit.Tests;

/// <summary>`arcface video`, `arcface eval video` and `arcface eval video-set` end to end on real and generated clips.</summary>
[Collection(VideoCollection.Name)]
public sealed class VideoCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-video-cli-").FullName;

    private static string[] Models => ["--detector", Shared.Model("yunet_s_dynamic.onnx"), "--embedder", Shared.Model("mobilefacenet_a.onnx")];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Video_writes_events_tracks_best_faces_and_sheets_and_ends_with_a_summary()
    {
        string output = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = CliRunner.Run(["video", VideoClips.Path("head-pose-two.gif"), "--fps", "5", "--gallery", Path.Combine(_dir, "none.db"), "--out", output, "--json", "--annotate", Path.Combine(_dir, "annotated.mp4"), .. Models]);
        Assert.True(code == 0, stderr);

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(2, summary.GetProperty("visitors").GetArrayLength());
        Assert.Empty(summary.GetProperty("subjects").EnumerateArray());
        var events = lines[..^1].Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(events.Count, File.ReadAllLines(Path.Combine(output, "events.jsonl")).Length);
        var ended = events.Where(e => e.GetProperty("event").GetString() == "track-ended").ToList();
        Assert.All(ended, e => Assert.True(File.Exists(e.GetProperty("face").GetString())));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(output, "people"), "visitor-*.png").Length);

        var tracks = MotChallengeText.Read(Path.Combine(output, "tracks.txt"));
        Assert.Equal(ended.Select(e => e.GetProperty("track").GetInt32()).Order(), tracks.Select(r => r.Id).Distinct().Order());
        Assert.InRange(tracks.Max(r => r.Frame), 50, 56);   // numbered as the GIF's 56 frames at 12 a second, though 5 a second were analysed
        Assert.InRange(tracks.Select(r => r.Frame).Distinct().Count(), 15, 23);
        var analysed = File.ReadAllLines(Path.Combine(output, "frames.txt")).Select(int.Parse).ToList();   // the frames analysed, tracks or not
        Assert.InRange(analysed.Count, 22, 24);
        Assert.Subset(analysed.ToHashSet(), tracks.Select(r => r.Frame).ToHashSet());

        // The annotated video: every analysed frame (4.6 s at 5 frames a second), at the clip's size, and nothing left half-written.
        var (frames, width, height) = VideoClips.CountedByFfprobe(Path.Combine(_dir, "annotated.mp4"));
        Assert.Equal((480, 270), (width, height));
        Assert.InRange(frames, 22, 24);
        Assert.Empty(Directory.GetFiles(_dir, "*.partial"));
    }

    [Fact]
    public void Eval_video_set_measures_a_generated_set_at_a_sampled_rate_on_the_frames_it_analysed()
    {
        // Two generated clips (three LFW people), 20 distractors, 5 frames a second analysed out of 25.
        string set = Path.Combine(_dir, "set"), output = Path.Combine(_dir, "set-out");
        var manifest = ClipSetWriter.Write(ClipOptions.Parse(["--out", set, "--count", "2", "--shared", Shared.Root]), TextWriter.Null);
        var (code, stdout, stderr) = CliRunner.Run(["eval", "video-set", "--set", set, "--shared", Shared.Root, "--distractors", "20", "--fps", "5", "--out", output, "--json", .. Models]);
        Assert.True(code == 0, stderr);

        var report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(2, report.GetProperty("clips").GetInt32());
        Assert.Equal(20, report.GetProperty("distractors").GetInt32());
        var tracking = report.GetProperty("tracking");
        Assert.InRange(tracking.GetProperty("idf1").GetDouble(), 0.6, 1);   // measured on the analysed frames, not against all 25 a second
        Assert.InRange(tracking.GetProperty("truthBoxes").GetInt32(), 1, manifest.Clips.Sum(c => c.Rows - c.IgnoredRows) / 4);
        int enrolled = manifest.Clips.Sum(c => c.People.Count(p => p.Enrolled));
        Assert.InRange(report.GetProperty("peopleNamed").GetInt32() + report.GetProperty("peopleNeverNamed").GetInt32(), 1, enrolled);   // those ever at the minimum size
        Assert.InRange(report.GetProperty("medianSecondsToIdentification").GetDouble(), 0, 3);

        // The kept tracks are numbered as the clip's own frames, so they line up with its ground truth.
        var tracks = MotChallengeText.Read(Path.Combine(output, "clip01", "tracks.txt"));
        Assert.True(tracks.Max(r => r.Frame) > 3 * tracks.Select(r => r.Frame).Distinct().Count());
    }

    [Fact]
    public void A_truncated_video_fails_with_one_line_and_keeps_the_events_and_tracks_up_to_the_damage()
    {
        byte[] whole = File.ReadAllBytes(VideoClips.Path("webcam-b.mp4"));
        string truncated = Path.Combine(_dir, "cut.mp4"), output = Path.Combine(_dir, "out");
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        var (code, _, stderr) = CliRunner.Run(["video", truncated, "--fps", "5", "--gallery", Path.Combine(_dir, "none.db"), "--out", output, .. Models]);

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr.Trim(), StringComparison.Ordinal);
        Assert.Contains("damaged or truncated", stderr, StringComparison.Ordinal);
        Assert.Contains("track-started", File.ReadAllText(Path.Combine(output, "events.jsonl")), StringComparison.Ordinal);
        Assert.InRange(MotChallengeText.Read(Path.Combine(output, "tracks.txt")).Max(r => r.Frame), 300, 450);   // about half of its 765 frames (30 s at 25 a second)
    }

    [Fact]
    public void A_folder_of_videos_groups_the_unknown_people_across_them()
    {
        string folder = Path.Combine(_dir, "videos");
        Directory.CreateDirectory(folder);
        foreach (var clip in new[] { "webcam-a.mp4", "webcam-b.mp4", "head-pose-one.gif", "walking.gif" })
        {
            File.CreateSymbolicLink(Path.Combine(folder, clip), VideoClips.Path(clip));
        }

        string output = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = CliRunner.Run(["video", folder, "--fps", "5", "--gallery", Path.Combine(_dir, "none.db"), "--out", output, "--json", .. Models]);
        Assert.True(code == 0, stderr);

        // The same man in both webcam clips is one person; the others are one each (walking.gif has two).
        var people = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "people.json"))).RootElement.EnumerateArray()
            .Select(p => p.GetProperty("appearances").EnumerateArray().Select(a => Path.GetFileName(a.GetProperty("source").GetString()!)).Distinct().Order().ToList()).ToList();
        Assert.Equal(4, people.Count);
        Assert.Contains(people, p => p.SequenceEqual(["webcam-a.mp4", "webcam-b.mp4"]));
        Assert.Equal(2, people.Count(p => p.SequenceEqual(["walking.gif"])));
        Assert.True(File.Exists(Path.Combine(output, "webcam-b", "tracks.txt")));
        Assert.Contains("\"unknown\":true", stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_video_measures_tracks_and_their_names_against_ground_truth()
    {
        // Two people for three frames; the tracker swapped its ids on the third and named one track wrongly.
        File.WriteAllLines(Path.Combine(_dir, "gt.txt"), ["1,1,0,0,10,10,1,-1,1", "1,2,50,0,10,10,1,-1,1", "2,1,0,0,10,10,1,-1,1", "2,2,50,0,10,10,1,-1,1", "3,1,0,0,10,10,1,-1,1", "3,2,50,0,10,10,1,-1,1"]);
        File.WriteAllLines(Path.Combine(_dir, "tracks.txt"), ["1,7,0,0,10,10,1,-1,-1", "1,8,50,0,10,10,1,-1,-1", "2,7,0,0,10,10,1,-1,-1", "2,8,50,0,10,10,1,-1,-1", "3,8,0,0,10,10,1,-1,-1", "3,7,50,0,10,10,1,-1,-1"]);
        File.WriteAllLines(Path.Combine(_dir, "names.txt"), ["1 ann", "2 -"]);
        File.WriteAllLines(Path.Combine(_dir, "events.jsonl"), [
            """{"source":"x","event":"track-ended","track":7,"person":"ann","visitor":false,"firstSeen":0,"lastSeen":1}""",
            """{"source":"x","event":"track-ended","track":8,"person":"bob","visitor":false,"firstSeen":0,"lastSeen":1}"""]);

        var (code, stdout, stderr) = CliRunner.Run(["eval", "video", "--truth", Path.Combine(_dir, "gt.txt"), "--tracks", Path.Combine(_dir, "tracks.txt"),
            "--truth-names", Path.Combine(_dir, "names.txt"), "--events", Path.Combine(_dir, "events.jsonl"), "--json"]);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(1 - (2 / 6.0), json.GetProperty("mota").GetDouble(), 6);          // two identity switches in six boxes
        Assert.Equal(2 * 4 / 12.0, json.GetProperty("idf1").GetDouble(), 6);          // each track right on two of three frames
        var identification = json.GetProperty("identification");
        Assert.Equal(1, identification.GetProperty("correct").GetInt32());            // track 7 follows ann and is named ann
        Assert.Equal(1, identification.GetProperty("unknownNamed").GetInt32());       // track 8 follows the unknown person, named bob

        // Analysed at a sampled rate (frames 1 and 3 only, frames.txt beside the tracks): measured on those frames, so
        // the frame the analysis never saw counts no misses.
        File.WriteAllLines(Path.Combine(_dir, "tracks.txt"), ["1,7,0,0,10,10,1,-1,-1", "1,8,50,0,10,10,1,-1,-1", "3,7,0,0,10,10,1,-1,-1", "3,8,50,0,10,10,1,-1,-1"]);
        File.WriteAllLines(Path.Combine(_dir, "frames.txt"), ["1", "3"]);
        (code, stdout, stderr) = CliRunner.Run(["eval", "video", "--truth", Path.Combine(_dir, "gt.txt"), "--tracks", Path.Combine(_dir, "tracks.txt"), "--json"]);
        Assert.True(code == 0, stderr);
        json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(1, json.GetProperty("mota").GetDouble(), 6);
        Assert.Equal(2, json.GetProperty("metrics").GetProperty("frames").GetInt32());
    }
}
