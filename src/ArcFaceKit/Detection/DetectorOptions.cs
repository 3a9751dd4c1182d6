namespace ArcFaceKit.Detection;

/// <summary>Thresholds and selection for any detector; null thresholds take the model family's defaults.</summary>
public sealed record DetectorOptions
{
    /// <summary>Minimum confidence (0..1); null: the family's default (YuNet 0.9, SCRFD 0.5, UltraFace 0.65).</summary>
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

    public FaceSelection Selection { get; init; } = FaceSelection.All;

    public static DetectorOptions Default { get; } = new();
}
