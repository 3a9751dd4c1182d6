using System.Text.Json;
using ArcFaceKit.Alignment;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Tests;

/// <summary>Alignment must reproduce OpenCV (cv2.warpAffine over the Umeyama estimate) on the 24 LFW fixtures.</summary>
public class AlignmentFixtureTests
{
    public static TheoryData<string> Items()
    {
        var data = new TheoryData<string>();
        foreach (var item in Load().GetProperty("items").EnumerateArray())
        {
            data.Add(item.GetProperty("image").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Items))]
    public void Matrix_and_crop_match_the_OpenCV_reference(string image)
    {
        var item = Load().GetProperty("items").EnumerateArray().Single(i => i.GetProperty("image").GetString() == image);
        var landmarks = item.GetProperty("landmarks").EnumerateArray()
            .Select(p => new FacePoint(p[0].GetSingle(), p[1].GetSingle())).ToList();
        var expected = item.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

        var aligner = new FaceAligner();
        var m = aligner.TransformFor(landmarks).ToArray();
        for (int r = 0; r < 2; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                Assert.True(Math.Abs(m[r][c] - expected[r][c]) <= 1e-3, $"matrix[{r}][{c}] = {m[r][c]}, OpenCV {expected[r][c]}");
            }
        }

        var crop = aligner.Align(ImageDecoder.DecodeFile(Shared.LfwImage(image)), landmarks);
        var reference = ImageDecoder.DecodeFile(Shared.Fixture(Path.Combine("alignment", item.GetProperty("crop").GetString()!)));
        Assert.Equal((112, 112), (crop.Width, crop.Height));
        Assert.Equal((112, 112), (reference.Width, reference.Height));
        var sums = new double[3];
        int far = 0;
        for (int i = 0; i < crop.Pixels.Length; i++)
        {
            int diff = Math.Abs(crop.Pixels[i] - reference.Pixels[i]);
            sums[i % 3] += diff;
            if (diff > 2)
            {
                far++;
            }
        }

        int perChannel = 112 * 112;
        foreach (var s in sums)
        {
            Assert.True(s / perChannel <= 1.0, $"mean absolute difference {s / perChannel:F3} > 1.0");
        }

        Assert.True(far <= 0.01 * crop.Pixels.Length, $"{far} of {crop.Pixels.Length} values differ by more than 2");
    }

    [Fact]
    public void Template_scales_for_other_crop_sizes()
    {
        Assert.Equal(38.2946f * 2, ArcFaceTemplate.For(224)[0].X, 3);
        Assert.Equal((38.2946f + 8f) * 1, ArcFaceTemplate.For(128)[0].X, 3);
        Assert.Equal(38.2946f * 64 / 112, ArcFaceTemplate.For(64)[0].X, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => ArcFaceTemplate.For(8));
    }

    [Fact]
    public void The_dlib_template_is_dlibs_chip_zoomed_and_a_manifest_names_only_known_templates()
    {
        var dlib = FaceTemplate.For(FaceTemplate.DlibName, 150);
        Assert.Equal(150, dlib.Size);
        Assert.Equal(dlib.Points[0].Y, dlib.Points[1].Y);                                    // eyes level, mouth corners level
        Assert.Equal(dlib.Points[3].Y, dlib.Points[4].Y);
        Assert.Equal(75 + ((((0.25 + 0.2254918) / 1.5 * 150) - 75) * 1.1), dlib.Points[0].X, 3);   // chip padding 0.25, zoom 1.1
        Assert.All(dlib.Points, p => Assert.InRange(p.X, 0, 150));
        Assert.True(dlib.SameAs(FaceTemplate.Dlib(150)));
        Assert.False(dlib.SameAs(FaceTemplate.ArcFace(150)));
        Assert.Equal(ArcFaceTemplate.For(112), FaceTemplate.For(FaceTemplate.ArcFaceName, 112).Points);
        Assert.Throws<ArgumentException>(() => FaceTemplate.For("mtcnn", 112));

        var contract = new Models.InputContract { Width = 112, Height = 112, Alignment = "mtcnn" };
        var e = Assert.Throws<Models.ModelContractException>(() => contract.Validate("m"));
        Assert.Contains("alignment must be arcface or dlib", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_recovers_a_known_similarity_exactly()
    {
        var template = ArcFaceTemplate.For(112);
        double angle = 0.3, scale = 1.7;
        var source = template.Select(p => new FacePoint(
            (float)((scale * ((Math.Cos(angle) * p.X) - (Math.Sin(angle) * p.Y))) + 10),
            (float)((scale * ((Math.Sin(angle) * p.X) + (Math.Cos(angle) * p.Y))) - 5))).ToList();
        var m = SimilarityTransform.Estimate(source, template);
        for (int i = 0; i < source.Count; i++)
        {
            var (x, y) = m.Apply(source[i].X, source[i].Y);
            Assert.Equal(template[i].X, x, 3);
            Assert.Equal(template[i].Y, y, 3);
        }
    }

    private static JsonElement Load() =>
        JsonDocument.Parse(File.ReadAllText(Shared.Fixture(Path.Combine("alignment", "fixtures.json")))).RootElement;
}
