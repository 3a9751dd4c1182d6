using ArcFaceKit.Detection;
using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Service;
using ArcFaceKit.Video;
using Microsoft.Extensions.DependencyInjection;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>The video tests' person: the man of webcam-a.mp4 and webcam-b.mp4 (../shared/datasets/video), and a server that can recognise him in video.</summary>
internal static class WebcamMan
{
    public const string Subject = "webcam-man";

    public static string Clip(string clip) => Path.Combine(SharedRoot.Path, "datasets", "video", clip);

    /// <summary>The server's options with YuNet at the library's defaults (the clips' small faces need its upscaling) and quick reconnects.</summary>
    public static ServerOptions Options(string folder, Action<ServerOptions> more)
    {
        var options = TestModels.Options(o => o.SqlitePath = Path.Combine(folder, "cameras.db"));
        options.Models = options.Models! with { Detection = DetectorOptions.Default };
        options.Cameras = new CameraOptions
        {
            StallTimeout = TimeSpan.FromSeconds(2), ReconnectDelay = TimeSpan.FromMilliseconds(100), MaxReconnectDelay = TimeSpan.FromMilliseconds(400), VisitGap = TimeSpan.FromMinutes(5),
        };
        more(options);
        return options;
    }

    /// <summary>The man of webcam-a, from its frames at 0, 20 and 40 s, enrolled through the server's own gallery workflows.</summary>
    public static async Task EnrolAsync(TestApp app)
    {
        var frames = new List<PhotoToEnroll>();
        await using (var source = await VideoSource.OpenAsync(Clip("webcam-a.mp4"), new VideoSourceOptions { Fps = 0.05 }))
        {
            await foreach (var frame in source.ReadFramesAsync())
            {
                frames.Add(new PhotoToEnroll(frame.Image, $"webcam-a at {frame.Timestamp}"));
            }
        }

        await app.Services.GetRequiredService<GalleryService>().EnrollAsync(app.Store, Subject, frames, FaceSelection.Largest, "test");
    }
}
