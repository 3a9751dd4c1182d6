using ArcFaceKit.Bench;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;

namespace ArcFaceKit.Server.Tests;

public sealed class LoadTesterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-load-").FullName;

    [Fact]
    public async Task Only_loopback_servers_are_load_tested()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => LoadTester.RunAsync(new Uri("http://192.0.2.1:5080/"), "k", [("a", [1])], 1, TimeSpan.FromSeconds(1), 0.5, 0, CancellationToken.None));
        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_mixed_run_counts_requests_latencies_and_no_errors()
    {
        await using var app = await TestApp.StartAsync(TestModels.Options(o => o.SqlitePath = Path.Combine(_folder, "load.db")), kestrel: true);
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write);
        var url = app.Url!;
        var photos = await LoadTester.UsablePhotosAsync(url, key,
            [TestModels.Lfw("Abel_Pacheco_0001.jpg"), TestModels.Fixture("no_face.jpg"), TestModels.Lfw("Dean_Barker_0001.jpg")], 10, CancellationToken.None);
        Assert.Equal(["Abel_Pacheco", "Dean_Barker"], photos.Select(p => p.Person));

        var report = await LoadTester.RunAsync(url, key, photos, clients: 3, TimeSpan.FromSeconds(3), enrollShare: 0.5, seed: 1, CancellationToken.None);
        Assert.Equal(0, report.Errors);
        Assert.Equal(report.Requests, report.Enrolls + report.Recognizes);
        Assert.True(report.Enrolls > 0 && report.Recognizes > 0, report.ToString());
        Assert.True(report.P50Ms > 0 && report.P99Ms >= report.P50Ms, report.ToString());
        Assert.Equal(0, report.Busy);
        Assert.Equal(report.Enrolls, await app.Store.CountFacesAsync());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
