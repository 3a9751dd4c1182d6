using System.Net;
using System.Text.Json;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;

namespace ArcFaceKit.Server.Tests;

/// <summary>One gallery format and one 1:N rule: a file made by `arcface enroll` is served as is, with the same answers.</summary>
public sealed class CliGalleryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-cli-gallery-").FullName;

    private static string[] Models => ["--detector", TestModels.Detector, "--embedder", TestModels.Embedder, "--input-size", "320", "--score", "0.5"];

    [Theory]
    [InlineData("best-face")]
    [InlineData("mean-template")]
    [InlineData("both")]
    public async Task A_gallery_made_with_the_cli_is_served_by_the_server_with_identical_answers(string scoring)
    {
        string gallery = Path.Combine(_folder, $"{scoring}.db");
        Cli("enroll", "abel", TestModels.Lfw("Abel_Pacheco_0001.jpg"), TestModels.Lfw("Abel_Pacheco_0002.jpg"), "--gallery", gallery);
        Cli("enroll", "dean", TestModels.Lfw("Dean_Barker_0001.jpg"), "--gallery", gallery);
        Cli("enroll", "aaron", TestModels.Lfw("Aaron_Eckhart_0001.jpg"), "--gallery", gallery);
        string probe = TestModels.Fixture("two_faces.jpg");
        var cli = JsonDocument.Parse(Cli("identify", probe, "--gallery", gallery, "-k", "3", "--scoring", scoring, "--json")).RootElement;

        await using var app = await TestApp.StartAsync(TestModels.Options(o => o.SqlitePath = gallery), kestrel: true);
        string key = app.NewKey(ApiScopes.Read);
        using var response = await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, $"/v1/recognize?k=3&scoring={scoring}", TestApp.Photos(("image", probe))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var server = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(4, JsonDocument.Parse(await app.Client.GetStringAsync("/v1/health")).RootElement.GetProperty("faces").GetInt32());
        Assert.Equal(Answers(cli), Answers(server));
        Assert.Equal(2, Answers(server).Count);
        Assert.Equal(cli.GetProperty("threshold").GetProperty("cosine").GetSingle(), server.GetProperty("threshold").GetProperty("cosine").GetSingle());

        // The crops the CLI stored are served.
        using var faces = await app.Client.SendAsync(TestApp.With(key, HttpMethod.Get, "/v1/subjects/abel/faces"));
        long id = JsonDocument.Parse(await faces.Content.ReadAsStringAsync()).RootElement[0].GetProperty("id").GetInt64();
        using var crop = await app.Client.SendAsync(TestApp.With(key, HttpMethod.Get, $"/v1/subjects/abel/faces/{id}/image"));
        Assert.Equal("image/png", crop.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Per face: the identity and each candidate with its score rounded to 5 places.</summary>
    private static List<string> Answers(JsonElement response) =>
        [.. response.GetProperty("faces").EnumerateArray().Select(f =>
            $"{(f.TryGetProperty("identity", out var id) ? id.GetString() : null)}: " +
            string.Join(", ", f.GetProperty("matches").EnumerateArray().Select(m =>
                $"{m.GetProperty("subject").GetString()} {m.GetProperty("similarity").GetSingle():F5} {m.GetProperty("accepted").GetBoolean()} {m.GetProperty("faceId").GetInt64()}")))];

    private static string Cli(params string[] args)
    {
        var (code, stdout, stderr) = ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "arcface.dll"), .. args, .. Models],
            environment: new Dictionary<string, string> { ["NO_COLOR"] = "1" });
        Assert.True(code == 0, stderr);
        return stdout;
    }
}
