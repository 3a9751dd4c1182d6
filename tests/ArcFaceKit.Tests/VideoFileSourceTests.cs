using ArcFaceKit.Video;
using SkiaSharp;

namespace ArcFaceKit.Tests;

/// <summary>Video files decoded by ffmpeg: every sampled frame, its time and size; damage and a missing ffmpeg said clearly.</summary>
[Collection(VideoCollection.Name)]
public sealed class VideoFileSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-video-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("walking.gif")]
    [InlineData("webcam-b.mp4")]
    public async Task A_file_delivers_every_frame_ffprobe_counts_at_its_size(string clip)
    {
        var (frames, width, height) = VideoClips.CountedByFfprobe(clip);
        await using var source = await VideoSource.OpenAsync(VideoClips.Path(clip));
        Assert.Equal((width, height, frames), (source.Info!.Width, source.Info.Height, source.Info.FrameCount));

        long count = 0;
        await foreach (var frame in source.ReadFramesAsync())
        {
            Assert.Equal((count++, width, height, width * height * 3), (frame.Index, frame.Width, frame.Height, frame.Image.Pixels.Length));
        }

        Assert.Equal(frames, count);
        Assert.False(source.IsLive);
        Assert.Equal((frames, frames, 0L), (source.Stats.Decoded, source.Stats.Delivered, source.Stats.Dropped));
    }

    [Fact]
    public async Task A_gif_frame_time_is_the_sum_of_the_delays_before_it()
    {
        // Skia reads the GIF's own frame delays (milliseconds, from centiseconds): an account independent of ffmpeg.
        using var codec = SKCodec.Create(VideoClips.Path("walking.gif"));
        var starts = new List<TimeSpan> { TimeSpan.Zero };
        foreach (var info in codec.FrameInfo[..^1])
        {
            starts.Add(starts[^1] + TimeSpan.FromMilliseconds(info.Duration));
        }

        await using var source = await VideoSource.OpenAsync(VideoClips.Path("walking.gif"));
        var times = await Times(source);
        Assert.Equal(starts, times);
        Assert.Contains(codec.FrameInfo, f => f.Duration != codec.FrameInfo[0].Duration);   // the delays do vary (80 and 90 ms)
    }

    [Fact]
    public async Task An_mp4_frame_time_is_its_presentation_time_in_display_order()
    {
        // webcam-b: 25 fps in a 1/25 time base; franck would need B-frame reordering, so check it against ffprobe below.
        await using var webcam = await VideoSource.OpenAsync(VideoClips.Path("webcam-b.mp4"));
        var times = await Times(webcam);
        Assert.Equal(Enumerable.Range(0, 765).Select(i => TimeSpan.FromMilliseconds(i * 40)), times);

        // franck: B-frames, a 1/12288 time base; decoded frames come in presentation order, each with its own time.
        var (_, stdout, _) = ChildProcess.Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-read_intervals", "%+3", "-show_entries", "packet=pts", "-of", "csv=p=0", VideoClips.Path("franck.mp4")]);
        var expected = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => long.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).Order()
            .Select(pts => TimeSpan.FromTicks((long)Math.Round(pts * 1e7 / 12288))).Take(48).ToList();
        await using var franck = await VideoSource.OpenAsync(VideoClips.Path("franck.mp4"));
        var first = new List<TimeSpan>();
        await foreach (var frame in franck.ReadFramesAsync())
        {
            first.Add(frame.Timestamp);
            if (first.Count == expected.Count)
            {
                break;
            }
        }

        Assert.Equal(expected, first);
    }

    [Theory]
    [InlineData(5.0, 153, false)]   // 765 frames at 25 fps: one in five, at 0, 0.2, 0.4 s ...
    [InlineData(0.1, 4, true)]      // keyframes every 10 s: each 10 s interval holds one, so only keyframes are decoded
    public async Task Sampling_keeps_the_first_frame_of_each_interval(double fps, int expected, bool keyFramesOnly)
    {
        await using var source = await VideoSource.OpenAsync(VideoClips.Path("webcam-b.mp4"), new VideoSourceOptions { Fps = fps });
        Assert.Equal(keyFramesOnly, source.DecodesKeyFramesOnly);
        var times = await Times(source);
        Assert.Equal(Enumerable.Range(0, expected).Select(k => TimeSpan.FromMilliseconds(Math.Round(k * 1000 / fps))), times);
    }

    [Theory]
    [InlineData(null, null, null, null, 200, 200, 200, 150)]   // 400x300 scaled down, aspect kept
    [InlineData(11, 21, 201, 151, null, null, 201, 151)]       // an odd region, exact
    [InlineData(0, 0, 300, 280, 150, 150, 150, 140)]           // the region first, then scaled
    [InlineData(null, null, null, null, 100, null, 100, 75)]   // one side bounded
    [InlineData(null, null, null, null, 800, 800, 400, 300)]   // never enlarged
    public async Task Region_and_maximum_size_give_the_expected_frame_size(int? x, int? y, int? w, int? h, int? maxWidth, int? maxHeight, int width, int height)
    {
        var options = new VideoSourceOptions { MaxWidth = maxWidth, MaxHeight = maxHeight, Region = x is null ? null : new VideoRegion(x.Value, y!.Value, w!.Value, h!.Value) };
        await using var source = await VideoSource.OpenAsync(VideoClips.Path("webcam-a.mp4"), options);
        var frame = await First(source);
        Assert.Equal((width, height), (frame.Width, frame.Height));
    }

    [Fact]
    public async Task A_region_holds_the_pixels_of_that_part_of_the_frame()
    {
        await using var whole = await VideoSource.OpenAsync(VideoClips.Path("webcam-a.mp4"));
        await using var part = await VideoSource.OpenAsync(VideoClips.Path("webcam-a.mp4"), new VideoSourceOptions { Region = new VideoRegion(100, 50, 200, 150) });
        var expected = (await First(whole)).Image.Crop(100, 50, 200, 150).Pixels;
        var actual = (await First(part)).Image.Pixels;
        // Cropped before the RGB conversion, so chroma is interpolated a little differently at the edges; misplaced, it would differ by tens.
        double meanDifference = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanDifference, 0, 2);
    }

    [Fact]
    public async Task A_region_outside_the_frame_is_refused_at_opening()
    {
        var e = await Assert.ThrowsAsync<VideoSourceException>(() => VideoSource.OpenAsync(VideoClips.Path("webcam-a.mp4"), new VideoSourceOptions { Region = new VideoRegion(300, 0, 200, 100) }));
        Assert.Contains("outside the 400x300 frame", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_mp4_yields_its_frames_then_a_clear_error()
    {
        byte[] whole = await File.ReadAllBytesAsync(VideoClips.Path("webcam-b.mp4"));   // its index (moov) comes first
        string truncated = Path.Combine(_dir, "cut.mp4");
        await File.WriteAllBytesAsync(truncated, whole[..(whole.Length / 2)]);

        await using var source = await VideoSource.OpenAsync(truncated);
        var times = new List<TimeSpan>();
        var e = await Assert.ThrowsAsync<VideoSourceException>(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync())
            {
                times.Add(frame.Timestamp);
            }
        });
        Assert.InRange(times.Count, 300, 450);   // about half of 765
        Assert.Equal(Enumerable.Range(0, times.Count).Select(i => TimeSpan.FromMilliseconds(i * 40)), times);
        Assert.Contains($"damaged or truncated after frame {times.Count - 1}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_video_is_refused_with_a_clear_error()
    {
        string garbage = Path.Combine(_dir, "noise.mp4");
        var bytes = new byte[100_000];
        new Random(31).NextBytes(bytes);
        await File.WriteAllBytesAsync(garbage, bytes);

        var e = await Assert.ThrowsAsync<VideoSourceException>(() => VideoSource.OpenAsync(garbage));
        Assert.StartsWith($"{garbage}: not a video ffprobe can read, or damaged or truncated (", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" @ 0x", e.Message, StringComparison.Ordinal);   // ffmpeg's component prefixes are left out
        Assert.DoesNotContain('\n', e.Message);
        await Assert.ThrowsAsync<VideoSourceException>(() => VideoSource.OpenAsync(Path.Combine(_dir, "absent.mp4")));
    }

    [Theory]
    [InlineData("/nonexistent/bin/ffmpeg")]
    [InlineData("ffmpeg-that-is-not-installed")]
    public async Task Without_ffmpeg_one_line_says_how_to_install_it(string ffmpeg)
    {
        var e = await Assert.ThrowsAsync<VideoSourceException>(() => VideoSource.OpenAsync(VideoClips.Path("walking.gif"), new VideoSourceOptions { FfmpegPath = ffmpeg }));
        Assert.Contains("apt-get install ffmpeg", e.Message, StringComparison.Ordinal);
        Assert.Contains(ffmpeg, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_file_that_ends_is_read_once_and_not_reopened()
    {
        await using var source = await VideoSource.OpenAsync(VideoClips.Path("walking.gif"));
        var statuses = new List<VideoSourceStatus>();
        source.StatusChanged += (_, s) => statuses.Add(s);
        Assert.Equal(35, (await Times(source)).Count);
        Assert.Empty(statuses);
        Assert.Throws<InvalidOperationException>(() => source.ReadFramesAsync());
        Assert.Empty(VideoClips.FfmpegChildren());
    }

    [Fact]
    public async Task Cancelling_or_leaving_early_ends_ffmpeg_and_leaves_no_zombie()
    {
        using var cancel = new CancellationTokenSource();
        await using var cancelled = await VideoSource.OpenAsync(VideoClips.Path("franck.mp4"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var frame in cancelled.ReadFramesAsync(cancel.Token))
            {
                Assert.Single(VideoClips.FfmpegChildren());   // the decoder is running
                if (frame.Index == 5)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        Assert.Empty(VideoClips.FfmpegChildren());

        await using var left = await VideoSource.OpenAsync(VideoClips.Path("franck.mp4"));
        await First(left);
        Assert.Empty(VideoClips.FfmpegChildren());
    }

    private static async Task<List<TimeSpan>> Times(VideoSource source)
    {
        var times = new List<TimeSpan>();
        await foreach (var frame in source.ReadFramesAsync())
        {
            times.Add(frame.Timestamp);
        }

        return times;
    }

    private static async Task<VideoFrame> First(VideoSource source)
    {
        await foreach (var frame in source.ReadFramesAsync())
        {
            return frame;
        }

        throw new InvalidOperationException("no frame");
    }
}
