using System.Globalization;

namespace ArcFaceKit.Training.Heads;

/// <summary>
/// The feature scale s of the normalised heads. s = 64 suits tens of thousands of classes; with fewer it saturates
/// the softmax, so that the loss stops telling easy samples from hard ones. AdaCos (Zhang et al., CVPR 2019) gives the
/// fixed scale that keeps it informative for C classes: s = sqrt(2) ln(C - 1), about 8 for 299 classes.
/// </summary>
public static class FeatureScale
{
    /// <summary>The value the name "auto" stands for.</summary>
    public const string Auto = "auto";

    /// <summary>AdaCos's fixed scale for <paramref name="classes"/> classes (at least 3: the rule is 0 for 2).</summary>
    public static double AdaCos(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 3);
        return Math.Sqrt(2) * Math.Log(classes - 1);
    }

    /// <summary>"auto" (<see cref="AdaCos"/>) or a positive number.</summary>
    public static double Parse(string text, int classes)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.Equals(text, Auto, StringComparison.OrdinalIgnoreCase))
        {
            return AdaCos(classes);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double scale) && scale > 0
            ? scale
            : throw new ArgumentException($"The scale must be '{Auto}' or a positive number, not '{text}'.", nameof(text));
    }
}
