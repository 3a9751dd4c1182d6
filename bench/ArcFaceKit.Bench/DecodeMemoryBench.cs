using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Bench;

/// <summary>
/// `decode-memory`: the memory a burst of huge photos costs the real server. For each decoding budget (--budgets, in
/// megapixels; 0 = none), starts `arcface-server serve` as a child process and sends it --bursts (3) bursts of --uploads
/// (40) requests at once, each a --side (7000) square PNG (49 MP, a face in a flat background: a small file that decodes
/// to 147 MB); prints the server's resident memory before, its peak (VmHWM) in each burst (later bursts show whether
/// memory keeps growing), the median time a burst took and its memory 2 s after the last. Then the decoder alone, in
/// this process (<see cref="DecodeHeapBench"/>).
/// </summary>
internal static class DecodeMemoryBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        int side = options.Int("--side", 7000);
        int uploads = options.Int("--uploads", 40);
        int bursts = options.Int("--bursts", 3);
        long[] budgets = [.. (options.Value("--budgets") ?? $"0,{Imaging.UploadOptions.DefaultMaxDecodedPixels / 1_000_000}").Split(',').Select(b => long.Parse(b, CultureInfo.InvariantCulture))];
        byte[] png = HugePhoto(System.IO.Path.Combine(options.Images, "Abel_Pacheco_0001.jpg"), side);
        Console.WriteLine($"decode-memory: {uploads} uploads at once of a {side}x{side} PNG ({side * (long)side / 1e6:F0} MP, {png.Length / 1024} KB; {side * (long)side * 3 / 1e6:F0} MB as RGB), {Environment.ProcessorCount} cores");
        Console.WriteLine($"  budget (MP)   RSS before   peak RSS, {bursts} bursts (MB)   RSS after   statuses            burst (median)   a photo");
        foreach (long budget in budgets)
        {
            await RunOneAsync(options, png, uploads, bursts, budget);
        }

        await DecodeHeapBench.RunAsync(options, png);
    }

    private static async Task RunOneAsync(BenchOptions options, byte[] png, int uploads, int bursts, long budgetMp)
    {
        string folder = Directory.CreateTempSubdirectory("arcface-decode-memory-").FullName;
        string dll = System.IO.Path.Combine(AppContext.BaseDirectory, "arcface-server.dll");
        string[] store = ["--sqlite", System.IO.Path.Combine(folder, "m.db")];
        int port = FreePort();
        long budget = budgetMp > 0 ? budgetMp : 1_000_000;   // "none": room for every upload at once
        string[] models = [.. Flag(options, "--detector"), .. Flag(options, "--embedder")];
        var key = await RunAsync(dll, ["keys", "create", "bench", "--scope", "read,write", .. store]);
        var start = new ProcessStartInfo("dotnet", [dll, "serve", .. store, .. models, "--urls", $"http://127.0.0.1:{port}", "--rate", "100000",
            "--max-upload-mb", "50", "--max-decoded-mp", budget.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Add("X-Api-Key", key.Trim());
            await WaitForHealthAsync(http, server);
            await PostAsync(http, File.ReadAllBytes(System.IO.Path.Combine(options.Images, "Abel_Pacheco_0001.jpg")));   // warm the path
            long before = Status(server.Id, "VmRSS");
            var peaks = new List<long>();
            var seconds = new List<double>();
            var statuses = new List<int>();
            for (int burst = 0; burst < bursts; burst++)
            {
                File.WriteAllText($"/proc/{server.Id}/clear_refs", "5");   // peak from here on
                var clock = Stopwatch.StartNew();
                statuses.AddRange(await Task.WhenAll(Enumerable.Range(0, uploads).Select(_ => PostAsync(http, png))));
                seconds.Add(clock.Elapsed.TotalSeconds);
                peaks.Add(Status(server.Id, "VmHWM"));
            }

            await Task.Delay(2000);
            long after = Status(server.Id, "VmRSS");
            string counted = string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()}x{g.Key}"));
            string peakList = string.Join(" / ", peaks.Select(p => (p / 1024).ToString(CultureInfo.InvariantCulture)));
            double median = Stats.Median(seconds);
            Console.WriteLine($"  {(budgetMp > 0 ? budgetMp.ToString(CultureInfo.InvariantCulture) : "none"),11}   {before / 1024,7} MB   {peakList,-24}   {after / 1024,6} MB   {counted,-18}  {median,9:F1} s   {median * 1000 / uploads,5:F0} ms");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A face (small, at its own size) in the middle of a flat square: compresses to little, decodes to side^2 pixels.</summary>
    private static byte[] HugePhoto(string face, int side)
    {
        var small = ImageDecoder.DecodeFile(face);
        var canvas = new RgbImage(side, side);
        canvas.Pixels.AsSpan().Fill(128);
        int x0 = (side - small.Width) / 2, y0 = (side - small.Height) / 2;
        for (int y = 0; y < small.Height; y++)
        {
            small.Pixels.AsSpan(y * small.Width * 3, small.Width * 3).CopyTo(canvas.Pixels.AsSpan(((y0 + y) * side + x0) * 3));
        }

        return ImageEncoder.EncodePng(canvas);
    }

    private static async Task<int> PostAsync(HttpClient http, byte[] photo)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", "photo.png");
        using var response = await http.PostAsync("v1/detect", form);
        return (int)response.StatusCode;
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process server)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(120); await Task.Delay(200))
        {
            if (server.HasExited)
            {
                throw new IOException($"arcface-server exited with {server.ExitCode} before answering.");
            }

            try
            {
                if ((await http.GetAsync("v1/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
        }

        throw new IOException("arcface-server did not answer within 120 s.");
    }

    /// <summary>A memory figure of a process from /proc/PID/status, in KiB (a tab, then the number padded to 8 digits: from 10 GB on, no space).</summary>
    internal static long Status(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static async Task<string> RunAsync(string dll, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new IOException($"arcface-server {args[0]} failed: {error}");
    }

    private static IEnumerable<string> Flag(BenchOptions options, string name) => options.Value(name) is { } value ? [name, value] : [];

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
