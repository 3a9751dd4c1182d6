using System.Net;
using System.Text;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;
using ArcFaceKit.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArcFaceKit.Server.Tests;

/// <summary>What a careless or hostile client meets: 4xx for its mistakes, headers that protect the page, no names or keys in logs, private files.</summary>
public sealed class HostileClientTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-hostile-").FullName;

    [Fact]
    public async Task Malformed_multipart_bodies_are_client_errors_not_server_errors()
    {
        await using var app = await TestApp.StartAsync(TestModels.Options(o => o.SqlitePath = Path.Combine(_folder, "m.db")), kestrel: true);
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        const string Boundary = "----arcface";
        string[] bodies =
        [
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\nnot closed",   // no closing boundary
            $"--wrong\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nx\r\n--wrong--\r\n",                     // another boundary
            "",                                                                                                             // empty
        ];
        foreach (var body in bodies)
        {
            var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={Boundary}");
            var response = await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects/x/faces", content));
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} for {body.Length} bytes: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(0, await app.Store.CountFacesAsync());
    }

    [Fact]
    public async Task An_enrolment_with_more_photos_than_allowed_is_refused_before_any_work()
    {
        await using var app = await StartAsync("p", o =>
        {
            o.MaxPhotosPerRequest = 3;
        });
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        var photos = TestApp.Photos([.. Enumerable.Repeat(("image", TestModels.Lfw("Abel_Pacheco_0001.jpg")), 4)]);
        var response = await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects/abel/faces", photos));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 3", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.Store.CountFacesAsync());
        Assert.Equal(TimeSpan.Zero, app.Services.GetRequiredService<Pipeline.FacePipeline>().InferenceTime);
    }

    [Fact]
    public async Task Each_photo_of_an_enrolment_costs_one_request_of_the_rate_limit()
    {
        await using var app = await StartAsync("r", o =>
        {
            o.RateLimitPerSecond = 1;
            o.RateLimitBurst = 4;
            o.MaxPhotosPerRequest = 3;
        });
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        HttpRequestMessage ThreePhotos() => TestApp.With(key, HttpMethod.Post, "/v1/subjects/abel/faces",
            TestApp.Photos([.. new[] { 1, 2, 4 }.Select(i => ("image", TestModels.Lfw($"Abel_Pacheco_000{i}.jpg")))]));

        Assert.Equal(HttpStatusCode.Created, (await app.Client.SendAsync(ThreePhotos())).StatusCode);
        var refused = await app.Client.SendAsync(ThreePhotos());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.Contains("each photo", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await app.Store.CountFacesAsync());
    }

    [Fact]
    public async Task An_enrolment_whose_client_disconnects_does_no_analysis_and_stores_nothing()
    {
        await using var app = await StartAsync("c", o =>
        {
            o.Pipeline = o.Pipeline with { MaxConcurrentAnalyses = 1 };
        });
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        var service = app.Services.GetRequiredService<Pipeline.FacePipeline>();

        // The one analysis slot is held, so the enrolment waits in line; its client gives up while it waits.
        using var holder = await SlotHolder.StartAsync(service, service.DecodeFile(TestModels.Lfw("Abel_Pacheco_0001.jpg")));

        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var photos = TestApp.Photos([.. Enumerable.Repeat(("image", TestModels.Lfw("Abel_Pacheco_0002.jpg")), 5)]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects/abel/faces", photos), giveUp.Token));
        Assert.True(holder.Holding, "the long analysis ended before the client gave up: the test proved nothing");

        // Once the slot is free (a moment later: the server hears of the closed connection from the network), the
        // abandoned enrolment must not run: no inference after the holder's, no faces.
        await Task.Delay(1000);
        await holder.ReleaseAsync();
        var afterHolder = service.InferenceTime;
        await Task.Delay(1000);
        Assert.Equal(afterHolder, service.InferenceTime);
        Assert.Equal(0, await app.Store.CountFacesAsync());
        Assert.Null(await app.Store.GetSubjectAsync("abel"));
    }

    [Fact]
    public async Task Pixel_heavy_pngs_at_once_are_decoded_within_the_budget_and_oversized_ones_refused()
    {
        await using var app = await StartAsync("px", o =>
        {
            o.Upload = o.Upload with { MaxPixels = 16_000_000, MaxDecodedPixels = 32_000_000 };
        });
        string key = app.NewKey(ApiScopes.Read);
        static byte[] FlatPng(int side) => Imaging.ImageEncoder.EncodePng(new Imaging.RgbImage(side, side));
        byte[] heavy = FlatPng(4000), tooHeavy = FlatPng(4001);
        Assert.True(heavy.Length < 200_000, "a small file that decodes to 48 MB");

        HttpRequestMessage Detect(byte[] png)
        {
            var form = new MultipartFormDataContent { { new ByteArrayContent(png), "image", "flat.png" } };
            return TestApp.With(key, HttpMethod.Post, "/v1/detect", form);
        }

        // Six at once through a budget of two: they wait their turn and are all answered.
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.Client.SendAsync(Detect(heavy))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var refused = await app.Client.SendAsync(Detect(tooHeavy));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("refused before decoding", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_enrolment_retried_with_its_idempotency_key_adds_no_faces_twice()
    {
        await using var app = await StartAsync("i", _ => { });
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        HttpRequestMessage Enroll(string subject)
        {
            var request = TestApp.With(key, HttpMethod.Post, $"/v1/subjects/{subject}/faces", TestApp.Photos(("image", TestModels.Lfw("Abel_Pacheco_0001.jpg"))));
            request.Headers.Add("Idempotency-Key", "enrol-7f3a");
            return request;
        }

        var first = await app.Client.SendAsync(Enroll("abel"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var retry = await app.Client.SendAsync(Enroll("abel"));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await app.Store.CountFacesAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await app.Client.SendAsync(Enroll("dean"))).StatusCode);
    }

    [Fact]
    public async Task Names_an_earlier_version_stored_that_the_api_cannot_address_are_listed_and_erased_by_the_admin_command()
    {
        string path = Path.Combine(_folder, "legacy.db");
        await using (var gallery = await SqliteGallery.OpenAsync(path, TestModels.Model))
        {
            await gallery.AddFacesAsync("kept", [TestModels.Face("Dean_Barker_0001.jpg")], "k1");
            await gallery.AddFacesAsync("legacy", [TestModels.Face("Abel_Pacheco_0001.jpg")], "k1");
        }

        // What an earlier version let in: renamed behind the rule's back, as its API allowed.
        string[] legacy = ["..", @"a\u200bb", @"\u202Eevil"];     // as `subjects list` writes them
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await db.OpenAsync();
            using var rename = db.CreateCommand();
            rename.CommandText = "UPDATE subjects SET name = '..' WHERE name = 'legacy'; INSERT INTO subjects(name, created_utc) VALUES ('a' || char(8203) || 'b', '2026-01-01T00:00:00Z'), (char(8238) || 'evil', '2026-01-01T00:00:00Z');";
            await rename.ExecuteNonQueryAsync();
        }

        string[] store = ["--sqlite", path];
        var (code, listed, _) = ServerProcess.Run(["subjects", "list", "--unaddressable", .. store]);
        Assert.Equal(0, code);
        foreach (string name in legacy)
        {
            Assert.Contains($"\"{name}\"", listed, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("kept", listed, StringComparison.Ordinal);
        Assert.Equal(0, ServerProcess.Run(["subjects", "erase", "--unaddressable", .. store]).ExitCode);
        (_, listed, _) = ServerProcess.Run(["subjects", "list", .. store]);
        Assert.Equal("\"kept\"\t1 faces", listed.Trim());
        Assert.Equal(0, ServerProcess.Run(["subjects", "erase", "kept", .. store]).ExitCode);
        Assert.Equal(2, ServerProcess.Run(["subjects", "erase", "kept", .. store]).ExitCode);
    }

    [Fact]
    public async Task A_large_jpeg_is_answered_in_its_own_pixels_though_decoded_at_reduced_scale()
    {
        await using var app = await StartAsync("j", _ => { });
        string key = app.NewKey(ApiScopes.Read);
        var face = Imaging.ImageDecoder.DecodeFile(TestModels.Lfw("Abel_Pacheco_0001.jpg"));
        using var bitmap = Imaging.ImageEncoder.ToBitmap(face.Resize(4800, 4800));
        using var jpeg = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 90);
        var form = new MultipartFormDataContent { { new ByteArrayContent(jpeg.ToArray()), "image", "big.jpg" } };
        var answer = System.Text.Json.JsonDocument.Parse(await (await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/detect", form))).Content.ReadAsStringAsync()).RootElement;

        // The face fills the photo: its box, in the photo's pixels, is thousands of pixels wide.
        Assert.Equal((4800, 4800), (answer.GetProperty("width").GetInt32(), answer.GetProperty("height").GetInt32()));
        var box = answer.GetProperty("faces")[0].GetProperty("box");
        Assert.InRange(box.GetProperty("width").GetSingle(), 1500f, 4800f);
        Assert.InRange(box.GetProperty("x").GetSingle() + box.GetProperty("width").GetSingle(), 2400f, 4800f);
    }

    [Fact]
    public async Task The_page_and_api_carry_protective_headers_and_401_says_how_to_authenticate()
    {
        await using var app = await TestApp.StartAsync(TestModels.Options(o => o.SqlitePath = Path.Combine(_folder, "h.db")), kestrel: true);
        var page = await app.Client.GetAsync("/");
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        var refused = await app.Client.GetAsync("/v1/subjects");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("X-Api-Key", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_logs_name_routes_and_key_ids_never_subjects_or_secrets()
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = TestModels.Options(o => o.SqlitePath = Path.Combine(_folder, "l.db"));
        await using var app = ServerApp.Create(["--urls", "http://127.0.0.1:0"], options, b =>
        {
            b.Logging.ClearProviders();
            b.Logging.SetMinimumLevel(LogLevel.Information);
            b.Logging.AddProvider(new ListLogger(lines));
        });
        await app.StartAsync();
        string key = (await ApiKeys.CreateAsync(app.Services.GetRequiredService<IApiKeyStore>(), "logs", ApiScopes.Read | ApiScopes.Write, "cli")).Token;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        await http.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects/Secret%20Person/faces", TestApp.Photos(("image", TestModels.Lfw("Abel_Pacheco_0001.jpg")))));
        await http.GetAsync($"/v1/subjects/Secret%20Person?api_key={key}");
        await app.StopAsync();

        Assert.Contains(lines, l => l.Contains("/v1/subjects/{name}/faces", StringComparison.Ordinal) && l.Contains(key.Split('_')[1], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Secret", StringComparison.Ordinal) || l.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_new_gallery_file_is_readable_by_its_owner_only()
    {
        string path = Path.Combine(_folder, "private.db");
        await using (var gallery = await SqliteGallery.OpenAsync(path, TestModels.Model))
        {
            await gallery.CreateSubjectAsync("a", "k");
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The server on Kestrel with a fresh SQLite gallery in this test's folder and the given limits.</summary>
    private Task<TestApp> StartAsync(string store, Action<ServerOptions> limits) => TestApp.StartAsync(TestModels.Options(o =>
    {
        o.SqlitePath = Path.Combine(_folder, store + ".db");
        limits(o);
    }), kestrel: true);

    private sealed class ListLogger(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}

/// <summary>Secrets stay out of the process list: the PostgreSQL connection string can come from a file.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSecretTests(PostgresServer server) : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public void The_connection_string_is_read_from_a_file()
    {
        File.WriteAllText(_file, server.ConnectionString + "\n");
        var (code, _, stderr) = ServerProcess.Run(["keys", "create", "ops", "--store", "postgres", "--postgres-file", _file, "--schema", PostgresServer.NewSchema(), "--key-file", server.NewKeyFile()]);
        Assert.True(code == 0, stderr);
    }

    public void Dispose() => File.Delete(_file);
}
