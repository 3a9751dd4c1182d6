using System.Globalization;
using System.Text.RegularExpressions;

namespace ArcFaceKit.Training.Experiments;

/// <summary>
/// One head setting of the loss comparison: the loss, its feature scale (a number or "auto", see FeatureScale; none for
/// the heads without one) and its margin (none: the head's default). Its key names its result files.
/// </summary>
public sealed partial record ComparisonSetting(string Loss, string? Scale = null, double? Margin = null)
{
    /// <summary>"arcface-sauto-m0.4", "cosface-s64-m0.35", "softmax".</summary>
    public string Key => Loss + (Scale is null ? "" : $"-s{Scale}") + (Margin is null ? "" : string.Create(CultureInfo.InvariantCulture, $"-m{Margin:0.###}"));

    /// <summary>
    /// The sweep the issue asks for, after the ArcFace paper's Table 2: Softmax, Center loss and SphereFace as they
    /// are; CosFace (m 0.25, 0.35), ArcFace (m 0.3, 0.4, 0.5) and the combined margin (1, 0.3, 0.2), each at the scale
    /// rule and at 64.
    /// </summary>
    public static IReadOnlyList<ComparisonSetting> Sweep { get; } =
    [
        new("softmax"), new("center"), new("sphereface"),
        .. new[] { "auto", "64" }.SelectMany(s => new ComparisonSetting[]
        {
            new("cosface", s, 0.25), new("cosface", s, 0.35),
            new("arcface", s, 0.3), new("arcface", s, 0.4), new("arcface", s, 0.5),
            new("combined", s),
        }),
    ];

    public static ComparisonSetting Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var m = KeyPattern().Match(key);
        if (!m.Success)
        {
            throw new ArgumentException($"'{key}' is not a setting: LOSS[-sSCALE][-mMARGIN], e.g. arcface-sauto-m0.4.", nameof(key));
        }

        return new ComparisonSetting(
            m.Groups["loss"].Value,
            m.Groups["scale"].Success ? m.Groups["scale"].Value : null,
            m.Groups["margin"].Success ? double.Parse(m.Groups["margin"].Value, CultureInfo.InvariantCulture) : null);
    }

    [GeneratedRegex(@"^(?<loss>[a-z]+(-softmax)?)(-s(?<scale>auto|[0-9.]+))?(-m(?<margin>[0-9.]+))?$")]
    private static partial Regex KeyPattern();
}
