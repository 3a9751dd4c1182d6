using System.Text.Json.Serialization;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Models;

/// <summary>How a model wants its pixels: size, channel order, value = (pixel - mean) / std, NCHW.</summary>
public sealed record InputContract
{
    /// <summary>Input width in pixels; 0 where the model takes any size (the detector options choose it).</summary>
    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>RGB, BGR or GRAY.</summary>
    public string Channels { get; init; } = "RGB";

    public float[] Mean { get; init; } = [0f, 0f, 0f];

    public float[] Std { get; init; } = [1f, 1f, 1f];

    public string Layout { get; init; } = "NCHW";

    /// <summary>True where the model's batch dimension is free; otherwise batches run one image at a time.</summary>
    public bool DynamicBatch { get; init; }

    [JsonIgnore]
    public int ChannelCount => Channels == "GRAY" ? 1 : 3;

    /// <summary>Checks the contract is one this library can feed.</summary>
    public void Validate(string owner)
    {
        if (Channels is not ("RGB" or "BGR" or "GRAY"))
        {
            throw new ModelContractException($"{owner}: channels must be RGB, BGR or GRAY, not '{Channels}'.");
        }

        if (Layout != "NCHW")
        {
            throw new ModelContractException($"{owner}: only NCHW layout is supported, not '{Layout}'.");
        }

        if (Mean.Length != ChannelCount || Std.Length != ChannelCount || Std.Any(s => s == 0))
        {
            throw new ModelContractException($"{owner}: mean and std need {ChannelCount} values each, std non-zero.");
        }
    }

    /// <summary>Writes one image (already at the model's size) into <paramref name="destination"/> as normalised NCHW planes.</summary>
    public void Fill(RgbImage image, Span<float> destination)
    {
        int plane = image.Width * image.Height;
        if (destination.Length < plane * ChannelCount)
        {
            throw new ArgumentException("Destination too small for the image.", nameof(destination));
        }

        var px = image.Pixels;
        if (Channels == "GRAY")
        {
            float m = Mean[0], s = 1f / Std[0];
            for (int i = 0, p = 0; i < plane; i++, p += 3)
            {
                // OpenCV's BGR2GRAY weights, rounded to a byte as OpenCV does.
                float gray = MathF.Round((0.299f * px[p]) + (0.587f * px[p + 1]) + (0.114f * px[p + 2]));
                destination[i] = (gray - m) * s;
            }

            return;
        }

        bool bgr = Channels == "BGR";
        int c0 = bgr ? 2 : 0, c2 = bgr ? 0 : 2;
        float m0 = Mean[0], m1 = Mean[1], m2 = Mean[2];
        float s0 = 1f / Std[0], s1 = 1f / Std[1], s2 = 1f / Std[2];
        var d0 = destination[..plane];
        var d1 = destination.Slice(plane, plane);
        var d2 = destination.Slice(2 * plane, plane);
        for (int i = 0, p = 0; i < plane; i++, p += 3)
        {
            d0[i] = (px[p + c0] - m0) * s0;
            d1[i] = (px[p + 1] - m1) * s1;
            d2[i] = (px[p + c2] - m2) * s2;
        }
    }
}
