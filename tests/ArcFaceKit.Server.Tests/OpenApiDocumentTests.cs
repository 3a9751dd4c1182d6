using System.Net;
using System.Text.Json;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;

namespace ArcFaceKit.Server.Tests;

/// <summary>What /openapi/v1.json promises each route answers, read from the running server.</summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    /// <summary>Every status a key-guarded route answers before its handler: no key, a key without the scope, its rate limit.</summary>
    private static readonly int[] KeyRefusals = [401, 403, 429];

    /// <summary>
    /// Each operation's answers beside <see cref="KeyRefusals"/>, from what the code does: 400 a request it cannot read
    /// or an option out of range, 404 no such subject, group or face, 409 a taken name or a reused Idempotency-Key,
    /// 409 also the camera or webhook limit reached, 413 a body over the size limit (or too many photos), 415 a body of another media type, 422 a photo without a
    /// usable face, 503 the decoding budget or analysis queue full, or an erasure whose WAL clean-up must be repeated.
    /// </summary>
    private static readonly Dictionary<string, int[]> Answers = new()
    {
        ["GET /v1/health"] = [200],
        ["POST /v1/detect"] = [200, 400, 413, 415, 422, 503],
        ["POST /v1/embed"] = [200, 400, 413, 415, 422, 503],
        ["POST /v1/verify"] = [200, 400, 404, 413, 415, 422, 503],
        ["POST /v1/recognize"] = [200, 400, 413, 415, 422, 503],
        ["GET /v1/subjects"] = [200],
        ["POST /v1/subjects"] = [201, 400, 409, 413, 415],
        ["GET /v1/subjects/{name}"] = [200, 404],
        ["PATCH /v1/subjects/{name}"] = [200, 400, 404, 409, 413, 415],
        ["DELETE /v1/subjects/{name}"] = [204, 404, 503],
        ["GET /v1/subjects/{name}/faces"] = [200, 404],
        ["POST /v1/subjects/{name}/faces"] = [200, 201, 400, 409, 413, 415, 422, 503],
        ["GET /v1/subjects/{name}/faces/{id}/image"] = [200, 404],
        ["DELETE /v1/subjects/{name}/faces/{id}"] = [204, 404, 503],
        ["GET /v1/audit"] = [200, 400],
        ["GET /v1/groups"] = [200, 400],
        ["GET /v1/groups/{id}"] = [200, 404],
        ["GET /v1/groups/{id}/faces/{face}/image"] = [200, 404],
        ["POST /v1/groups/faces"] = [200, 400, 413, 415, 503],
        ["POST /v1/groups/{id}/name"] = [200, 400, 404, 413, 415],
        ["POST /v1/groups/{id}/merge"] = [200, 400, 404, 413, 415],
        ["POST /v1/groups/{id}/faces/{face}/split"] = [200, 404],
        ["DELETE /v1/groups/{id}"] = [204, 404, 503],
        ["POST /v1/cameras"] = [201, 400, 409, 413, 415],
        ["GET /v1/cameras"] = [200],
        ["GET /v1/cameras/{name}"] = [200, 404],
        ["PUT /v1/cameras/{name}"] = [200, 400, 404, 413, 415, 503],
        ["DELETE /v1/cameras/{name}"] = [204, 404, 503],
        ["GET /v1/cameras/{name}/snapshots/{id}"] = [200, 404],
        ["GET /v1/cameras/{name}/frame"] = [200, 404],
        ["GET /v1/videos/{id}/tracks/{track}/face"] = [200, 404],
        ["GET /v1/events"] = [200, 400],
        ["POST /v1/videos"] = [202, 400, 413, 415, 422],
        ["POST /v1/videos/from-url"] = [202, 400, 413, 415, 422],
        ["GET /v1/videos"] = [200],
        ["GET /v1/videos/{id}"] = [200, 404],
        ["GET /v1/videos/{id}/events"] = [200, 400, 404],
        ["GET /v1/videos/{id}/tracks"] = [200, 404],
        ["DELETE /v1/videos/{id}"] = [204, 404],
        ["POST /v1/webhooks"] = [201, 400, 409, 413, 415],
        ["GET /v1/webhooks"] = [200],
        ["DELETE /v1/webhooks/{id}"] = [204, 404, 503],
        ["GET /v1/webhooks/{id}/deliveries"] = [200, 404],
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-openapi-").FullName;

    [Fact]
    public async Task Every_operation_lists_exactly_the_statuses_it_can_answer_with_problems_as_problem_json()
    {
        await using var app = await TestApp.StartAsync(TestModels.Options(o => o.SqlitePath = Path.Combine(_folder, "o.db")));
        var operations = Operations(await DocumentAsync(app));
        Assert.Equal(Answers.Keys.Order(StringComparer.Ordinal), operations.Keys.Order(StringComparer.Ordinal));
        foreach (var (operation, described) in operations)
        {
            var responses = described.GetProperty("responses");
            int[] expected = operation == "GET /v1/health" ? Answers[operation] : [.. Answers[operation], .. KeyRefusals];
            int[] listed = [.. responses.EnumerateObject().Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture))];
            Assert.True(expected.Order().SequenceEqual(listed.Order()), $"{operation} lists {string.Join(", ", listed.Order())}; it answers {string.Join(", ", expected.Order())}");
            foreach (var refusal in responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                Assert.True(refusal.Value.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{operation} {refusal.Name} is not problem+json");
            }
        }
    }

    [Fact]
    public async Task Routes_that_take_input_list_its_refusal_and_the_fields_as_they_are_sent()
    {
        await using var app = await TestApp.StartAsync(TestModels.Options(o => o.SqlitePath = Path.Combine(_folder, "f.db")));
        var doc = await DocumentAsync(app);
        // Input: a body, or query or header parameters (a path that matches no route is not this route's to answer).
        var withInput = Operations(doc).Where(o => o.Value.TryGetProperty("requestBody", out _)
            || (o.Value.TryGetProperty("parameters", out var parameters) && parameters.EnumerateArray().Any(p => p.GetProperty("in").GetString() != "path"))).ToList();
        Assert.Equal(19, withInput.Count);   // 15 with a body, audit, the group list and both kinds of events with a query
        foreach (var (operation, described) in withInput)
        {
            var responses = described.GetProperty("responses");
            Assert.True(responses.TryGetProperty("400", out _) || responses.TryGetProperty("422", out _), $"{operation} takes input but lists neither 400 nor 422");
        }

        var verify = doc.GetProperty("paths").GetProperty("/v1/verify").GetProperty("post");
        Assert.Equal(["largest", "threshold", "scoring"], verify.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        string form = verify.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetRawText();
        Assert.All(["\"image1\"", "\"image\"", "\"image2\"", "\"subject\""], field => Assert.Contains(field, form, StringComparison.Ordinal));
        var recognize = doc.GetProperty("paths").GetProperty("/v1/recognize").GetProperty("post");
        Assert.Equal(["threshold", "k", "scoring", "collect"], recognize.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<JsonElement> DocumentAsync(TestApp app)
    {
        using var response = await app.Client.SendAsync(TestApp.With(app.NewKey(ApiScopes.Read), HttpMethod.Get, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>"METHOD /path" to the operation.</summary>
    private static Dictionary<string, JsonElement> Operations(JsonElement doc) =>
        doc.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => new KeyValuePair<string, JsonElement>($"{op.Name.ToUpperInvariant()} {path.Name}", op.Value)))
            .ToDictionary();
}
