using System.Numerics.Tensors;
using ArcFaceKit.Search;

namespace ArcFaceKit.Tests;

/// <summary>The 8-bit index answers as the exact fp32 scan does: same top k on real embeddings and on a large random set.</summary>
public class Int8FaceIndexTests
{
    [Fact]
    public void Real_embeddings_rank_as_in_the_exact_index() => AssertSameAnswers(Shared.LfwFaces, Shared.LfwFaces);

    [Fact]
    public void A_large_index_scanned_on_every_core_ranks_as_the_exact_index()
    {
        var rng = new Random(3);
        var vectors = Enumerable.Range(0, 20_000).Select(_ => SearchVectors.RandomUnit(rng, 128)).ToList();

        // Queries near stored vectors, so the top k are close together and the error bound is what keeps them right.
        var queries = Enumerable.Range(0, 30).Select(i => SearchVectors.Near(vectors[i * 97], rng)).ToList();
        AssertSameAnswers(vectors, queries);
    }

    [Fact]
    public void A_batch_of_queries_gets_the_answers_of_one_at_a_time()
    {
        var rng = new Random(9);
        var index = new Int8FaceIndex(96);
        for (int i = 0; i < 20_003; i++)
        {
            index.Upsert(i, SearchVectors.RandomUnit(rng, 96));
        }

        // More than one block of 64 (the second of an odd count), and queries near stored vectors. A batch is scanned
        // eight stored vectors by two queries a step, one query alone one by one: the leftover slots and query too.
        var queries = Enumerable.Range(0, 71).Select(i => SearchVectors.Near(SearchVectors.RandomUnit(rng, 96), rng)).ToList();
        var batch = index.SearchMany(queries, 5);
        Assert.Equal(queries.Count, batch.Count);
        for (int i = 0; i < queries.Count; i++)
        {
            Assert.Equal(index.Search(queries[i], 5), batch[i]);
        }

        Assert.Empty(new Int8FaceIndex(96).SearchMany(queries, 5)[0]);
    }

    [Fact]
    public void The_candidate_list_keeps_the_best_scores_offered_and_their_slots()
    {
        var rng = new Random(4);
        var scores = Enumerable.Range(0, 5_000).Select(_ => (float)rng.NextDouble()).ToArray();
        var top = new TopScores(100);
        for (int slot = 0; slot < scores.Length; slot++)
        {
            top.Offer(slot, scores[slot]);
            Assert.Equal(slot + 1 < 100 ? float.NegativeInfinity : scores.Take(slot + 1).OrderDescending().ElementAt(99), top.Worst);
        }

        var expected = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(100).Order();
        Assert.Equal(expected, top.Items().Select(x => x.Slot).Order());
        Assert.All(top.Items(), x => Assert.Equal(scores[x.Slot], x.Score));
    }

    [Fact]
    public void Candidates_keep_every_score_within_the_margin_of_the_kth_best()
    {
        var rng = new Random(6);
        var scores = Enumerable.Range(0, 20_000).Select(_ => (float)rng.NextDouble()).ToArray();
        var candidates = new Candidates(10, 0.01f);
        for (int slot = 0; slot < scores.Length; slot++)
        {
            candidates.Offer(slot, scores[slot]);
        }

        float kth = scores.OrderDescending().ElementAt(9);
        Assert.Equal(kth, candidates.BestScores().Min());
        var expected = Enumerable.Range(0, scores.Length).Where(i => scores[i] >= kth - 0.01f).Order();
        Assert.Equal(expected, candidates.Above(kth - 0.01f).Select(x => x.Slot).Order());
        Assert.All(candidates.Above(kth - 0.01f), x => Assert.Equal(scores[x.Slot], x.Score));
    }

    [Fact]
    public void A_crowd_closer_together_than_the_error_bound_ranks_as_its_half_precision_copies()
    {
        // Six hundred near copies of one face among random ones: their approximate scores all lie within the error bound
        // of each other, so the candidates must hold the whole crowd for the top 10 to come out right.
        var rng = new Random(8);
        var face = SearchVectors.RandomUnit(rng, 128);
        var stored = Enumerable.Range(0, 30_000).Select(i => i % 50 == 0 ? SearchVectors.Near(face, rng) : SearchVectors.RandomUnit(rng, 128)).ToList();
        var index = new Int8FaceIndex(128);
        for (int i = 0; i < stored.Count; i++)
        {
            index.Upsert(i, stored[i]);
        }

        var queries = Enumerable.Range(0, 6).Select(_ => SearchVectors.Near(face, rng)).ToList();
        var batch = index.SearchMany(queries, 10);
        for (int q = 0; q < queries.Count; q++)
        {
            // The half-precision ranking by brute force: every stored vector rounded as the index keeps it, scored as it re-scores.
            var expected = stored.Select((v, id) => (Id: (long)id, Similarity: HalfDot.Dot(SearchVectors.ToHalf(v), queries[q], width: 0)))
                .OrderByDescending(h => h.Similarity).ThenBy(h => h.Id).Take(10).Select(h => h.Id);
            Assert.Equal(expected, batch[q].Select(h => h.Id));
            Assert.Equal(expected, index.Search(queries[q], 10).Select(h => h.Id));
        }
    }

