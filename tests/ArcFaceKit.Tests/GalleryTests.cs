using System.Diagnostics;
using ArcFaceKit.Matching;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;
using Microsoft.Data.Sqlite;

namespace ArcFaceKit.Tests;

public sealed class GalleryTests : IDisposable
{
    private static readonly ModelIdentity Model = new("test-model", new string('a', 64), 1, 128);
    private static readonly SimilarityThreshold Threshold = new(0.5f, "test");
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-gallery-").FullName;

    private string DbPath => Path.Combine(_dir, "gallery.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Enrolled_people_are_found_by_real_faces_and_strangers_are_rejected()
    {
        string[] names = ["Abel_Pacheco", "Akhmed_Zakayev", "Amber_Tamblyn"];
        using (var gallery = FaceGallery.Open(DbPath, Shared.MobileFaceNet.Identity))
        {
            foreach (var n in names)
            {
                gallery.Enroll(n, [Embed($"{n}_0001.jpg")]);
            }
        }

        // Reopened: the index is rebuilt from the database.
        using var reopened = FaceGallery.Open(DbPath, Shared.MobileFaceNet.Identity);
        var threshold = SimilarityThreshold.FromManifest(Shared.MobileFaceNet.Manifest);
        var hits = reopened.Identify(Embed("Abel_Pacheco_0004.jpg"), 3, threshold);
        Assert.Equal("Abel_Pacheco", hits[0].Name);
        Assert.True(hits[0].Accepted);
        Assert.True(hits[0].Similarity > hits[1].Similarity);
        var stranger = reopened.Identify(Embed("Dean_Barker_0001.jpg"), 3, threshold);
        Assert.False(stranger[0].Accepted);
    }

    [Fact]
    public void Template_is_the_normalised_mean_and_enrolling_again_adds_faces()
    {
        using var gallery = FaceGallery.Open(DbPath, Model);
        var a = Unit(1);
        var b = Unit(2);
        gallery.Enroll("x", [a]);
        var identity = gallery.Enroll("x", [b]);
        Assert.Equal(2, identity.FaceCount);
        var mean = a.Zip(b, (p, q) => p + q).ToArray();
        OnnxFaceEmbedder.Normalize(mean);
        Assert.Equal(1f, gallery.Identify(mean, 1, Threshold)[0].Similarity, 4);
    }

    [Fact]
    public void A_gallery_refuses_another_model_and_other_dimensions()
    {
        using (var gallery = FaceGallery.Open(DbPath, Model))
        {
            var e = Assert.Throws<GalleryException>(() => gallery.Enroll("x", [new float[512]]));
            Assert.Contains("128-d", e.Message, StringComparison.Ordinal);
            Assert.Throws<GalleryException>(() => gallery.Identify(new float[64], 1, Threshold));
        }

        var other = Model with { Sha256 = new string('b', 64) };
        var refused = Assert.Throws<GalleryException>(() => FaceGallery.Open(DbPath, other));
        Assert.Contains("cannot be used with", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_erases_the_identity_and_its_faces()
    {
        using var gallery = FaceGallery.Open(DbPath, Model);
        gallery.Enroll("x", [Unit(1), Unit(2)]);
        gallery.Enroll("y", [Unit(3)]);
        Assert.True(gallery.Remove("x"));
        Assert.False(gallery.Remove("x"));
        Assert.Equal(["y"], gallery.List().Select(i => i.Name));
        Assert.Equal(1, gallery.Count);
        using var db = new SqliteConnection($"Data Source={DbPath}");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM faces";
        Assert.Equal(1L, (long)cmd.ExecuteScalar()!);
    }

    [Fact]
    public void A_file_that_is_not_a_gallery_is_refused_clearly()
    {
        File.WriteAllText(DbPath, "this is not a database, just text that is long enough to look like a header...");
        var e = Assert.Throws<GalleryException>(() => FaceGallery.Open(DbPath, Model));
        Assert.Contains("not a usable gallery", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_writers_in_two_connections_lose_nothing_and_see_each_other()
    {
        using var a = FaceGallery.Open(DbPath, Model);
        using var b = FaceGallery.Open(DbPath, Model);
        Parallel.For(0, 40, i => (i % 2 == 0 ? a : b).Enroll($"p{i}", [Unit(i), Unit(i + 100)]));
        Assert.Equal(40, a.Count);
        Assert.Equal(40, b.Count);
        Assert.All(a.List(), id => Assert.Equal(2, id.FaceCount));
        Assert.Equal("p7", a.Identify(Unit(7).Zip(Unit(107), (p, q) => p + q).ToArray(), 1, Threshold)[0].Name);
    }

    [Fact]
    public void A_writer_killed_mid_enrolment_leaves_only_whole_identities()
    {
        string writer = Path.Combine(AppContext.BaseDirectory, "ArcFaceKit.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet", [writer, DbPath, "7"]) { RedirectStandardOutput = true };
        int acknowledged = -1;
        using (var process = Process.Start(start)!)
        {
            while (acknowledged < 30 && process.StandardOutput.ReadLine() is { } line)
            {
                acknowledged = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            }

            process.Kill(); // SIGKILL: no cleanup runs.
            process.WaitForExit();
        }

        Assert.True(acknowledged >= 30, "the writer did not get going");
        using var gallery = FaceGallery.Open(DbPath, new ModelIdentity("crash-test", new string('0', 64), 1, 128));
        var identities = gallery.List();
        Assert.All(identities, i => Assert.Equal(7, i.FaceCount));
        Assert.All(Enumerable.Range(0, acknowledged + 1), n => Assert.Contains(identities, i => i.Name == $"p{n}"));
        Assert.Equal(identities.Count, gallery.Count);
    }

    private static float[] Unit(int seed)
    {
        var rng = new Random(seed);
        var v = Enumerable.Range(0, 128).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        OnnxFaceEmbedder.Normalize(v);
        return v;
    }

    private static float[] Embed(string lfwImage) => Shared.MobileFaceNet.Embed([RecognitionTests.Crop(lfwImage)])[0];
}
