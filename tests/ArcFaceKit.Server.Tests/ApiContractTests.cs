using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;

namespace ArcFaceKit.Server.Tests;

/// <summary>Every endpoint and its errors, through HTTP; run on the test server and on Kestrel, against both stores.</summary>
public abstract class ApiContractTests
{
    private static string Abel(int n) => TestModels.Lfw($"Abel_Pacheco_000{n}.jpg");

    private static string Dean => TestModels.Lfw("Dean_Barker_0001.jpg");

    protected abstract bool Kestrel { get; }

    protected abstract void UseStore(ServerOptions options);

    private Task<TestApp> Start(Action<ServerOptions>? more = null) => TestApp.StartAsync(TestModels.Options(o =>
    {
        UseStore(o);
        more?.Invoke(o);
    }), Kestrel);

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>An RFC 7807 problem with that status whose detail says <paramref name="says"/>.</summary>
    private static async Task Problem(HttpResponseMessage response, HttpStatusCode status, string says)
    {
        var json = await Json(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.Contains(says, json.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Health_and_the_page_need_no_key_everything_else_does()
    {
        await using var app = await Start();
        var health = await Json(await app.Client.GetAsync("/v1/health"), HttpStatusCode.OK);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Contains("mobilefacenet_a", health.GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.Contains("ArcFaceKit", await app.Client.GetStringAsync("/"), StringComparison.Ordinal);

        await Problem(await app.Client.GetAsync("/v1/subjects"), HttpStatusCode.Unauthorized, "X-Api-Key");
        await Problem(await app.Client.SendAsync(TestApp.With("afk_0123_nope", HttpMethod.Get, "/v1/subjects")), HttpStatusCode.Unauthorized, "unknown or revoked");
        await Problem(await app.Client.PostAsync("/v1/detect", TestApp.Photos(("image", Dean))), HttpStatusCode.Unauthorized, "X-Api-Key");
        await Problem(await app.Client.GetAsync("/v1/no-such-thing"), HttpStatusCode.Unauthorized, "X-Api-Key");
    }

    [Fact]
    public async Task Scopes_are_enforced_and_revoked_keys_stop_working()
    {
        await using var app = await Start();
        string reader = app.NewKey(ApiScopes.Read, "reader");
        string writer = app.NewKey(ApiScopes.Write, "writer");
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Get, "/v1/subjects"))).StatusCode);
        await Problem(await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Post, "/v1/subjects", JsonContent.Create(new { name = "x" }))), HttpStatusCode.Forbidden, "write scope");
        await Problem(await app.Client.SendAsync(TestApp.With(writer, HttpMethod.Get, "/v1/subjects")), HttpStatusCode.Forbidden, "read scope");
        Assert.Equal(HttpStatusCode.Created, (await app.Client.SendAsync(TestApp.With(writer, HttpMethod.Post, "/v1/subjects", JsonContent.Create(new { name = "x" })))).StatusCode);

        string id = reader.Split('_')[1];
        Assert.True(await app.Keys.RevokeKeyAsync(id, "cli"));
        await Problem(await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Get, "/v1/subjects")), HttpStatusCode.Unauthorized, "revoked");
    }

    [Fact]
    public async Task Detect_and_embed_report_every_face()
    {
        await using var app = await Start();
        string key = app.NewKey(ApiScopes.Read);
        var detect = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/detect", TestApp.Photos(("image", TestModels.Fixture("two_faces.jpg"))))), HttpStatusCode.OK);
        Assert.Equal(2, detect.GetProperty("faces").GetArrayLength());
        Assert.Equal(5, detect.GetProperty("faces")[0].GetProperty("landmarks").GetArrayLength());
        Assert.Equal(300, detect.GetProperty("width").GetInt32());

        var none = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/detect", TestApp.Photos(("image", TestModels.Fixture("no_face.jpg"))))), HttpStatusCode.OK);
        Assert.Equal(0, none.GetProperty("faces").GetArrayLength());

        var embed = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/embed", TestApp.Photos(("image", Dean)))), HttpStatusCode.OK);
        var vector = embed.GetProperty("faces")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(embed.GetProperty("dimension").GetInt32(), vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 3);
    }

    [Fact]
    public async Task Verify_compares_two_photos_or_a_photo_and_a_subject()
    {
        await using var app = await Start();
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        var same = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/verify", TestApp.Photos(("image1", Abel(1)), ("image2", Abel(4))))), HttpStatusCode.OK);
        Assert.True(same.GetProperty("match").GetBoolean());
        Assert.Contains("far-1e-3", same.GetProperty("threshold").GetProperty("source").GetString(), StringComparison.Ordinal);
        var different = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/verify", TestApp.Photos(("image1", Abel(1)), ("image2", Dean)))), HttpStatusCode.OK);
        Assert.False(different.GetProperty("match").GetBoolean());
        Assert.True(different.GetProperty("similarity").GetSingle() < same.GetProperty("similarity").GetSingle());

        await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects/abel/faces", TestApp.Photos(("image", Abel(1)))));
        var form = TestApp.Photos(("image", Abel(4)));
        form.Add(new StringContent("abel"), "subject");
        var bySubject = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/verify", form)), HttpStatusCode.OK);
        Assert.True(bySubject.GetProperty("match").GetBoolean());
        // The gallery keeps faces in half precision: |error| <= 2^-11 for unit vectors.
        Assert.Equal(same.GetProperty("similarity").GetSingle(), bySubject.GetProperty("similarity").GetSingle(), 1.0 / 2048);

        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/verify", TestApp.Photos(("image1", TestModels.Fixture("no_face.jpg")), ("image2", Dean)))), (HttpStatusCode)422, "No face");
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/verify", TestApp.Photos(("image1", TestModels.Fixture("two_faces.jpg")), ("image2", Dean)))), (HttpStatusCode)422, "2 faces");
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/verify?largest=true", TestApp.Photos(("image1", TestModels.Fixture("two_faces.jpg")), ("image2", Dean))))).StatusCode);
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/verify?threshold=7", TestApp.Photos(("image1", Abel(1)), ("image2", Dean)))), HttpStatusCode.BadRequest, "threshold");
    }

    [Fact]
    public async Task Enrolled_people_are_recognized_in_every_face_of_a_photo()
    {
        await using var app = await Start();
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        var enrolled = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects/abel/faces", TestApp.Photos(("image", Abel(1)), ("image", Abel(2))))), HttpStatusCode.Created);
        Assert.Equal(2, enrolled.GetArrayLength());
        await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects/dean/faces", TestApp.Photos(("image", Dean)))), HttpStatusCode.Created);

        var result = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/recognize?k=2", TestApp.Photos(("image", Abel(4))))), HttpStatusCode.OK);
        var matches = result.GetProperty("faces")[0].GetProperty("matches");
        Assert.Equal("abel", matches[0].GetProperty("subject").GetString());
        Assert.True(matches[0].GetProperty("accepted").GetBoolean());
        Assert.Equal("dean", matches[1].GetProperty("subject").GetString());
        Assert.False(matches[1].GetProperty("accepted").GetBoolean());

        var two = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/recognize", TestApp.Photos(("image", TestModels.Fixture("two_faces.jpg"))))), HttpStatusCode.OK);
        Assert.Equal(2, two.GetProperty("faces").GetArrayLength());
        Assert.All(two.GetProperty("faces").EnumerateArray(), f => Assert.Single(f.GetProperty("matches").EnumerateArray()));

        var strict = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/recognize?threshold=0.99", TestApp.Photos(("image", Abel(4))))), HttpStatusCode.OK);
        Assert.False(strict.GetProperty("faces")[0].GetProperty("matches")[0].GetProperty("accepted").GetBoolean());
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/recognize?k=0", TestApp.Photos(("image", Abel(4))))), HttpStatusCode.BadRequest, "k must be");
    }

    [Fact]
    public async Task Subjects_and_faces_are_managed_and_erased_over_http()
    {
        await using var app = await Start();
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        Assert.Equal(HttpStatusCode.Created, (await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects", JsonContent.Create(new { name = "ann" })))).StatusCode);
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects", JsonContent.Create(new { name = "ann" }))), HttpStatusCode.Conflict, "already exists");
        var renamed = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Patch, "/v1/subjects/ann", JsonContent.Create(new { name = "anna" }))), HttpStatusCode.OK);
        Assert.Equal("anna", renamed.GetProperty("name").GetString());
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Get, "/v1/subjects/ann")), HttpStatusCode.NotFound, "No subject named 'ann'");

        var faces = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects/anna/faces", TestApp.Photos(("image", Abel(1)), ("image", Abel(2))))), HttpStatusCode.Created);
        long first = faces[0].GetProperty("id").GetInt64();
        var listed = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Get, "/v1/subjects/anna/faces")), HttpStatusCode.OK);
        Assert.Equal(2, listed.GetArrayLength());
        var image = await app.Client.SendAsync(TestApp.With(key, HttpMethod.Get, $"/v1/subjects/anna/faces/{first}/image"));
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(TestApp.With(key, HttpMethod.Delete, $"/v1/subjects/anna/faces/{first}"))).StatusCode);
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Delete, $"/v1/subjects/anna/faces/{first}")), HttpStatusCode.NotFound, "has no face");

        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(TestApp.With(key, HttpMethod.Delete, "/v1/subjects/anna"))).StatusCode);
        long second = faces[1].GetProperty("id").GetInt64();
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Get, $"/v1/subjects/anna/faces/{second}/image")), HttpStatusCode.NotFound, "has no face");
        Assert.Equal(0, await app.Store.CountFacesAsync());

        var audit = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Get, "/v1/audit")), HttpStatusCode.OK);
        string[] actions = [.. audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()!)];
        Assert.Equal(["subject.delete", "face.delete", "face.add", "subject.rename", "subject.create"], actions.Take(5));
        Assert.All(audit.EnumerateArray().Take(5), e => Assert.Equal(key.Split('_')[1], e.GetProperty("keyId").GetString()));
    }

    [Fact]
    public async Task Unknown_faces_are_kept_grouped_split_merged_named_and_erased_over_http()
    {
        await using var app = await Start();
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        string reader = app.NewKey(ApiScopes.Read, "reader");
        await Problem(await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Post, "/v1/recognize?collect=true", TestApp.Photos(("image", Abel(1))))), HttpStatusCode.Forbidden, "write scope");
        var plain = await Json(await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Post, "/v1/recognize", TestApp.Photos(("image", Abel(1))))), HttpStatusCode.OK);
        Assert.False(plain.GetProperty("faces")[0].TryGetProperty("group", out _));          // not asked: nothing kept

        var seen = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/recognize?collect=true", TestApp.Photos(("image", Abel(1))))), HttpStatusCode.OK);
        long abel = seen.GetProperty("faces")[0].GetProperty("group").GetInt64();

        // Bulk: each face joins its person's group or starts one; a photo that cannot be read is reported, the rest kept.
        var bulk = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/groups/faces",
            TestApp.Photos(("image", Abel(2)), ("image", Dean), ("image", TestModels.Fixture("truncated.jpg")), ("image", TestModels.Fixture("two_faces.jpg"))))), HttpStatusCode.OK);
        Assert.Equal(abel, bulk[0].GetProperty("faces")[0].GetProperty("group").GetInt64());
        long dean = bulk[1].GetProperty("faces")[0].GetProperty("group").GetInt64();
        Assert.NotEqual(abel, dean);
        Assert.Contains("truncated", bulk[2].GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        long[] pair = [.. bulk[3].GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("group").GetInt64())];
        Assert.Equal(4, new[] { abel, dean, pair[0], pair[1] }.Distinct().Count());          // two other people: two more groups
        Assert.Equal(0, await app.Store.CountFacesAsync());                                   // nobody is enrolled by being seen

        var groups = await Json(await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Get, "/v1/groups")), HttpStatusCode.OK);
        Assert.Equal(4, groups.GetArrayLength());
        Assert.Equal((abel, 2), (groups[0].GetProperty("id").GetInt64(), groups[0].GetProperty("faceCount").GetInt32()));
        Assert.Equal(1, (await Json(await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Get, "/v1/groups?minFaces=2")), HttpStatusCode.OK)).GetArrayLength());
        long second = groups[0].GetProperty("faces")[1].GetProperty("id").GetInt64();
        var image = await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Get, $"/v1/groups/{abel}/faces/{second}/image"));
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        await Problem(await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Delete, $"/v1/groups/{dean}")), HttpStatusCode.Forbidden, "write scope");

        var split = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, $"/v1/groups/{abel}/faces/{second}/split")), HttpStatusCode.OK);
        long apart = split.GetProperty("id").GetInt64();
        Assert.Equal(1, split.GetProperty("faceCount").GetInt32());
        var merged = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, $"/v1/groups/{abel}/merge", JsonContent.Create(new { group = apart }))), HttpStatusCode.OK);
        Assert.Equal(2, merged.GetProperty("faceCount").GetInt32());
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, $"/v1/groups/{abel}/merge", JsonContent.Create(new { group = apart }))), HttpStatusCode.NotFound, $"group #{apart}");

        var named = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, $"/v1/groups/{abel}/name", JsonContent.Create(new { name = "abel" }))), HttpStatusCode.OK);
        Assert.Equal(2, named.GetProperty("faceCount").GetInt32());
        var found = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/recognize?collect=true", TestApp.Photos(("image", Abel(4))))), HttpStatusCode.OK);
        Assert.Equal("abel", found.GetProperty("faces")[0].GetProperty("identity").GetString());
        Assert.False(found.GetProperty("faces")[0].TryGetProperty("group", out _));           // accepted faces are not kept

        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(TestApp.With(key, HttpMethod.Delete, $"/v1/groups/{dean}"))).StatusCode);
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Delete, $"/v1/groups/{dean}")), HttpStatusCode.NotFound, $"No group {dean}");
        Assert.Equal(2, (await Json(await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Get, "/v1/groups")), HttpStatusCode.OK)).GetArrayLength());
        var audit = await Json(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Get, "/v1/audit?limit=5")), HttpStatusCode.OK);
        Assert.Equal(["group.delete", "group.name", "group.merge", "group.split", "group.add"], audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_store_that_collects_unknown_faces_keeps_them_from_every_recognize()
    {
        await using var app = await Start(o => o.CollectUnknown = true);
        string reader = app.NewKey(ApiScopes.Read, "reader");
        var seen = await Json(await app.Client.SendAsync(TestApp.With(reader, HttpMethod.Post, "/v1/recognize", TestApp.Photos(("image", Dean)))), HttpStatusCode.OK);
        long group = seen.GetProperty("faces")[0].GetProperty("group").GetInt64();
        var kept = Assert.Single(await app.Store.ListGroupsAsync());
        Assert.Equal(group, kept.Id);
    }

    [Fact]
    public async Task Bad_uploads_get_clear_problems_and_store_nothing()
    {
        await using var app = await Start(o => o.MaxUploadBytes = 200_000);
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        foreach (var (file, says) in new[] { ("not_an_image.jpg", ""), ("truncated.jpg", "truncated"), ("empty.jpg", "empty"), ("pixel_bomb.png", "pixel") })
        {
            await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/detect", TestApp.Photos(("image", TestModels.Fixture(file))))), (HttpStatusCode)422, says);
        }

        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/detect", TestApp.Photos(("photo", Dean)))), HttpStatusCode.BadRequest, "no file field 'image'");
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/detect", new ByteArrayContent(File.ReadAllBytes(Dean)))), HttpStatusCode.UnsupportedMediaType, "multipart/form-data");

        // Sent as a careful client does (Expect: 100-continue): over Kestrel the refusal comes before the body, which
        // the server would otherwise cut off mid-send (a broken pipe on a loaded machine, not an answer).
        var big = new MultipartFormDataContent { { new ByteArrayContent(new byte[300_000]), "image", "big.jpg" } };
        var oversized = TestApp.With(key, HttpMethod.Post, "/v1/detect", big);
        oversized.Headers.ExpectContinue = true;
        var tooBig = await app.Client.SendAsync(oversized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);

        // One photo without a face: the whole enrolment is refused, nothing is stored.
        await Problem(await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/subjects/abel/faces", TestApp.Photos(("image", Abel(1)), ("image", TestModels.Fixture("no_face.jpg"))))), (HttpStatusCode)422, "photo 2 of 2");
        Assert.Equal(0, await app.Store.CountFacesAsync());
        Assert.Null(await app.Store.GetSubjectAsync("abel"));
    }

    [Fact]
    public async Task Each_key_is_rate_limited_on_its_own()
    {
        await using var app = await Start(o =>
        {
            o.RateLimitPerSecond = 1;
            o.RateLimitBurst = 3;
            o.MaxPhotosPerRequest = 3;
        });
        string busy = app.NewKey(ApiScopes.Read, "busy");
        string calm = app.NewKey(ApiScopes.Read, "calm");
        var codes = new List<HttpStatusCode>();
        for (int i = 0; i < 6; i++)
        {
            codes.Add((await app.Client.SendAsync(TestApp.With(busy, HttpMethod.Get, "/v1/subjects"))).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
        Assert.Equal(HttpStatusCode.OK, codes[0]);
        await Problem(await app.Client.SendAsync(TestApp.With(busy, HttpMethod.Get, "/v1/subjects")), HttpStatusCode.TooManyRequests, "requests a second");
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(TestApp.With(calm, HttpMethod.Get, "/v1/subjects"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/v1/health")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_needs_a_key_and_lists_every_endpoint()
    {
        await using var app = await Start();
        await Problem(await app.Client.GetAsync("/openapi/v1.json"), HttpStatusCode.Unauthorized, "X-Api-Key");
        var doc = await Json(await app.Client.SendAsync(TestApp.With(app.NewKey(ApiScopes.Read), HttpMethod.Get, "/openapi/v1.json")), HttpStatusCode.OK);
        string[] paths = [.. doc.GetProperty("paths").EnumerateObject().Select(p => p.Name)];
        foreach (var path in new[] { "/v1/health", "/v1/detect", "/v1/embed", "/v1/verify", "/v1/recognize", "/v1/subjects", "/v1/subjects/{name}", "/v1/subjects/{name}/faces", "/v1/subjects/{name}/faces/{id}", "/v1/subjects/{name}/faces/{id}/image", "/v1/audit",
            "/v1/groups", "/v1/groups/{id}", "/v1/groups/faces", "/v1/groups/{id}/name", "/v1/groups/{id}/merge", "/v1/groups/{id}/faces/{face}/split", "/v1/groups/{id}/faces/{face}/image" })
        {
            Assert.Contains(path, paths);
        }
    }
}

/// <summary>The API suite on a fresh SQLite file per test.</summary>
public abstract class SqliteApiContractTests : ApiContractTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-api-").FullName;

    protected override void UseStore(ServerOptions options) => options.SqlitePath = Path.Combine(_folder, $"{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteApiTests : SqliteApiContractTests
{
    protected override bool Kestrel => false;
}

public sealed class SqliteKestrelApiTests : SqliteApiContractTests
{
    protected override bool Kestrel => true;
}

/// <summary>The API suite on a fresh PostgreSQL schema per test.</summary>
public abstract class PostgresApiContractTests(PostgresServer server) : ApiContractTests
{
    protected override void UseStore(ServerOptions options)
    {
        options.Store = "postgres";
        options.PostgresConnection = server.ConnectionString;
        options.PostgresSchema = PostgresServer.NewSchema();
        options.PostgresKeyFile = server.NewKeyFile();
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresApiTests(PostgresServer server) : PostgresApiContractTests(server)
{
    protected override bool Kestrel => false;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresKestrelApiTests(PostgresServer server) : PostgresApiContractTests(server)
{
    protected override bool Kestrel => true;
}
