using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Quality;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Tests;

/// <summary>Face quality from real faces: blurred, tiny and turned faces rate below the same or other frontal ones.</summary>
public sealed class FaceQualityTests
{
    private static readonly Lazy<FacePipeline> Service = new(() => Shared.OpenPipeline(Shared.ModelSet with { Detection = DetectorOptions.Default with { ScoreThreshold = 0.3f } }));

    [Fact]
    public async Task Blurred_and_tiny_versions_of_a_real_face_rate_below_it()
    {
        var photo = ImageDecoder.DecodeFile(Shared.LfwImage("Abel_Pacheco_0001.jpg"));
        var sharp = FaceQualityRules.Assess(await Face(photo));
        var blurred = FaceQualityRules.Assess(await Face(Blur(Blur(Blur(photo)))));
        var tiny = FaceQualityRules.Assess(await Face(photo.Resize(56, 56)));

        Assert.True(sharp.EmbeddingNorm > 0, sharp.ToString());
        Assert.True(blurred.Sharpness < sharp.Sharpness / 3, $"{blurred} vs {sharp}");
        Assert.True(blurred.Score < sharp.Score && blurred.ImageScore < sharp.ImageScore, $"{blurred} vs {sharp}");
        Assert.True(tiny.FaceSize < FaceQualityRules.FaceSize.Good, tiny.ToString());
        Assert.True(tiny.Score < sharp.Score && tiny.ImageScore < sharp.ImageScore, $"{tiny} vs {sharp}");
    }

    [Fact]
    public async Task The_most_turned_faces_of_a_sample_rate_below_the_frontal_ones()
    {
        var files = Directory.EnumerateFiles(Path.GetDirectoryName(Shared.LfwImage("Abel_Pacheco_0001.jpg"))!, "*.jpg").Order(StringComparer.Ordinal).Where((_, i) => i % 40 == 0).ToList();
        var rated = new List<FaceQuality>();
        foreach (var file in files)
        {
            var faces = await Service.Value.AnalyzeAsync(ImageDecoder.DecodeFile(file));
            rated.AddRange(faces.Take(1).Select(FaceQualityRules.Assess));
        }

        var turned = rated.OrderByDescending(q => MathF.Abs(q.Yaw)).Take(5).ToList();
        var frontal = rated.Where(q => MathF.Abs(q.Yaw) < 0.05f).ToList();
        Assert.True(turned[^1].Yaw is > 0.2f or < -0.2f, $"the sample has no turned face: {string.Join(", ", turned)}");
        Assert.NotEmpty(frontal);
        Assert.True(turned.Average(q => q.ImageScore) < frontal.Average(q => q.ImageScore), $"{turned.Average(q => q.ImageScore)} vs {frontal.Average(q => q.ImageScore)}");
    }

    [Fact]
    public async Task Template_fit_is_measured_on_the_ArcFace_crop_whatever_crop_the_embedder_takes()
    {
        // A dlib-aligned embedder's crop is 150 pixels; the fit's ramp is in 112-pixel ArcFace crop pixels.
        var face = await Face(ImageDecoder.DecodeFile(Shared.LfwImage("Abel_Pacheco_0001.jpg")));
        var on112 = FaceQualityRules.Assess(face);
        var on150 = FaceQualityRules.Assess(face with { Crop = face.Crop.Resize(150, 150) });

        Assert.Equal(112, face.Crop.Width);
        Assert.True(on112.TemplateFit > 0, on112.ToString());
        Assert.Equal(on112.TemplateFit, on150.TemplateFit);
    }

    [Fact]
    public async Task Enrolment_refuses_a_poor_face_when_asked_to_and_says_why()
    {
        using var pipeline = Shared.OpenPipeline(Shared.ModelSet with { Detection = DetectorOptions.Default with { ScoreThreshold = 0.3f } });
        var strict = new GalleryService(pipeline, new GalleryServiceOptions { MinEnrollImageQuality = 0.3f });
        var photo = ImageDecoder.DecodeFile(Shared.LfwImage("Abel_Pacheco_0001.jpg"));
        Assert.Single(await strict.FacesToEnrollAsync([new PhotoToEnroll(photo, "sharp.jpg")], FaceSelection.Largest));
        var e = await Assert.ThrowsAsync<PoorFaceException>(() => strict.FacesToEnrollAsync([new PhotoToEnroll(photo.Resize(56, 56), "tiny.jpg")], FaceSelection.Largest));
        Assert.StartsWith("tiny.jpg: the face is too poor to enroll", e.Message, StringComparison.Ordinal);
        Assert.True(e.Quality!.ImageScore < 0.3f);

        // Off by default: the same tiny face enrolls.
        Assert.Single(await new GalleryService(Service.Value).FacesToEnrollAsync([new PhotoToEnroll(photo.Resize(56, 56), "tiny.jpg")], FaceSelection.Largest));
    }

    private static async Task<FaceRecord> Face(RgbImage image) => (await Service.Value.AnalyzeAsync(image)).OrderByDescending(f => f.Face.Box.Area).First();

    /// <summary>A 5x5 box blur.</summary>
    private static RgbImage Blur(RgbImage image)
    {
        var result = new RgbImage(image.Width, image.Height);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int sum = 0, n = 0;
                    for (int dy = -2; dy <= 2; dy++)
                    {
                        for (int dx = -2; dx <= 2; dx++)
                        {
                            int sx = Math.Clamp(x + dx, 0, image.Width - 1), sy = Math.Clamp(y + dy, 0, image.Height - 1);
                            sum += image.Pixels[(((sy * image.Width) + sx) * 3) + c];
                            n++;
                        }
                    }

                    result.Pixels[(((y * image.Width) + x) * 3) + c] = (byte)(sum / n);
                }
            }
        }

        return result;
    }
}
