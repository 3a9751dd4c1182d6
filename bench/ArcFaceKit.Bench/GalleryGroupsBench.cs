using System.Diagnostics;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Bench;

/// <summary>
/// What placing one new unnamed face costs in a SQLite gallery that already holds many groups: the groups are made
/// through the library (each face its own group: random unit vectors join none), then each timed face is placed by
/// <see cref="IFaceGallery.AddToGroupsAsync"/> (found its nearest group, then stored and committed with its audit entry).
/// </summary>
internal static class GalleryGroupsBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        int groups = options.Int("--groups", 100_000), adds = options.Int("--adds", 200), dim = options.Int("--dim", 512);
        const float Threshold = 0.5f;   // random unit vectors in 512-d are ~0 apart: every face starts a group
        string folder = Directory.CreateTempSubdirectory("arcface-groups-bench-").FullName;
        try
        {
            var rng = new Random(1);
            var model = new ModelIdentity("random unit vectors", new string('0', 64), 1, dim);
            await using var gallery = await SqliteGallery.OpenAsync(Path.Combine(folder, "gallery.db"), model);
            var fill = Stopwatch.StartNew();
            for (int g = 0; g < groups; g++)
            {
                await gallery.AddToGroupsAsync(new NewFace(SearchBench.RandomUnit(rng, dim), []), Threshold, "bench");
                if (g % Math.Max(1, groups / 10) == 0)
                {
                    Console.Error.WriteLine($"  {g + 1:N0} groups in {fill.Elapsed.TotalSeconds:F0} s");
                }
            }

            fill.Stop();
            var times = new List<double>(adds);
            for (int i = 0; i < adds; i++)
            {
                var face = new NewFace(SearchBench.RandomUnit(rng, dim), []);
                var watch = Stopwatch.StartNew();
                await gallery.AddToGroupsAsync(face, Threshold, "bench");
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"gallery groups: a new unnamed face among {groups:N0} groups ({dim}-d, SQLite): median {Stats.Median(times):F2} ms, p90 {times[(int)(0.9 * (times.Count - 1))]:F2} ms over {adds} adds; the {groups:N0} groups made at {groups / fill.Elapsed.TotalSeconds:F0} faces/s");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
