using System.Globalization;
using ArcFaceKit.Video;

namespace ArcFaceKit.Clips;

/// <summary>
/// How a clip is encoded: its rate and CRF, and its defocus (gblur) and temporal Gaussian noise (seeded by the clip's
/// seed) applied by ffmpeg, which does them in C on its own threads; frames go as RGBA, Skia's own layout.
/// </summary>
internal static class ClipEncoding
{
    public static VideoEncoding For(ClipScript script, string ffmpeg)
    {
        var fx = script.Effects;
        var filters = new List<string>();
        if (fx.Defocus > 0)
        {
            filters.Add(string.Create(CultureInfo.InvariantCulture, $"gblur=sigma={fx.Defocus}"));
        }

        if (fx.Noise > 0)
        {
            filters.Add(string.Create(CultureInfo.InvariantCulture, $"noise=alls={(int)fx.Noise}:allf=t:all_seed={script.Seed}"));
        }

        return new VideoEncoding(script.Fps, fx.Crf, filters.Count > 0 ? string.Join(',', filters) : null, Rgba: true, ffmpeg);
    }
}
