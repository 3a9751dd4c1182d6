using System.Diagnostics;
using ArcFaceKit.Gallery;
using ArcFaceKit.Matching;
using ArcFaceKit.Recognition;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using Microsoft.Data.Sqlite;

namespace ArcFaceKit.Tests;

/// <summary>The library's gallery in a SQLite file: 1:N on real faces, scoring rules, model pinning, erasure, several processes, SIGKILL.</summary>
public sealed class GalleryTests : IDisposable
{
    private static readonly ModelIdentity Model = new("test-model", new string('a', 64), 1, 128);
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-gallery-").FullName;

    private string DbPath => Path.Combine(_dir, "gallery.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Enrolled_people_are_found_by_real_faces_and_strangers_are_rejected()
    {
        string[] names = ["Abel_Pacheco", "Akhmed_Zakayev", "Amber_Tamblyn"];
        await using (var gallery = await SqliteGallery.OpenAsync(DbPath, Shared.MobileFaceNet.Identity))
        {
            foreach (var n in names)
            {
                await gallery.AddFacesAsync(n, [Face($"{n}_0001.jpg")], "test");
            }
        }

        // Reopened: the index is rebuilt from the database.
        await using var reopened = await SqliteGallery.OpenAsync(DbPath, Shared.MobileFaceNet.Identity);
        var threshold = SimilarityThreshold.FromManifest(Shared.MobileFaceNet.Manifest);
        var hits = await reopened.SearchAsync(Embed("Abel_Pacheco_0004.jpg"), 3, SubjectScoring.BestFace);
        Assert.Equal("Abel_Pacheco", hits[0].Subject);
        Assert.True(hits[0].Similarity >= threshold.Cosine);
        Assert.True(hits[0].Similarity > hits[1].Similarity);
        var stranger = await reopened.SearchAsync(Embed("Dean_Barker_0001.jpg"), 3, SubjectScoring.BestFace);
        Assert.True(stranger[0].Similarity < threshold.Cosine);
    }

    [Fact]
    public async Task A_gallery_past_its_approximate_size_reopens_with_its_graph_from_the_index_file()
    {
        var options = new Search.GalleryIndexOptions { ApproximateFrom = 20 };
        IReadOnlyList<SubjectMatch> before;
        await using (var gallery = (FaceGallery)await SqliteGallery.OpenAsync(DbPath, Model, options))
        {
            for (int i = 0; i < 30; i++)
            {
                await gallery.AddFacesAsync($"p{i}", [new NewFace(Unit(i), [])], "test");
            }

            before = await gallery.SearchAsync(Unit(7), 3, SubjectScoring.Both);
            Assert.False(gallery.IndexGraphRead);   // built when the gallery reached the size
        }

        await using (var reopened = (FaceGallery)await SqliteGallery.OpenAsync(DbPath, Model, options))
        {
            Assert.Equal("file", reopened.IndexLoadedFrom);
            Assert.True(reopened.IndexGraphRead);
            Assert.Equal(before, await reopened.SearchAsync(Unit(7), 3, SubjectScoring.Both));
            await reopened.AddFacesAsync("late", [new NewFace(Unit(99), [])], "test");
            Assert.Equal("late", (await reopened.SearchAsync(Unit(99), 1, SubjectScoring.Both))[0].Subject);
        }

        // Exact wanted now: the saved graph is passed over.
        await using var exact = (FaceGallery)await SqliteGallery.OpenAsync(DbPath, Model, new Search.GalleryIndexOptions { ApproximateFrom = 0 });
        Assert.Equal("file", exact.IndexLoadedFrom);
        Assert.False(exact.IndexGraphRead);
        Assert.Equal(before, await exact.SearchAsync(Unit(7), 3, SubjectScoring.Both));
    }

    [Fact]
    public async Task Each_scoring_rule_scores_a_subject_as_documented()
    {
        await using var gallery = await SqliteGallery.OpenAsync(DbPath, Model);
        var a = Unit(1);
        var b = Unit(2);
        await gallery.AddFacesAsync("x", [new NewFace(a, [])], "test");
        await gallery.AddFacesAsync("x", [new NewFace(b, [])], "test");
        var mean = a.Zip(b, (p, q) => p + q).ToArray();
        Embeddings.Normalize(mean);

        Assert.Equal(1f, (await gallery.SearchAsync(mean, 1, SubjectScoring.MeanTemplate))[0].Similarity, 4);
        var best = (await gallery.SearchAsync(a, 1, SubjectScoring.BestFace))[0];
        Assert.Equal(1f, best.Similarity, 4);
        var both = (await gallery.SearchAsync(a, 1, SubjectScoring.Both))[0];
        Assert.Equal((both.FaceSimilarity + both.TemplateSimilarity) / 2, both.Similarity, 5);
        Assert.Equal(2, (await gallery.GetSubjectAsync("x"))!.FaceCount);
        Assert.Equal(best.Similarity, (await gallery.ScoreSubjectAsync("x", a, SubjectScoring.BestFace))!.Similarity, 5);
    }

    [Fact]
    public async Task A_gallery_refuses_another_model_and_other_dimensions()
    {
        await using (var gallery = await SqliteGallery.OpenAsync(DbPath, Model))
        {
            var e = await Assert.ThrowsAsync<GalleryException>(() => gallery.AddFacesAsync("x", [new NewFace(new float[512], [])], "test"));
            Assert.Contains("128-d", e.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<GalleryException>(() => gallery.SearchAsync(new float[64], 1, SubjectScoring.BestFace));
        }

        var other = Model with { Sha256 = new string('b', 64) };
        var refused = await Assert.ThrowsAsync<GalleryException>(() => SqliteGallery.OpenAsync(DbPath, other));
        Assert.Contains("cannot be used with", refused.Message, StringComparison.Ordinal);
        Assert.Equal(GalleryError.WrongModel, refused.Error);
    }

    [Fact]
    public async Task Remove_erases_the_subject_and_its_faces()
    {
        await using var gallery = await SqliteGallery.OpenAsync(DbPath, Model);
        await gallery.AddFacesAsync("x", [new NewFace(Unit(1), []), new NewFace(Unit(2), [])], "test");
        await gallery.AddFacesAsync("y", [new NewFace(Unit(3), [])], "test");
        Assert.True(await gallery.DeleteSubjectAsync("x", "test"));
        Assert.False(await gallery.DeleteSubjectAsync("x", "test"));
        Assert.Equal(["y"], (await gallery.ListSubjectsAsync()).Select(i => i.Name));
        Assert.Equal(1, await gallery.CountFacesAsync());
        using var db = new SqliteConnection($"Data Source={DbPath}");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM faces";
        Assert.Equal(1L, (long)cmd.ExecuteScalar()!);
    }

    [Fact]
    public async Task A_file_that_is_not_a_gallery_is_refused_clearly()
    {
        await File.WriteAllTextAsync(DbPath, "this is not a database, just text that is long enough to look like a header...");
        var e = await Assert.ThrowsAsync<GalleryException>(() => SqliteGallery.OpenAsync(DbPath, Model));
        Assert.Contains("not a usable gallery", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_writers_in_two_connections_lose_nothing_and_see_each_other()
    {
        await using var a = await SqliteGallery.OpenAsync(DbPath, Model);
        await using var b = await SqliteGallery.OpenAsync(DbPath, Model);
        await Parallel.ForAsync(0, 40, async (i, cancellationToken) => await (i % 2 == 0 ? a : b).AddFacesAsync($"p{i}", [new NewFace(Unit(i), []), new NewFace(Unit(i + 100), [])], "test", cancellationToken));
        Assert.Equal(80, await a.CountFacesAsync());
        Assert.Equal(80, await b.CountFacesAsync());
        Assert.All(await a.ListSubjectsAsync(), s => Assert.Equal(2, s.FaceCount));
        Assert.Equal("p7", (await b.SearchAsync(Unit(7).Zip(Unit(107), (p, q) => p + q).ToArray(), 1, SubjectScoring.MeanTemplate))[0].Subject);
    }

    [Fact]
    public async Task A_writer_killed_mid_enrolment_leaves_only_whole_subjects()
    {
        string writer = Path.Combine(AppContext.BaseDirectory, "ArcFaceKit.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet", [writer, DbPath, "7"]) { RedirectStandardOutput = true };
        int acknowledged = -1;
        using (var process = Process.Start(start)!)
        {
            while (acknowledged < 30 && await process.StandardOutput.ReadLineAsync() is { } line)
            {
                acknowledged = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            }

            process.Kill(); // SIGKILL: no cleanup runs.
            await process.WaitForExitAsync();
        }

        Assert.True(acknowledged >= 30, "the writer did not get going");
        await using var gallery = await SqliteGallery.OpenAsync(DbPath, new ModelIdentity("crash-test", new string('0', 64), 1, 128));
        var subjects = await gallery.ListSubjectsAsync();
        Assert.All(subjects, s => Assert.Equal(7, s.FaceCount));
        Assert.All(Enumerable.Range(0, acknowledged + 1), n => Assert.Contains(subjects, s => s.Name == $"p{n}"));
        Assert.Equal(subjects.Count * 7, await gallery.CountFacesAsync());
    }

    private static float[] Unit(int seed)
    {
        var rng = new Random(seed);
        var v = Enumerable.Range(0, 128).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Embeddings.Normalize(v);
        return v;
    }

    private static float[] Embed(string lfwImage) => Shared.MobileFaceNet.Embed(RecognitionTests.Crop(lfwImage));

    private static NewFace Face(string lfwImage) => new(Embed(lfwImage), []);
}
