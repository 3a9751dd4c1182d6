using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;
using ArcFaceKit.Video;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ArcFaceKit.Server.Tests;

/// <summary>
/// The web page in a real headless Chromium (Debian's chromium driven by Playwright; Playwright's own browser
/// downloads do not work offline): enroll from photos, search with a photo, see boxes and scores, manage subjects;
/// add a camera, follow its live events, name a visitor it saw, analyse a video file.
/// Screenshots go to $ARCFACEKIT_SCREENSHOTS, or arcfacekit-screenshots in the temp folder.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output) : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-browser-").FullName;
    private readonly string _screenshots = Environment.GetEnvironmentVariable("ARCFACEKIT_SCREENSHOTS") ?? Path.Combine(Path.GetTempPath(), "arcfacekit-screenshots");

    [Fact]
    public async Task A_person_is_enrolled_found_and_erased_through_the_page()
    {
        await using var app = await StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await OpenAsync(browser, app);

        await page.FillAsync("#enroll-name", "Abel Pacheco");
        await page.SetInputFilesAsync("#enroll-photos", [TestModels.Lfw("Abel_Pacheco_0001.jpg"), TestModels.Lfw("Abel_Pacheco_0002.jpg")]);
        await page.ClickAsync("#enroll-form button");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Enrolled 2 face(s) for Abel Pacheco.");
        await page.FillAsync("#enroll-name", "Dean Barker");
        await page.SetInputFilesAsync("#enroll-photos", [TestModels.Lfw("Dean_Barker_0001.jpg")]);
        await page.ClickAsync("#enroll-form button");
        await Assertions.Expect(page.Locator("#subjects tbody tr")).ToHaveCountAsync(2);
        await Screenshot(page, "1-enrolled");

        await page.SetInputFilesAsync("#search-photo", TestModels.Lfw("Abel_Pacheco_0004.jpg"));
        await page.ClickAsync("#search-form button");
        await Assertions.Expect(page.Locator("#results li.accepted")).ToContainTextAsync("Abel Pacheco");
        Assert.True(await page.EvalOnSelectorAsync<int>("#result-canvas", "c => c.width") > 0);
        await Screenshot(page, "2-found");

        await page.SetInputFilesAsync("#search-photo", TestModels.Fixture("two_faces.jpg"));
        await page.ClickAsync("#search-form button");
        await Assertions.Expect(page.Locator("#results li")).ToHaveCountAsync(2);
        await Screenshot(page, "3-two-faces");

        await page.Locator("tr[data-subject='Dean Barker'] button", new PageLocatorOptions { HasText = "Delete" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Erased Dean Barker.");
        await Assertions.Expect(page.Locator("#subjects tbody tr")).ToHaveCountAsync(1);
        await page.Locator("tr[data-subject='Abel Pacheco'] button", new PageLocatorOptions { HasText = "Faces" }).ClickAsync();
        await Assertions.Expect(page.Locator("#faces img")).ToHaveCountAsync(2);
        await Screenshot(page, "4-erased");
        Assert.Null(await app.Store.GetSubjectAsync("Dean Barker"));
        Assert.Equal(2, await app.Store.CountFacesAsync());
    }

    [Fact]
    public async Task Unnamed_faces_are_grouped_split_merged_named_and_erased_through_the_page()
    {
        await using var app = await StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await OpenAsync(browser, app);

        await page.SetInputFilesAsync("#collect-photos", [TestModels.Lfw("Abel_Pacheco_0001.jpg"), TestModels.Lfw("Abel_Pacheco_0002.jpg"), TestModels.Lfw("Dean_Barker_0001.jpg")]);
        await page.ClickAsync("#collect-form button");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Added 3 face(s).");
        await Assertions.Expect(page.Locator("#groups .group")).ToHaveCountAsync(2);
        var groups = await app.Store.ListGroupsAsync();
        var (abel, dean) = (groups[0], groups[1]);
        var abelCard = page.Locator($".group[data-group='{abel.Id}']");
        await Assertions.Expect(abelCard.Locator("img")).ToHaveCountAsync(2);
        await Screenshot(page, "5-groups");

        // Split the second face out, then merge it back.
        await abelCard.Locator($".face[data-face='{abel.Faces[1].Id}'] button").ClickAsync();
        await Assertions.Expect(page.Locator("#groups .group")).ToHaveCountAsync(3);
        await Assertions.Expect(abelCard.Locator("img")).ToHaveCountAsync(1);
        long apart = (await app.Store.ListGroupsAsync()).Single(g => g.Faces.Any(f => f.Id == abel.Faces[1].Id)).Id;
        await abelCard.Locator("input[type=checkbox]").CheckAsync();
        await page.Locator($".group[data-group='{apart}'] input[type=checkbox]").CheckAsync();
        await page.ClickAsync("#merge-button");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Merged 2 groups.");
        await Assertions.Expect(page.Locator("#groups .group")).ToHaveCountAsync(2);
        await Assertions.Expect(abelCard.Locator("img")).ToHaveCountAsync(2);

        // Naming enrolls the faces: the person is a subject and is found by a search.
        await abelCard.Locator("input[placeholder=Name]").FillAsync("Abel Pacheco");
        await abelCard.Locator("button", new LocatorLocatorOptions { HasText = "Name" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Named Abel Pacheco (2 face(s)).");
        await Assertions.Expect(page.Locator("tr[data-subject='Abel Pacheco']")).ToContainTextAsync("2");
        await Assertions.Expect(page.Locator("#groups .group")).ToHaveCountAsync(1);
        await page.SetInputFilesAsync("#search-photo", TestModels.Lfw("Abel_Pacheco_0004.jpg"));
        await page.ClickAsync("#search-form button");
        await Assertions.Expect(page.Locator("#results li.accepted")).ToContainTextAsync("Abel Pacheco");
        await Screenshot(page, "6-named");

        // A search that keeps unknown faces adds one to the groups; erasing a group erases its faces.
        await page.CheckAsync("#search-collect");
        await page.SetInputFilesAsync("#search-photo", TestModels.Lfw("Aaron_Eckhart_0001.jpg"));
        await page.ClickAsync("#search-form button");
        await Assertions.Expect(page.Locator("#groups .group")).ToHaveCountAsync(2);
        await page.Locator($".group[data-group='{dean.Id}'] button", new PageLocatorOptions { HasText = "Delete" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Erased the group.");
        await Assertions.Expect(page.Locator("#groups .group")).ToHaveCountAsync(1);
        Assert.Null(await app.Store.GetGroupAsync(dean.Id));
        Assert.Equal(2, await app.Store.CountFacesAsync());
        await Screenshot(page, "7-erased-group");
    }

    [Fact]
    public async Task A_camera_is_added_its_visitor_is_seen_live_and_named_and_a_video_is_analysed_through_the_page()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does).");
        Directory.CreateDirectory(_screenshots);
        using var stream = new LoopbackStream(WebcamMan.Clip("webcam-b.mp4"), Ports.Free());
        await using var app = await TestApp.StartAsync(WebcamMan.Options(_folder, _ => { }), kestrel: true);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await OpenAsync(browser, app, ApiScopes.Read | ApiScopes.Write | ApiScopes.Cameras);
        var patience = new LocatorAssertionsToHaveCountOptions { Timeout = 90_000 };

        // Add the camera: it connects, shows a recent frame, and the man (enrolled nowhere) arrives as a visitor.
        await page.FillAsync("#camera-name", "door");
        await page.FillAsync("#camera-url", stream.Url);
        await page.ClickAsync("#camera-form button");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Added camera door.");
        var camera = page.Locator(".camera[data-camera='door']");
        await Assertions.Expect(camera.Locator(".state")).ToHaveTextAsync("connected", new LocatorAssertionsToHaveTextOptions { Timeout = 90_000 });
        await page.WaitForFunctionAsync("() => document.querySelector(\".camera[data-camera='door'] img\").naturalWidth === 400", null, new PageWaitForFunctionOptions { Timeout = 90_000 });
        await Assertions.Expect(page.Locator("#events li[data-kind='arrived']")).ToHaveCountAsync(1, patience);
        await Assertions.Expect(page.Locator("#events li[data-kind='arrived'] img")).ToHaveCountAsync(1);
        Assert.Contains("unknown visitor-", await page.Locator("#events li[data-kind='arrived']").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshot(page, "8-camera");

        // The camera goes dark for longer than a lost track is kept: his track ends, its best face joins the people to name.
        stream.Kill();
        await Assertions.Expect(camera.Locator(".state")).Not.ToHaveTextAsync("connected", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        await Task.Delay(VideoAnalysisOptions.Default.Tracker.RelinkBuffer!.Value + TimeSpan.FromSeconds(1));
        stream.Restart();
        await Assertions.Expect(page.Locator("#groups .group")).ToHaveCountAsync(1, patience);
        await Assertions.Expect(page.Locator("#events li[data-kind='track.ended']")).ToContainTextAsync("kept as group");
        await page.Locator("#groups .group input[placeholder=Name]").FillAsync("Webcam Man");
        await page.Locator("#groups .group button", new PageLocatorOptions { HasText = "Name" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Named Webcam Man (1 face(s)).");
        await Assertions.Expect(page.Locator("tr[data-subject='Webcam Man']")).ToHaveCountAsync(1);
        Assert.Single(await app.Store.ListFacesAsync("Webcam Man"));
        await Screenshot(page, "9-visitor-named");

        // A video file of the same man: uploaded, analysed as a job, its tracks listed with him named.
        await page.SetInputFilesAsync("#video-file", WebcamMan.Clip("webcam-a.mp4"));
        await page.ClickAsync("#video-form button");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Analysed webcam-a.mp4.", new LocatorAssertionsToHaveTextOptions { Timeout = 180_000 });
        await Assertions.Expect(page.Locator("#video-state")).ToContainTextAsync("done");
        await Assertions.Expect(page.Locator("#video-tracks tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#video-tracks tbody")).ToContainTextAsync("Webcam Man");
        await Screenshot(page, "10-video");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<TestApp> StartAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does).");
        Directory.CreateDirectory(_screenshots);
        return TestApp.StartAsync(TestModels.Options(o => o.SqlitePath = Path.Combine(_folder, "page.db")), kestrel: true);
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    /// <summary>The page, its dialogs answered (prompts with "renamed"), with a key entered (read and write unless told).</summary>
    private static async Task<IPage> OpenAsync(IBrowser browser, TestApp app, ApiScopes scopes = ApiScopes.Read | ApiScopes.Write)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.Type == "prompt" ? "renamed" : null);
        await page.GotoAsync(app.Url!.ToString());
        await Assertions.Expect(page.Locator("#health")).ToContainTextAsync("sqlite");
        await page.FillAsync("#key", app.NewKey(scopes, "browser"));
        await page.ClickAsync("#key-form button");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Key accepted.");
        return page;
    }

    private async Task Screenshot(IPage page, string name)
    {
        string path = Path.Combine(_screenshots, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
