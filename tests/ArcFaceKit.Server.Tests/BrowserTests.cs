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
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does).");
        Directory.CreateDirectory(_screenshots);
        await using var app = await TestApp.StartAsync(TestModels.Options(o => o.SqlitePath = Path.Combine(_folder, "page.db")), kestrel: true);
        string key = app.NewKey(ApiScopes.Read | ApiScopes.Write, "browser");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.Type == "prompt" ? "renamed" : null);
        await page.GotoAsync(app.Url!.ToString());
        await Assertions.Expect(page.Locator("#health")).ToContainTextAsync("sqlite");

        await page.FillAsync("#key", key);
        await page.ClickAsync("#key-form button");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Key accepted.");

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

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task Screenshot(IPage page, string name)
    {
        string path = Path.Combine(_screenshots, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
