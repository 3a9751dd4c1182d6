using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Server.Commands;

namespace ArcFaceKit.Server.Tests;

/// <summary>`--load-graph` reaches the gallery: a graph saved in the index file comes back loaded, not viewed, with the same answers.</summary>
public sealed class GraphLoadingTests : IDisposable
{
    private static readonly ModelIdentity Model = new("test-model", new string('a', 64), 1, 64);

    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-graph-loading-").FullName;

    [Fact]
    public async Task A_saved_graph_is_viewed_by_default_and_loaded_with_the_flag()
    {
        string path = Path.Combine(_folder, "gallery.db");
        var viewing = new StoreSettings { SqlitePath = path, ApproximateFrom = 20 }.ToOptions();
        var loading = new StoreSettings { SqlitePath = path, ApproximateFrom = 20, LoadGraph = true }.ToOptions();
        IReadOnlyList<SubjectMatch> before;
        await using (var gallery = Galleries.Open(viewing, Model))
        {
            for (int i = 0; i < 30; i++)
            {
                await gallery.AddFacesAsync($"p{i}", [new NewFace(Unit(i), [])], "test");
            }

            before = await gallery.SearchAsync(Unit(7), 3, SubjectScoring.Both);
        }

        foreach (var (options, viewed) in new[] { (viewing, !OperatingSystem.IsWindows()), (loading, false) })
        {
            await using var gallery = Galleries.Open(options, Model);
            Assert.True(gallery.IndexGraphRead);
            Assert.Equal(viewed, gallery.IndexGraphViewed);
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
