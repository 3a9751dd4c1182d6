using System.Diagnostics;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Bench;

/// <summary>
/// The decoder alone, in the bench's own process (workstation GC, where the server runs server GC): --decodes (20)
/// decodes of the huge PNG through an <see cref="UploadDecoder"/> at its defaults, two at a time as a verification
/// holds them, each disposed once decoded. Prints the median time a decode, the managed heap (GC.GetTotalMemory, dead
/// arrays not yet collected included) at its largest while a photo was held and at the end, the peak resident memory
/// and the full collections the loop saw: a library that lets go of each photo's pixels to the collector shows them here.
/// </summary>
internal static class DecodeHeapBench
{
    public static async Task RunAsync(BenchOptions options, byte[] png)
    {
        int decodes = options.Int("--decodes", 20);
        var uploads = new UploadDecoder();
        using (await uploads.DecodeAsync(png))
        {
            // warm the code path; its memory counts as the start
        }

        long start = GC.GetTotalMemory(forceFullCollection: false);
        int gen2 = GC.CollectionCount(2);
        File.WriteAllText("/proc/self/clear_refs", "5");   // peak from here on
        var times = new List<double>();
        long largest = 0;
        var locker = new Lock();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
        {
            for (int i = worker; i < decodes; i += 2)
            {
                var clock = Stopwatch.StartNew();
                using var decoded = await uploads.DecodeAsync(png);
                double ms = clock.Elapsed.TotalMilliseconds;
                long heap = GC.GetTotalMemory(forceFullCollection: false);
                lock (locker)
                {
                    times.Add(ms);
                    largest = Math.Max(largest, heap);
                }
            }
        })));
        long end = GC.GetTotalMemory(forceFullCollection: false);
        long peak = DecodeMemoryBench.Status(Environment.ProcessId, "VmHWM");
        Console.WriteLine($"decoder alone: {decodes} decodes, 2 at a time, in the bench's process ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)");
        Console.WriteLine("  a decode (median)   managed heap: start   largest held   end   peak RSS   full collections");
        Console.WriteLine($"  {Stats.Median(times),12:F0} ms   {start / 1_000_000,16} MB   {largest / 1_000_000,9} MB   {end / 1_000_000,5} MB   {peak / 1024,5} MB   {GC.CollectionCount(2) - gen2,8}");
    }
}
