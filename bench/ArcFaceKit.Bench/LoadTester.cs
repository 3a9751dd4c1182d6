using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace ArcFaceKit.Bench;

/// <summary>The figures of one load test run.</summary>
public sealed record LoadTestReport(int Clients, double Seconds, int Requests, int Enrolls, int Recognizes, int Busy, int Errors, double P50Ms, double P99Ms, string? FirstError)
{
    public double RequestsPerSecond => Requests / Seconds;

    public override string ToString() =>
        $"{Clients,3} clients, {Seconds:F1} s: {Requests} requests ({Enrolls} enroll, {Recognizes} recognize), {RequestsPerSecond:F1} requests/s, " +
        $"p50 {P50Ms:F0} ms, p99 {P99Ms:F0} ms, 503 busy {Busy}, errors {Errors}" + (FirstError is null ? "" : $" (first: {FirstError})");
}

/// <summary>
/// N concurrent clients against a loopback server for a fixed time, each looping over a mix of enroll (one photo,
/// under the photo's person) and recognize. Only loopback addresses are accepted: this is for measuring, not attacking.
/// A 503 (the server's documented answer when its analysis queue is full) is counted as busy, not as an error;
/// latencies are of answered requests.
/// </summary>
public static class LoadTester
{
    public static async Task<LoadTestReport> RunAsync(Uri server, string apiKey, IReadOnlyList<(string Person, byte[] Photo)> photos,
        int clients, TimeSpan duration, double enrollShare, int seed, CancellationToken cancellationToken)
    {
        if (!server.IsLoopback)
        {
            throw new ArgumentException($"The load test only targets loopback servers (127.0.0.1, ::1, localhost); {server.Host} is not one.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clients, 256);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, TimeSpan.FromMinutes(10));
        if (photos.Count == 0)
        {
            throw new ArgumentException("No photos to send.");
        }

        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(1) };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var latencies = new ConcurrentBag<double>();
        int enrolls = 0, recognizes = 0, busy = 0, errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(seed + c);
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var (person, photo) = photos[random.Next(photos.Count)];
                bool enroll = random.NextDouble() < enrollShare;
                using var form = new MultipartFormDataContent();
                var file = new ByteArrayContent(photo);
                file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(file, "image", "photo.jpg");
                string path = enroll ? $"v1/subjects/{Uri.EscapeDataString(person)}/faces?largest=true" : "v1/recognize?k=3";
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsync(path, form, cancellationToken);
                    string body = await response.Content.ReadAsStringAsync(cancellationToken);
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref busy);
                        continue;
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    Interlocked.Increment(ref enroll ? ref enrolls : ref recognizes);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} {body}", null);
                    }
                }
                catch (HttpRequestException e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(tasks);
        double seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        return new LoadTestReport(clients, seconds, sorted.Length, enrolls, recognizes, busy, errors, Stats.Percentile(sorted, 0.50), Stats.Percentile(sorted, 0.99), firstError);
    }

    /// <summary>Photos with at least one face (asked of the server's own detect endpoint), so the run measures, not fails.</summary>
    public static async Task<List<(string Person, byte[] Photo)>> UsablePhotosAsync(Uri server, string apiKey, IEnumerable<string> files, int count, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var usable = new List<(string, byte[])>();
        foreach (var path in files)
        {
            byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "image", "photo.jpg" } };
            using var response = await http.PostAsync("v1/detect", form, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("\"box\"", StringComparison.Ordinal))
            {
                usable.Add((ArcFaceKit.Evaluation.LfwIdentification.PersonOf(path), bytes));
                if (usable.Count == count)
                {
                    break;
                }
            }
        }

        return usable;
    }

}
