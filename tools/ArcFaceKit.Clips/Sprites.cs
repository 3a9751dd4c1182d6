using System.Runtime.InteropServices;
using ArcFaceKit.Imaging;
using SkiaSharp;

namespace ArcFaceKit.Clips;

/// <summary>
/// A photo's head region as a Skia image with the feathered elliptical mask of <see cref="SpriteMask"/> in its alpha
/// (premultiplied), transparent where the region reaches past the photo. One image a photo, made once a clip.
/// </summary>
internal static class Sprites
{
    /// <summary>
    /// Where the head region reaches past the photo, the photo's edge fades over this many pixels instead of cutting
    /// hard: half opaque one pixel in, where <see cref="ClipScene"/> puts the edge that hides.
    /// </summary>
    public const float EdgeFade = 2f;

    public static SKImage Make(StillFace still)
    {
        var photo = ImageDecoder.DecodeFile(still.Path);
        var head = still.Head;
        int width = (int)head.Width, height = (int)head.Height, left = (int)head.X, top = (int)head.Y;
        var rgba = new byte[width * height * 4];
        for (int j = 0; j < height; j++)
        {
            int py = top + j;
            float dy = (j + 0.5f - (height / 2f)) / (height / 2f);
            for (int i = 0; i < width; i++)
            {
                int px = left + i;
                if (px < 0 || py < 0 || px >= photo.Width || py >= photo.Height)
                {
                    continue;
                }

                // The same normalised radius PersonPose.Hides measures, at the pixel's centre.
                float dx = (i + 0.5f - (width / 2f)) / (width / 2f);
                float edge = Math.Min(Math.Min(px + 0.5f, photo.Width - px - 0.5f), Math.Min(py + 0.5f, photo.Height - py - 0.5f));
                float alpha = SpriteMask.Alpha(MathF.Sqrt((dx * dx) + (dy * dy))) * Math.Clamp(edge / EdgeFade, 0f, 1f);
                int s = ((py * photo.Width) + px) * 3, d = ((j * width) + i) * 4;
                rgba[d] = (byte)MathF.Round(photo.Pixels[s] * alpha);
                rgba[d + 1] = (byte)MathF.Round(photo.Pixels[s + 1] * alpha);
                rgba[d + 2] = (byte)MathF.Round(photo.Pixels[s + 2] * alpha);
                rgba[d + 3] = (byte)MathF.Round(255 * alpha);
            }
        }

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return SKImage.FromBitmap(bitmap);
    }
}
