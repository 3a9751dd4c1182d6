using ArcFaceKit.Evaluation;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;

namespace ArcFaceKit.Tests;

/// <summary>The HNSW graph finds what the exact scan finds on real faces, keeps up with changes, and takes over a gallery past its size.</summary>
public class HnswFaceIndexTests
{
    private static readonly Lazy<List<float[]>> Faces = new(() =>
    {
        var files = Directory.EnumerateFiles(Path.Combine(Shared.Lfw, "images"), "*.jpg").Order(StringComparer.Ordinal).Take(300).ToList();
        using var service = Shared.OpenService();
        return [.. ImageEmbeddings.Compute(service, files).Values.OfType<float[]>()];
    });

    [Fact]
    public void Real_embeddings_added_on_several_threads_are_found_as_the_exact_scan_finds_them()
    {
        var faces = Faces.Value;
        using var hnsw = new HnswFaceIndex(faces[0].Length, new HnswOptions { Threads = 2 });
        var exact = new ExactFaceIndex(faces[0].Length);
        hnsw.AddMany([.. Enumerable.Range(0, faces.Count).Select(i => (long)i)], faces);
        for (int i = 0; i < faces.Count; i++)
        {
            exact.Upsert(i, faces[i]);
        }

        Assert.Equal(faces.Count, hnsw.Count);
        double recall = faces.Average(q => hnsw.Search(q, 10).Select(h => h.Id).Intersect(exact.Search(q, 10).Select(h => h.Id)).Count() / 10.0);
        Assert.True(recall >= 0.98, $"recall@10 {recall:P1}");
        Assert.All(faces.Take(20).Select((q, i) => (Hit: hnsw.Search(q, 1)[0], Id: (long)i)), x =>
        {
            Assert.Equal(x.Id, x.Hit.Id);                 // each face finds itself first
            Assert.Equal(1f, x.Hit.Similarity, 0.002f);   // scored in half precision
        });
    }

    [Fact]
    public void Removed_and_replaced_vectors_are_searched_as_they_are_now()
    {
        var faces = Faces.Value;
        using var hnsw = new HnswFaceIndex(faces[0].Length);
        for (int i = 0; i < 50; i++)
        {
            hnsw.Upsert(i, faces[i]);
        }

        Assert.True(hnsw.Remove(7));
        Assert.False(hnsw.Remove(7));
        Assert.NotEqual(7, hnsw.Search(faces[7], 1)[0].Id);
        hnsw.Upsert(8, faces[7]);
        Assert.Equal(8, hnsw.Search(faces[7], 1)[0].Id);
        Assert.Equal(49, hnsw.Count);
        Assert.Throws<ArgumentException>(() => hnsw.Search(new float[3], 1));
    }

    [Fact]
    public void A_gallery_index_past_its_size_searches_the_graph_and_scores_as_the_exact_path()
    {
        var faces = Faces.Value;
        int dim = faces[0].Length;
        using var exact = new MemorySubjectIndex(dim, new GalleryIndexOptions { ApproximateFrom = 0 });
        using var graph = new MemorySubjectIndex(dim, new GalleryIndexOptions { ApproximateFrom = 100 });
        for (int s = 0; s < faces.Count / 2; s++)
        {
            (long, float[])[] pair = [(2L * s, faces[2 * s]), ((2L * s) + 1, faces[(2 * s) + 1])];
            exact.Set(s, $"s{s}", pair);
            graph.Set(s, $"s{s}", pair);
            Assert.Equal(2 * (s + 1) >= 100, graph.Approximate);
        }

        foreach (var probe in faces.Take(40))
        {
            var want = exact.NearestFaces(probe, 1)[0];
            var got = graph.NearestFaces(probe, 1)[0];
            Assert.Equal(want, got);
        }

        // Written and read back (the index file), the graph is rebuilt past the size.
        using var file = new MemoryStream();
        graph.Write(file, "stamp");
        file.Position = 0;
        Assert.Equal("stamp", MemorySubjectIndex.ReadStamp(file));
        using var read = MemorySubjectIndex.Read(file, dim, new GalleryIndexOptions { ApproximateFrom = 100 });
        Assert.True(read.Approximate);
        Assert.Equal(graph.NearestFaces(faces[3], 5), read.NearestFaces(faces[3], 5));
    }
}
