using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>The real application in-process: on the test server (no sockets) or on Kestrel at 127.0.0.1, with keys made for the test.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    /// <summary>A client without a key; use <see cref="With"/> to add one.</summary>
    public HttpClient Client { get; }

    public IFaceStore Store => App.Services.GetRequiredService<IFaceStore>();

    public static async Task<TestApp> StartAsync(ServerOptions options, bool kestrel = false)
    {
        var app = ServerApp.Create(options, kestrel ? ["--urls", "http://127.0.0.1:0"] : [], builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (!kestrel)
            {
                builder.WebHost.UseTestServer();
            }
        });
        await app.StartAsync();
        var client = kestrel ? new HttpClient { BaseAddress = new Uri(app.Urls.First()) } : app.GetTestClient();
        return new TestApp(app, client);
    }

    public string NewKey(ApiScopes scopes, string name = "test") => ApiKeys.Create(App.Services.GetRequiredService<IKeyStore>(), name, scopes).Token;

    /// <summary>A request message carrying the key.</summary>
    public static HttpRequestMessage With(string key, HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(ApiKeys.Header, key);
        return request;
    }

    public static MultipartFormDataContent Photos(params (string Field, string Path)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, path) in files)
        {
            form.Add(new ByteArrayContent(File.ReadAllBytes(path)), field, Path.GetFileName(path));
        }

        return form;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
