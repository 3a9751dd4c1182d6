using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Server.Commands;

namespace ArcFaceKit.Server.Tests;

/// <summary>`--load-index` reaches the gallery: the index file's graph and copies come back in memory, not mapped, with the same answers.</summary>
public sealed class IndexLoadingTests : IDisposable
{
    private static readonly ModelIdentity Model = new("test-model", new string('a', 64), 1, 64);

    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-index-loading-").FullName;

    [Fact]
    public async Task The_index_file_is_mapped_by_default_and_read_into_memory_with_the_flag()
    {
        string path = Path.Combine(_folder, "gallery.db");
        var viewing = new StoreSettings { SqlitePath = path, ApproximateFrom = 20 }.ToOptions();
        var loading = new StoreSettings { SqlitePath = path, ApproximateFrom = 20, LoadIndex = true }.ToOptions();
        IReadOnlyList<SubjectMatch> before;
        await using (var gallery = await Galleries.OpenAsync(viewing, Model))
        {
            for (int i = 0; i < 30; i++)
            {
                await gallery.AddFacesAsync($"p{i}", [new NewFace(Unit(i), [])], "test");
            }

            before = await gallery.SearchAsync(Unit(7), 3, SubjectScoring.Both);
        }

        foreach (var (options, mapped) in new[] { (viewing, !OperatingSystem.IsWindows()), (loading, false) })
        {
            await using var gallery = await Galleries.OpenAsync(options, Model);
            Assert.True(gallery.IndexGraphRead);
            Assert.Equal(mapped, gallery.IndexGraphViewed);
            Assert.Equal(mapped, gallery.IndexCopiesMapped);
            Assert.Equal(before, await gallery.SearchAsync(Unit(7), 3, SubjectScoring.Both));
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static float[] Unit(int seed)
    {
        var rng = new Random(seed);
        var v = Enumerable.Range(0, 64).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Embeddings.Normalize(v);
        return v;
    }
}
