using System.Net;
using System.Text.Json;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using ArcFaceKit.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ArcFaceKit.Server.Tests;

/// <summary>Bounded work: a full analysis line answers 503 with Retry-After; settings that cannot work are refused at start.</summary>
public sealed class ServerLimitsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-limits-").FullName;

    [Fact]
    public async Task When_every_slot_is_busy_and_the_line_is_full_requests_get_503_with_retry_after()
    {
        await using var app = await TestApp.StartAsync(TestModels.Options(o =>
        {
            o.SqlitePath = Path.Combine(_folder, "busy.db");
            o.Pipeline = o.Pipeline with { MaxConcurrentAnalyses = 1, MaxQueuedAnalyses = 0 };
            o.Upload = o.Upload with { MaxQueued = 0 };
        }), kestrel: true);
        string key = app.NewKey(ApiScopes.Read);

        // A first request warms the HTTP path; then the one slot is held by an analysis that cannot end by itself, on the
        // server's own service, and the line holds nobody.
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/detect", TestApp.Photos(("image", TestModels.Lfw("Abel_Pacheco_0001.jpg")))))).StatusCode);
        var service = app.Services.GetRequiredService<FacePipeline>();
        var image = service.DecodeFile(TestModels.Lfw("Abel_Pacheco_0001.jpg"));
        using var holder = await SlotHolder.StartAsync(service, image);

        var busy = await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/detect", TestApp.Photos(("image", TestModels.Lfw("Abel_Pacheco_0001.jpg")))));
        Assert.True(holder.Holding, "the long analysis ended before the request came: the test proved nothing");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal("1", busy.Headers.RetryAfter?.ToString());
        var problem = JsonDocument.Parse(await busy.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("retry", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);

        // Once the slot is free, it serves again.
        await holder.ReleaseAsync();
        var after = await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/detect", TestApp.Photos(("image", TestModels.Lfw("Abel_Pacheco_0001.jpg")))));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData("--rate", "0", "rate limit")]
    [InlineData("--max-upload-mb", "0", "must be positive")]
    [InlineData("--scoring", "median", "Scoring must be")]
    [InlineData("--rate", "2", "--max-photos (10) is above")]
    [InlineData("--min-enroll-quality", "1.5", "from 0 to 1")]
    public void Settings_that_cannot_work_are_refused_at_start(string flag, string value, string says)
    {
        var (code, _, stderr) = ServerProcess.Run(["serve", "--sqlite", Path.Combine(_folder, "x.db"), "--detector", TestModels.Detector, "--embedder", TestModels.Embedder, flag, value]);
        Assert.Equal(2, code);
        Assert.Contains(says, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_flags_without_the_word_serve_are_honoured_not_ignored()
    {
        // A PostgreSQL store named without `serve`: it must try PostgreSQL (and fail clearly here), never serve SQLite.
        var (code, _, stderr) = ServerProcess.Run(["--store", "postgres", "--postgres", "Host=127.0.0.1;Port=1;Username=x;Database=x;Timeout=2", "--key-file", Path.Combine(_folder, "k.bin"),
            "--detector", TestModels.Detector, "--embedder", TestModels.Embedder]);
        Assert.Equal(2, code);
        Assert.Contains("PostgreSQL", stderr, StringComparison.OrdinalIgnoreCase);
        var (unknown, _, refused) = ServerProcess.Run(["--no-such-flag", "1"]);
        Assert.Equal(2, unknown);
        Assert.Contains("no-such-flag", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void The_old_name_of_a_flag_still_sets_it_and_says_its_new_name()
    {
        // --detector-size 0 reaches the detector's input size (a 0 there is refused at start), with one line naming --input-size.
        var (code, _, stderr) = ServerProcess.Run(["serve", "--sqlite", Path.Combine(_folder, "old.db"), "--detector", TestModels.Detector, "--embedder", TestModels.Embedder, "--detector-size", "0"]);
        Assert.Equal(2, code);
        Assert.Contains("warning: --detector-size is deprecated; use --input-size.", stderr, StringComparison.Ordinal);
        Assert.Contains("--input-size must be positive", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n'), l => l.Contains("deprecated", StringComparison.Ordinal));
    }

    [Fact]
    public void A_decoding_budget_that_cannot_hold_two_photos_is_refused_at_start()
    {
        var options = TestModels.Options(o =>
        {
            o.SqlitePath = Path.Combine(_folder, "budget.db");
            o.Upload = o.Upload with { MaxPixels = 1_000_000, MaxDecodedPixels = 1_500_000 };
        });
        var e = Assert.Throws<ArgumentException>(() => ServerApp.Create(["--urls", "http://127.0.0.1:0"], options));
        Assert.Contains("two photos", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
