using ArcFaceKit.Search;

namespace ArcFaceKit.Tests;

/// <summary>
/// Every 8-bit kernel this CPU runs, forced one by one, on real faces: the scalar dot products of the codes for every
/// slot, and the ranking and similarities of a brute-force half-precision scan. On ARM64 the same tests run its kernels;
/// elsewhere the portable kernel's runs, on the same inputs, cover theirs but for the multiply (they share loads, sign flip
/// and bias: <see cref="ISignedSteps{TQuery}"/>).
/// </summary>
public class Int8KernelTests
{
    public static TheoryData<string> Kernels() => new(Int8Kernels.Supported.Select(k => k.ToString()));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Each_kernel_scores_every_slot_from_the_scalar_dot_product_of_the_codes(string name)
    {
        var kernel = Int8Kernels.Parse(name);
        var faces = Shared.LfwFaces;
        int n = faces.Count, stride = Int8Codes.Stride(faces[0].Length);
        var codes = new byte[(n + 7) * stride];
        var scales = new float[n + 7];
        for (int slot = 0; slot < n; slot++)
        {
            scales[slot] = Int8Codes.Quantize(faces[slot], codes.AsSpan(slot * stride, stride), Int8Codes.Bias);
        }

        // Five queries: two tiles of two and one alone; ranges that start on and off the eight-slot steps, and end off them.
        var rng = new Random(11);
        var queries = Enumerable.Range(0, 5).Select(i => QueryCode.Encode(SearchVectors.Near(faces[i * 7], rng), stride, scales.Max())).ToArray();
        Assert.NotEqual(0, n % 8);
        foreach (int from in new[] { 0, 3 })
        {
            var candidates = queries.Select(_ => new Candidates(n, float.PositiveInfinity)).ToArray();
            Int8Scan.Run(kernel, codes, scales, stride, from, n, queries, candidates);
            for (int q = 0; q < queries.Length; q++)
            {
                var scores = candidates[q].Above(float.NegativeInfinity).ToDictionary(x => x.Slot, x => x.Score);
                Assert.Equal(Enumerable.Range(from, n - from), scores.Keys.Order());
                for (int slot = from; slot < n; slot++)
                {
                    int dot = 0;
                    for (int i = 0; i < stride; i++)
                    {
                        dot += (codes[(slot * stride) + i] - Int8Codes.Bias) * queries[q].Code[i];
                    }

                    Assert.Equal((float)dot * queries[q].Scale * scales[slot], scores[slot]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Each_kernel_ranks_real_faces_as_a_scalar_half_precision_scan_does(string name)
    {
        var faces = Shared.LfwFaces;
        var rng = new Random(12);
        var stored = faces.Concat(faces.Select(f => SearchVectors.Near(f, rng))).Concat(faces.Select(f => SearchVectors.Near(f, rng))).ToList();
        using var index = new Int8FaceIndex(faces[0].Length, kernel: Int8Kernels.Parse(name));
        for (int i = 0; i < stored.Count; i++)
        {
            index.Upsert(i, stored[i]);
        }

        // A batch of two blocks (64 and an odd 3), each query near a face with two near copies: close scores at the top.
        var queries = Enumerable.Range(0, 67).Select(i => SearchVectors.Near(faces[i * 4], rng)).ToList();
        var batch = index.SearchMany(queries, 10);
        for (int q = 0; q < queries.Count; q++)
        {
            var expected = stored.Select((v, id) => new SearchHit(id, HalfDot.Dot(SearchVectors.ToHalf(v), queries[q], width: 0)))
                .OrderByDescending(h => h.Similarity).ThenBy(h => h.Id).Take(10).ToList();
            Assert.Equal(expected, batch[q]);
            Assert.Equal(expected[0].Similarity, index.Similarity(expected[0].Id, queries[q]));
        }

        Assert.All(queries.Take(5), (query, q) => Assert.Equal(batch[q], index.Search(query, 10)));
    }

    [Theory]
    [InlineData(128)]
    [InlineData(512)]
    [InlineData(100)]
    [InlineData(7)]
    public void The_rescoring_gives_the_same_float_at_every_width_and_the_dot_product_to_rounding(int dimension)
    {
        var rng = new Random(dimension);
        for (int trial = 0; trial < 50; trial++)
        {
            var copy = SearchVectors.ToHalf(SearchVectors.RandomUnit(rng, dimension));
            var query = SearchVectors.RandomUnit(rng, dimension);
            float scalar = HalfDot.Dot(copy, query, width: 0);
            Assert.All(new[] { 128, 256, 512 }, width => Assert.Equal(scalar, HalfDot.Dot(copy, query, width)));
            double exact = Enumerable.Range(0, dimension).Sum(i => (double)(float)copy[i] * query[i]);
            Assert.Equal(exact, scalar, 1e-6);
        }
    }

    [Fact]
    public void A_kernel_is_forced_by_its_name_and_one_the_CPU_lacks_is_refused()
    {
        Assert.Equal(Int8Kernel.Avx2, Int8Kernels.Named("avx2"));
        Assert.Equal(Int8Kernel.Portable, Int8Kernels.Named("Portable"));
        Assert.Equal(Int8Kernels.Best, Int8Kernels.Named(null));
        Assert.Equal(Int8Kernels.Best, Int8Kernels.Named(""));
        Assert.Equal(Int8Kernel.AdvSimdDp, Int8Kernels.Parse("ADVSIMDDP"));
        Assert.Throws<ArgumentException>(() => Int8Kernels.Parse("sse9"));
        Assert.Throws<ArgumentException>(() => Int8Kernels.Parse("7"));

        using var portable = new Int8FaceIndex(64, kernel: Int8Kernel.Portable);
        Assert.Equal(Int8Kernel.Portable, portable.Kernel);

        // No CPU runs both the x86 and the ARM64 kernels.
        var lacking = Enum.GetValues<Int8Kernel>().Where(k => !Int8Kernels.IsSupported(k)).ToList();
        Assert.NotEmpty(lacking);
        Assert.Throws<PlatformNotSupportedException>(() => new Int8FaceIndex(64, kernel: lacking[0]));
        Assert.Throws<PlatformNotSupportedException>(() => Int8Kernels.Named(lacking[0].ToString()));
    }
}
