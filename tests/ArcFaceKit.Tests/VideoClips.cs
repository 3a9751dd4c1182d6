using System.Globalization;

namespace ArcFaceKit.Tests;

/// <summary>The real clips of ../shared/datasets/video, what ffprobe says of them, and the ffmpeg children of this process.</summary>
internal static class VideoClips
{
    public static string Path(string name) => System.IO.Path.Combine(Shared.Root, "datasets", "video", name);

    /// <summary>ffprobe's decoded frame count and size (-count_frames decodes the whole stream).</summary>
    public static (long Frames, int Width, int Height) CountedByFfprobe(string clip)
    {
        var (exit, stdout, stderr) = ChildProcess.Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", Path(clip)]);
        Assert.True(exit == 0, stderr);
        string[] f = stdout.Trim().Split(',');
        return (long.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture));
    }

    /// <summary>ffmpeg processes whose parent is this test process, zombies included (a zombie's /proc entry stays).</summary>
    public static List<int> FfmpegChildren(params int[] except)
    {
        var children = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), out int pid) || except.Contains(pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."
                string stat = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (stat.Contains("(ffmpeg)", StringComparison.Ordinal) && int.Parse(rest[1], CultureInfo.InvariantCulture) == Environment.ProcessId)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // It ended while being read.
            }
        }

        return children;
    }
}
