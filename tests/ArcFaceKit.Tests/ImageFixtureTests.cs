using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;

namespace ArcFaceKit.Tests;

/// <summary>../shared/fixtures/images: each file behaves as its README says.</summary>
public class ImageFixtureTests
{
    [Theory]
    [InlineData("cmyk.jpg")]
    [InlineData("grayscale.jpg")]
    [InlineData("alpha.png")]
    [InlineData("face.bmp")]
    [InlineData("face.gif")]
    [InlineData("face.webp")]
    [InlineData("exif_orientation_6.jpg")]
    public void Each_format_decodes_to_one_face(string file)
    {
        var image = ImageDecoder.DecodeFile(Shared.Fixture($"images/{file}"));
        Assert.Single(Shared.YuNet.Detect(image));
    }

    [Fact]
    public void Exif_orientation_is_applied_so_the_face_matches_the_upright_photo()
    {
        var upright = ImageDecoder.DecodeFile(Shared.Fixture("images/face.bmp"));
        var rotated = ImageDecoder.DecodeFile(Shared.Fixture("images/exif_orientation_6.jpg"));
        Assert.Equal((upright.Width, upright.Height), (rotated.Width, rotated.Height));
        float similarity = CosineSimilarity.Between(Embed(upright), Embed(rotated));
        Assert.True(similarity > 0.9f, $"EXIF-rotated photo embeds at cosine {similarity} to the upright one");
    }

    [Fact]
    public void Two_faces_are_found_and_are_different_people()
    {
        var image = ImageDecoder.DecodeFile(Shared.Fixture("images/two_faces.jpg"));
        var faces = Shared.YuNet.Detect(image);
        Assert.Equal(2, faces.Count);
        var aligner = new Alignment.FaceAligner();
        var e = Shared.MobileFaceNet.EmbedEach(faces.Select(f => aligner.Align(image, f.Landmarks)));
        Assert.True(CosineSimilarity.Between(e[0], e[1]) < 0.3f);
    }

    [Fact]
    public void A_gradient_has_no_face_and_that_is_no_error() =>
        Assert.Empty(Shared.YuNet.Detect(ImageDecoder.DecodeFile(Shared.Fixture("images/no_face.jpg"))));

    [Theory]
    [InlineData("truncated.jpg", "truncated")]
    [InlineData("empty.jpg", "empty")]
    [InlineData("not_an_image.jpg", "not an image")]
    [InlineData("face.tiff", "not an image in a supported format")]
    public void Bad_files_get_a_clear_error(string file, string expected)
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeFile(Shared.Fixture($"images/{file}")));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_jpeg_can_be_accepted_as_partial_on_request()
    {
        var image = ImageDecoder.DecodeFile(Shared.Fixture("images/truncated.jpg"), new DecodeOptions { AllowPartial = true });
        Assert.True(image.Width > 0);
    }

    [Fact]
    public void A_pixel_bomb_is_refused_from_its_header_naming_the_limit()
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeFile(Shared.Fixture("images/pixel_bomb.png")));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains("40000x40000", e.Message, StringComparison.Ordinal);
        Assert.Contains("50,000,000", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 10_000_000, $"{allocated} bytes allocated: pixels were decoded");
    }

    [Fact]
    public void The_pixel_limit_is_configurable()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeFile(Shared.Fixture("images/face.bmp"), new DecodeOptions { MaxPixels = 100 }));
        Assert.Contains("over the limit of 100 pixels", e.Message, StringComparison.Ordinal);
    }

    private static float[] Embed(RgbImage image)
    {
        var face = Assert.Single(Shared.YuNet.Detect(image));
        return Shared.MobileFaceNet.Embed(new Alignment.FaceAligner().Align(image, face.Landmarks));
    }
}
