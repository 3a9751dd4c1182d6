using ArcFaceKit.Server.Security;

namespace ArcFaceKit.Server.Videos;

/// <summary>
/// The limits of video jobs (configuration section ArcFace:Videos): an uploaded video analysed in the background, one
/// job at a time on the server's shared pipeline, its results kept for a while.
/// </summary>
public sealed class VideoJobOptions
{
    /// <summary>The largest upload (512 MiB: an hour of 720p at about 1 Mbit/s, with room).</summary>
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// The longest video. An hour: the whole analysis runs at 2-4x real time on a 2-core machine at 5 analysed frames a
    /// second (docs/video.md, bench video), so an hour's job takes 15-30 minutes.
    /// </summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most jobs kept at once, queued, running and finished together: a new one beyond is refused (429).</summary>
    public int MaxJobs { get; set; } = 20;

    /// <summary>How long a finished job's results are kept.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The hosts a video may be fetched from by URL (POST /v1/videos/from-url), as webhooks' targets are given: names,
    /// addresses and CIDR ranges. None by default: videos are uploaded, and URLs refused.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>How long fetching a video by URL may take, before its analysis.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public void Validate()
    {
        if (MaxUploadBytes < 1 || MaxDuration <= TimeSpan.Zero || MaxJobs < 0 || Retention < TimeSpan.Zero || DownloadTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Videos: MaxUploadBytes, MaxDuration and DownloadTimeout must be positive, MaxJobs and Retention not negative.");
        }

        HostAllowList.Parse(AllowedHosts, OutboundPurpose.Videos);
    }
}