    [Fact]
    public void Removed_and_replaced_vectors_are_searched_as_they_are_now()
    {
        var rng = new Random(5);
        var index = new Int8FaceIndex(64);
        var a = SearchVectors.RandomUnit(rng, 64);
        var b = SearchVectors.RandomUnit(rng, 64);
        index.Upsert(1, a);
        index.Upsert(2, b);
        index.Upsert(3, SearchVectors.RandomUnit(rng, 64));
        Assert.Equal(1, index.Search(a, 1)[0].Id);
        Assert.True(index.Remove(1));
        Assert.False(index.Remove(1));
        Assert.NotEqual(1, index.Search(a, 1)[0].Id);
        index.Upsert(3, a);
        Assert.Equal(3, index.Search(a, 1)[0].Id);
        Assert.Equal(2, index.Count);
        Assert.Throws<ArgumentException>(() => index.Search(new float[63], 1));
    }

    [Fact]
    public void An_index_read_from_a_file_maps_its_copies_answers_the_same_and_changes_without_touching_the_file()
    {
        var rng = new Random(9);
        var vectors = Enumerable.Range(0, 3_000).Select(_ => SearchVectors.RandomUnit(rng, 96)).ToList();
        using var original = new Int8FaceIndex(96);
        for (int i = 0; i < vectors.Count; i++)
        {
            original.Upsert(i, vectors[i]);
        }

        string path = Path.Combine(Path.GetTempPath(), $"arcfacekit-int8-{Guid.NewGuid():N}");
        try
        {
            using (var file = File.Create(path))
            using (var writer = new BinaryWriter(file))
            {
                writer.Write(7);                          // something before the index, as in a gallery's index file
                original.Write(writer);
                writer.Write(8);
            }

            byte[] written = File.ReadAllBytes(path);
            Int8FaceIndex read;
            using (var stream = File.OpenRead(path))
            using (var reader = new BinaryReader(stream))
            {
                Assert.Equal(7, reader.ReadInt32());
                read = Int8FaceIndex.Read(reader, 96);
                Assert.Equal(8, reader.ReadInt32());                 // the reader is left after the index
            }

            // The file closed, even replaced, the mapping still holds what was read.
            File.Move(path, path + ".old");
            File.WriteAllBytes(path, new byte[written.Length]);
            using var owned = read;
            Assert.Equal(!OperatingSystem.IsWindows(), read.CopiesMapped);
            var queries = Enumerable.Range(0, 20).Select(i => SearchVectors.Near(vectors[i * 131], rng)).ToList();
            foreach (var q in queries)
            {
                Assert.Equal(original.Search(q, 10), read.Search(q, 10));
            }

            // Changes land in memory: mapped rows overwritten (a removal fills its hole with the last row), rows added past them.
            Assert.True(read.Remove(5));
            read.Upsert(5_000, vectors[5]);
            for (int i = 0; i < 100; i++)
            {
                read.Upsert(10_000 + i, SearchVectors.RandomUnit(rng, 96));
            }

            Assert.Equal(5_000, read.Search(vectors[5], 1)[0].Id);
            Assert.Equal(vectors.Count + 100, read.Count);
            Assert.Equal(written, File.ReadAllBytes(path + ".old"));
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".old");
        }
    }

    private static void AssertSameAnswers(IReadOnlyList<float[]> stored, IReadOnlyList<float[]> queries)
    {
        int dim = stored[0].Length;
        var exact = new ExactFaceIndex(dim);
        var int8 = new Int8FaceIndex(dim);
        for (int i = 0; i < stored.Count; i++)
        {
            exact.Upsert(i, stored[i]);
            int8.Upsert(i, stored[i]);
        }

        foreach (var q in queries)
        {
            var expected = exact.Search(q, 10);
            var actual = int8.Search(q, 10);
            Assert.Equal(expected.Count, actual.Count);
            for (int r = 0; r < expected.Count; r++)
            {
                // Half-precision re-scoring: each rank's fp32 score is the exact one to within its rounding, so ids
                // differ only where two scores tie that closely.
                float fp32 = TensorPrimitives.Dot(stored[(int)actual[r].Id], q);
                Assert.Equal(expected[r].Similarity, fp32, 0.002f);
                Assert.Equal(fp32, actual[r].Similarity, 0.002f);
            }
        }
    }
}
