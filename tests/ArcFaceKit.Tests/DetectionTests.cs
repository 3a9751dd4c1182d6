using System.Text.Json;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Tests;

/// <summary>Every detector family on real faces, in original image coordinates, landmarks in template order.</summary>
public class DetectionTests
{
    public static TheoryData<string> Detectors() => new("yunet_s_dynamic.onnx", "yunet_s_640_640.onnx", "scrfd_2.5g_bnkps.onnx", "faceplugin_fr_detect.onnx");

    // LFW frames are tight 150px crops: models of free input size see them at 320 (as the OpenCV reference did), others at their own size.
    // As the reference ran: every image scaled to 320 on its longer side, however small it was.
    private static readonly DetectorOptions OnLfw = new() { InputSize = 320, MaxUpscale = 100, ScoreThreshold = 0.5f };

    private static IReadOnlyList<DetectedFace> Central(IFaceDetector detector, RgbImage image) => FaceSelector.Apply(detector.Detect(image), FaceSelection.MostCentral, image.Width, image.Height);

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Landmarks_agree_with_the_reference_on_LFW_fixtures(string model)
    {
        using var detector = FaceDetectors.Open(Shared.Model(model), OnLfw);
        var errors = new List<double>();
        foreach (var item in FixtureItems())
        {
            var face = Assert.Single(Central(detector, ImageDecoder.DecodeFile(Shared.LfwImage(item.Image))));
            for (int k = 0; k < 5; k++)
            {
                errors.Add(Math.Sqrt(Math.Pow(face.Landmarks[k].X - item.Landmarks[k].X, 2) + Math.Pow(face.Landmarks[k].Y - item.Landmarks[k].Y, 2)));
            }

            Assert.True(face.Landmarks[0].X < face.Landmarks[1].X, "image-left eye first");
            Assert.True(face.Landmarks[3].X < face.Landmarks[4].X, "image-left mouth corner first");
            Assert.InRange(face.Landmarks[2].X, face.Box.X, face.Box.Right);
        }

        // The fixtures' landmarks come from OpenCV's YuNet at 320x320: with the same model and size and a resize that is
        // bit-exact with cv2.resize they match to a thousandth of a pixel; other models land within a few pixels.
        (double mean, double max) limit = model == "yunet_s_dynamic.onnx" ? (0.005, 0.02) : (5.0, 20.0);
        Assert.True(errors.Average() < limit.mean, $"{model}: mean landmark distance {errors.Average():F3}px");
        Assert.True(errors.Max() < limit.max, $"{model}: largest landmark distance {errors.Max():F3}px");
    }

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Coordinates_scale_with_the_image(string model)
    {
        using var detector = FaceDetectors.Open(Shared.Model(model), OnLfw);
        var image = ImageDecoder.DecodeFile(Shared.LfwImage("AJ_Lamas_0001.jpg"));
        var big = image.Resize(image.Width * 3, image.Height * 3).PadTo(image.Width * 4, image.Height * 3);
        var a = Assert.Single(Central(detector, image));
        var b = Assert.Single(Central(detector, big));
        for (int k = 0; k < 5; k++)
        {
            Assert.InRange(b.Landmarks[k].X / 3, a.Landmarks[k].X - 4, a.Landmarks[k].X + 4);
            Assert.InRange(b.Landmarks[k].Y / 3, a.Landmarks[k].Y - 4, a.Landmarks[k].Y + 4);
        }
    }

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Two_faces_and_selection_modes(string model)
    {
        var image = ImageDecoder.DecodeFile(Shared.Fixture("images/two_faces.jpg"));
        using var all = FaceDetectors.Open(Shared.Model(model));
        var faces = all.Detect(image);
        Assert.Equal(2, faces.Count);
        Assert.True(faces[0].Score >= faces[1].Score);
        Assert.Equal(faces.MaxBy(f => f.Box.Area)!.Box, Assert.Single(FaceSelector.Apply(faces, FaceSelection.Largest, image.Width, image.Height)).Box);
    }

    [Fact]
    public void Thresholds_and_minimum_size_filter_faces()
    {
        var image = ImageDecoder.DecodeFile(Shared.Fixture("images/two_faces.jpg"));
        using var strict = FaceDetectors.Open(Shared.Model("yunet_s_dynamic.onnx"), new DetectorOptions { ScoreThreshold = 0.9999f });
        Assert.Empty(strict.Detect(image));
        using var minSize = FaceDetectors.Open(Shared.Model("yunet_s_dynamic.onnx"), new DetectorOptions { MinFaceSize = 500 });
        Assert.Empty(minSize.Detect(image));
    }

    [Fact]
    public void At_most_max_faces_of_a_photo_are_considered_the_largest()
    {
        var image = ImageDecoder.DecodeFile(Shared.Fixture("images/two_faces.jpg"));
        using var all = FaceDetectors.Open(Shared.Model("yunet_s_dynamic.onnx"));
        var faces = all.Detect(image);
        using var capped = FaceDetectors.Open(Shared.Model("yunet_s_dynamic.onnx"), new DetectorOptions { MaxFaces = 1 });
        Assert.Equal(2, faces.Count);
        Assert.Equal(faces.MaxBy(f => f.Box.Area)!.Box, Assert.Single(capped.Detect(image)).Box);
    }

    [Fact]
    public void A_model_file_that_is_not_the_manifests_is_refused()
    {
        string dir = Directory.CreateTempSubdirectory("arcfacekit-test-").FullName;
        try
        {
            // A manifest that names the SCRFD file's hash but points at YuNet's bytes.
            File.Copy(Shared.Model("yunet_s_dynamic.onnx"), Path.Combine(dir, "model.onnx"));
            var manifest = ModelResolver.KnownManifests.Single(m => m.Name == "scrfd_2.5g_bnkps");
            manifest = manifest with { Files = [manifest.PrimaryFile with { File = "model.onnx" }] };
            File.WriteAllText(Path.Combine(dir, "model.manifest.json"), manifest.ToJson());
            var e = Assert.Throws<ModelContractException>(() => FaceDetectors.Open(Path.Combine(dir, "model.onnx")));
            Assert.Contains("wrong or corrupted model file", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void An_unknown_file_without_manifest_is_refused_clearly()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "not a model");
            var e = Assert.Throws<ModelContractException>(() => FaceDetectors.Open(file));
            Assert.Contains("has no manifest", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void An_embedder_is_not_accepted_as_a_detector()
    {
        var e = Assert.Throws<ModelContractException>(() => FaceDetectors.Open(Shared.Model("mobilefacenet_a.onnx")));
        Assert.Contains("kind: embedder", e.Message, StringComparison.Ordinal);
    }

    internal sealed record FixtureItem(string Image, FacePoint[] Landmarks);

    internal static IEnumerable<FixtureItem> FixtureItems() =>
        JsonDocument.Parse(File.ReadAllText(Shared.Fixture("alignment/fixtures.json"))).RootElement.GetProperty("items").EnumerateArray()
            .Select(i => new FixtureItem(i.GetProperty("image").GetString()!, [.. i.GetProperty("landmarks").EnumerateArray().Select(p => new FacePoint(p[0].GetSingle(), p[1].GetSingle()))]));
}
