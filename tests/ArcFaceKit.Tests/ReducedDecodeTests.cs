using ArcFaceKit.Pipeline;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using SkiaSharp;

namespace ArcFaceKit.Tests;

/// <summary>Large JPEGs are decoded at the codec's reduced scale for analysis; what is found is reported in the photo's own pixels.</summary>
public sealed class ReducedDecodeTests
{
    [Fact]
    public async Task A_large_jpeg_is_decoded_at_half_scale_and_finds_the_same_face_in_photo_coordinates()
    {
        // A real face enlarged to 4,800 x 4,800 (23 MP, over the 16 MP default): decoded at 1/2.
        var face = ImageDecoder.DecodeFile(Shared.LfwImage("Abel_Pacheco_0001.jpg")).Resize(4800, 4800);
        byte[] jpeg = Jpeg(face);
        using var service = Shared.OpenPipeline(Shared.ModelSet with { Detection = DetectorOptions.Default with { ScoreThreshold = 0.5f } });

        var uploads = new UploadDecoder();
        using var reduced = await uploads.DecodeAsync(jpeg);
        Assert.Equal((2400, 2400, 4800, 4800, 2f), (reduced.Image.Width, reduced.Image.Height, reduced.SourceWidth, reduced.SourceHeight, reduced.Scale));
        var full = ImageDecoder.Decode(jpeg);
        Assert.Equal(4800, full.Width);

        var fromReduced = Assert.Single(await service.AnalyzeAsync(reduced.Image));
        var fromFull = Assert.Single(await service.AnalyzeAsync(full));
        var box = fromReduced.Face.ScaledBy(reduced.Scale).Box;
        Assert.InRange(box.IoU(fromFull.Face.Box), 0.95f, 1f);
        Assert.InRange(CosineSimilarity.Between(fromReduced.Embedding, fromFull.Embedding), 0.97f, 1f);

        // PNG has no reduced decoding: it comes whole.
        using var png = await uploads.DecodeAsync(ImageEncoder.EncodePng(face));
        Assert.Equal((4800, 1f), (png.Image.Width, png.Scale));
    }

    internal static byte[] Jpeg(RgbImage image)
    {
        using var bitmap = ImageEncoder.ToBitmap(image);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
