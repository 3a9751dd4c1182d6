using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ArcFaceKit.Server.Tests;

/// <summary>
/// The web page in a real headless Chromium (Debian's chromium driven by Playwright; Playwright's own browser
/// downloads do not work offline): enroll from photos, search with a photo, see boxes and scores, manage subjects.
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

    /// <summary>The page, its dialogs answered (prompts with "renamed"), with a read and write key entered.</summary>
    private static async Task<IPage> OpenAsync(IBrowser browser, TestApp app)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.Type == "prompt" ? "renamed" : null);
        await page.GotoAsync(app.Url!.ToString());
        await Assertions.Expect(page.Locator("#health")).ToContainTextAsync("sqlite");
        await page.FillAsync("#key", app.NewKey(ApiScopes.Read | ApiScopes.Write, "browser"));
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
