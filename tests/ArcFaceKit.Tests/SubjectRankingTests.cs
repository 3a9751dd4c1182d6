using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;

namespace ArcFaceKit.Tests;

/// <summary>The one 1:N rule: every scoring's top-k equals a brute-force ranking of every subject.</summary>
public sealed class SubjectRankingTests
{
    private const double HalfPrecision = 1.0 / 2048;

    [Theory]
    [InlineData(SubjectScoring.BestFace, 1)]
    [InlineData(SubjectScoring.BestFace, 5)]
    [InlineData(SubjectScoring.MeanTemplate, 5)]
    [InlineData(SubjectScoring.Both, 1)]
    [InlineData(SubjectScoring.Both, 7)]
    public async Task Top_k_equals_brute_force_for_every_scoring(SubjectScoring scoring, int k)
    {
        var rng = new Random(7);
        using var index = new MemorySubjectIndex(16, GalleryIndexOptions.Default);
        var subjects = new List<(string Name, List<float[]> Faces)>();
        long faceId = 0;
        for (int s = 0; s < 60; s++)
        {
            // Uneven subjects: some with many near-duplicate faces that crowd the face list.
            var centre = Unit(rng, 16);
            var faces = Enumerable.Range(0, 1 + (s % 9 == 0 ? 25 : rng.Next(4))).Select(_ => Jitter(rng, centre, 0.6f)).ToList();
            subjects.Add(($"s{s}", faces));
            index.Set(s, $"s{s}", [.. faces.Select(f => (faceId++, f))]);
        }

        for (int q = 0; q < 25; q++)
        {
            var probe = Unit(rng, 16);
            var expected = subjects.Select(s => (s.Name, Score: Score(s.Faces, probe, scoring)))
                .OrderByDescending(s => s.Score).ThenBy(s => s.Name, StringComparer.Ordinal).Take(k).ToList();
            var got = await index.TopAsync(probe, k, scoring);

            // The same k scores in the same order, each the true score of the subject named (ties aside, the same subjects).
            Assert.Equal(expected.Count, got.Count);
            // The index scores from half-precision copies: |error| <= 2^-11 for unit vectors.
            Assert.All(expected.Zip(got), p => Assert.Equal(p.First.Score, p.Second.Similarity, HalfPrecision));
            Assert.All(got, g => Assert.Equal(Score(subjects.Single(s => s.Name == g.Subject).Faces, probe, scoring), g.Similarity, HalfPrecision));
        }
    }

    [Fact]
    public async Task Fewer_subjects_than_asked_returns_them_all_and_an_empty_index_none()
    {
        using var index = new MemorySubjectIndex(4, GalleryIndexOptions.Default);
        Assert.Empty(await index.TopAsync([1, 0, 0, 0], 3, SubjectScoring.Both));
        index.Set(1, "a", [(1, [1, 0, 0, 0]), (2, [0, 1, 0, 0])]);
        index.Set(2, "empty", []);
        var all = await index.TopAsync([1, 0, 0, 0], 5, SubjectScoring.BestFace);
        Assert.Equal("a", Assert.Single(all).Subject);
        Assert.Equal(1, all[0].FaceId);
    }

    private static float Score(List<float[]> faces, float[] probe, SubjectScoring scoring)
    {
        float best = faces.Max(f => Dot(f, probe));
        var mean = new float[probe.Length];
        foreach (var f in faces)
        {
            for (int i = 0; i < mean.Length; i++)
            {
                mean[i] += f[i];
            }
        }

        Embeddings.Normalize(mean);
        float template = Dot(mean, probe);
        return scoring switch
        {
            SubjectScoring.BestFace => best,
            SubjectScoring.MeanTemplate => template,
            _ => (best + template) / 2,
        };
    }

    private static float Dot(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private static float[] Unit(Random rng, int dim)
    {
        var v = Enumerable.Range(0, dim).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Embeddings.Normalize(v);
        return v;
    }

    private static float[] Jitter(Random rng, float[] centre, float amount)
    {
        var v = centre.Select(c => c + (amount * ((float)rng.NextDouble() - 0.5f))).ToArray();
        Embeddings.Normalize(v);
        return v;
    }
}
