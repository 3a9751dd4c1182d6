namespace ArcFaceKit.Clips;

/// <summary>
/// How a clip is degraded: <paramref name="Crf"/> is libx264's quality (higher: more compression), <paramref name="Noise"/>
/// the strength of ffmpeg's temporal Gaussian noise (0: none), <paramref name="Defocus"/> the sigma of a whole-frame
/// Gaussian blur in pixels (0: none), <paramref name="Shutter"/> the fraction of a frame's time the shutter is open:
/// a sprite moving v pixels a frame is blurred along its motion by about Shutter * v pixels.
/// </summary>
internal sealed record ClipEffects(int Crf, float Noise, float Defocus, float Shutter)
{
    public static ClipEffects Clean { get; } = new(18, 0, 0, 0);
}
