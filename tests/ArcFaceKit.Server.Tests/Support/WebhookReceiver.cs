using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>One POST a <see cref="WebhookReceiver"/> took: its path, the ArcFace headers and the body as sent.</summary>
public sealed record WebhookCall(string Path, string? Signature, string? EventId, string? Kind, string? ContentType, byte[] Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>
    /// Verifies the signature as a receiver would, written here from the documented scheme (not the server's code):
    /// t=SECONDS,v1=HEX with HEX the HMAC-SHA256 under the secret of "SECONDS." and the body, t within five minutes.
    /// </summary>
    public bool IsSignedWith(string secret)
    {
        var parts = (Signature ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out string? t) || !parts.TryGetValue("v1", out string? v1) || !long.TryParse(t, CultureInfo.InvariantCulture, out long seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        byte[] signed = [.. Encoding.ASCII.GetBytes(t + "."), .. Body];
        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v1));
    }
}

/// <summary>
/// A webhook target on 127.0.0.1 (Kestrel): takes POSTs at any path and answers each with the status <c>answer</c>
/// gives for (path, nth call at that path, from 1): 200 by default; a 3xx answer points to /elsewhere.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<WebhookCall> _calls = [];

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url => new(_app.Urls.First());

    public IReadOnlyList<WebhookCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<WebhookCall> At(string path) => [.. Calls.Where(c => c.Path == path)];

    public static async Task<WebhookReceiver> StartAsync(Func<string, int, int>? answer = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            var headers = http.Request.Headers;
            var call = new WebhookCall(http.Request.Path, headers["X-ArcFace-Signature"], headers["X-ArcFace-Event-Id"], headers["X-ArcFace-Event"], http.Request.ContentType, body.ToArray());
            int nth;
            lock (receiver._calls)
            {
                receiver._calls.Add(call);
                nth = receiver._calls.Count(c => c.Path == call.Path);
            }

            int status = answer?.Invoke(call.Path, nth) ?? 200;
            if (status is >= 300 and < 400)
            {
                http.Response.Headers.Location = "/elsewhere";
            }

            http.Response.StatusCode = status;
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until the calls satisfy <paramref name="done"/>; fails with what came when they do not in time.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<WebhookCall>, bool> done, TimeSpan patience, string what)
    {
        var until = DateTime.UtcNow + patience;
        while (!done(Calls))
        {
            Assert.True(DateTime.UtcNow < until, $"no {what} within {patience.TotalSeconds} s; calls: {string.Join(", ", Calls.Select(c => $"{c.Path} {c.Kind} {c.EventId}"))}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
