namespace ArcFaceKit.Detection;

/// <summary>Thresholds and sizes for the library's detectors; null thresholds take the model family's defaults.</summary>
public sealed record DetectorOptions
{
    /// <summary>Minimum confidence (0..1); null: the family's default (YuNet 0.6, measured; SCRFD 0.5; UltraFace 0.65).</summary>
    public float? ScoreThreshold { get; init; }

    /// <summary>IoU above which the weaker of two boxes is dropped; null: the family's default (YuNet 0.3, SCRFD/UltraFace 0.4).</summary>
    public float? NmsThreshold { get; init; }

    /// <summary>Faces whose box is smaller than this many pixels on its shorter side are dropped.</summary>
    public float MinFaceSize { get; init; }

    /// <summary>
    /// Network input side for models that take several sizes: the image is scaled (up or down) so its longer side is this
    /// (YuNet dynamic: then padded to multiples of 32; SCRFD: letterboxed into a square). Faces detect best at about
    /// 20-40% of it: 640 suits photos; for tight face crops (LFW's 150px frames) 320 matches OpenCV reference runs.
    /// </summary>
    public int InputSize { get; init; } = 640;

    /// <summary>
    /// The most a small image is enlarged to reach <see cref="InputSize"/> (YuNet dynamic, SCRFD): enlarging LFW's 150 px
    /// photos to 640 (4.3x) left 5,606 of 7,701 without a face at score 0.9; at 2x, 10 (and none at 0.6), and the CelebA
    /// subset (213x320) lost the fewest faces at 2x (docs/accuracy.md: detector defaults, `bench detector-defaults`).
    /// </summary>
    public float MaxUpscale { get; init; } = 2f;

    /// <summary>How much an image of this size is scaled before detection: to fit <see cref="InputSize"/>, enlarged at most <see cref="MaxUpscale"/>.</summary>
    public float ScaleFor(int width, int height) => Math.Min((float)InputSize / Math.Max(width, height), Math.Max(MaxUpscale, float.Epsilon));

    /// <summary>
    /// The most faces of one photo considered (the largest kept): each costs an alignment and an embedding. The default
    /// 50 is a policy, not a measurement: a crowd photo then costs at most a second or two of one analysis slot (a
    /// one-face photo takes about 27 ms, `bench pipeline`) and a team or class photo is still whole.
    /// </summary>
    public int MaxFaces { get; init; } = DefaultMaxFaces;

    public const int DefaultMaxFaces = 50;

    public static DetectorOptions Default { get; } = new();
}
