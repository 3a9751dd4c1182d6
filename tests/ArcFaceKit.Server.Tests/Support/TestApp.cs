using System.Globalization;
using System.Reflection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>
/// The real application in-process: through WebApplicationFactory (its test server, settings as configuration, the
/// way an operator's appsettings or environment give them) or on Kestrel at 127.0.0.1 (settings as options).
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly IAsyncDisposable _host;

    private TestApp(IAsyncDisposable host, IServiceProvider services, HttpClient client, Uri? url)
    {
        _host = host;
        Services = services;
        Client = client;
        Url = url;
    }

    public IServiceProvider Services { get; }

    /// <summary>A client without a key; use <see cref="With"/> to add one.</summary>
    public HttpClient Client { get; }

    /// <summary>Where Kestrel listens (null on the test server).</summary>
    public Uri? Url { get; }

    public IFaceGallery Store => Services.GetRequiredService<IFaceGallery>();

    internal IApiKeyStore Keys => Services.GetRequiredService<IApiKeyStore>();

    public static async Task<TestApp> StartAsync(ServerOptions options, bool kestrel = false, ILoggerProvider? log = null)
    {
        if (!kestrel)
        {
            var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            {
                foreach (var (key, value) in Settings(ServerOptions.Section, options))
                {
                    web.UseSetting(key, value);
                }

                web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            });
            return new TestApp(factory, factory.Services, factory.CreateClient(), null);
        }

        var app = ServerApp.Create(["--urls", "http://127.0.0.1:0"], options, builder =>
        {
            // A captured log sees everything the server writes, at every level.
            builder.Logging.SetMinimumLevel(log is null ? LogLevel.Warning : LogLevel.Trace);
            if (log is not null)
            {
                builder.Logging.AddProvider(log);
            }
        });
        await app.StartAsync();
        var url = new Uri(app.Urls.First());
        return new TestApp(app, app.Services, new HttpClient { BaseAddress = url }, url);
    }

    /// <summary>The options as configuration keys: the library's records (and their lists) as sections, the way an appsettings.json nests them.</summary>
    private static IEnumerable<(string Key, string? Value)> Settings(string section, object options)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            string key = $"{section}:{property.Name}";
            switch (property.GetValue(options))
            {
                case null:
                    break;
                case IConvertible or TimeSpan:
                    yield return (key, Convert.ToString(property.GetValue(options), CultureInfo.InvariantCulture));
                    break;
                case IEnumerable<string> list:
                    int i = 0;
                    foreach (string item in list)
                    {
                        yield return ($"{key}:{i++}", item);
                    }

                    break;
                case var record:
                    foreach (var setting in Settings(key, record))
                    {
                        yield return setting;
                    }

                    break;
            }
        }
    }

    public string NewKey(ApiScopes scopes, string name = "test") => ApiKeys.CreateAsync(Keys, name, scopes, "cli").GetAwaiter().GetResult().Token;

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
        if (_host is WebApplication app)
        {
            await app.StopAsync();
        }

        await _host.DisposeAsync();
    }
}
