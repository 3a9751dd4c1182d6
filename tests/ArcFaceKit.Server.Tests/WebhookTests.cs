using System.Net;
using System.Net.Http.Json;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;
using ArcFaceKit.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace ArcFaceKit.Server.Tests;

/// <summary>
/// Webhooks for camera events, posted to a real receiver on 127.0.0.1 (<see cref="WebhookReceiver"/>): the camera
/// test's live stream and enrolled man for the arrival, events published to the server's own hub for retries, the
/// allow-list, the scope and a restart.
/// </summary>
public sealed class WebhookTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-webhooks-").FullName;

    [Fact]
    public async Task The_enrolled_man_on_a_live_camera_is_posted_once_as_arrived_signed_so_the_receiver_verifies_it_while_many_frames_are_analysed()
    {
        using var stream = new LoopbackStream(WebcamMan.Clip("webcam-b.mp4"), Ports.Free());
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(WebcamMan.Options(_folder, o => o.Webhooks.AllowedHosts = ["127.0.0.1"]), kestrel: true);
        await WebcamMan.EnrolAsync(app);
        string key = app.NewKey(ApiScopes.Cameras);
        var arrivals = await RegisterAsync(app, key, new WebhookRequest(new Uri(receiver.Url, "/arrivals").AbsoluteUri, new WebhookFilterJson(Subject: "webcam-man", Kinds: ["arrived"])));
        var everything = await RegisterAsync(app, key, new WebhookRequest(new Uri(receiver.Url, "/all").AbsoluteUri));
        Assert.StartsWith("whsec_", arrivals.Secret, StringComparison.Ordinal);
        Assert.NotEqual(arrivals.Secret, everything.Secret);

        Assert.Equal(HttpStatusCode.Created, (await Send(app, key, HttpMethod.Post, "/v1/cameras", new CameraRequest("door", stream.Url, Fps: 5))).StatusCode);
        await receiver.WaitForAsync(c => c.Any(x => x.Path == "/arrivals"), Patience, "arrival");

        // Many frames analysed after the arrival, and still one delivery: one per visit, not one per frame.
        long analysedAtArrival = (await CameraAsync(app, key)).Status.Analysed;
        var until = DateTime.UtcNow + Patience;
        while ((await CameraAsync(app, key)).Status.Analysed < analysedAtArrival + 25)
        {
            Assert.True(DateTime.UtcNow < until, "the camera stopped analysing");
            await Task.Delay(100);
        }

        var arrival = Assert.Single(receiver.At("/arrivals"));
        Assert.True(arrival.IsSignedWith(arrivals.Secret!), $"signature {arrival.Signature} does not verify");
        Assert.False(arrival.IsSignedWith(everything.Secret!));
        Assert.Equal(("arrived", "door", "webcam-man"), (arrival.Json.GetProperty("kind").GetString(), arrival.Json.GetProperty("camera").GetString(), arrival.Json.GetProperty("subject").GetString()));
        Assert.Equal((arrival.EventId, "arrived", "application/json"), (arrival.Json.GetProperty("id").GetString(), arrival.Kind, arrival.ContentType?.Split(';')[0]));

        var all = receiver.At("/all");
        Assert.Single(all, c => c.Kind == "arrived");
        Assert.Contains(all, c => c.EventId == arrival.EventId);
        Assert.Equal(all.Count, all.Select(c => c.EventId).Distinct().Count());
        Assert.All(all, c => Assert.True(c.IsSignedWith(everything.Secret!)));
        var log = await DeliveriesAsync(app, key, arrivals.Id);
        Assert.Equal((arrival.EventId, 1, (int?)200, (DateTimeOffset?)null), Assert.Single(log) is var d ? (d.EventId, d.Attempt, d.Status, d.NextAttemptUtc) : default);
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_event_again_with_the_same_id_after_growing_waits_a_redirect_is_not_followed_and_the_log_shows_every_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync((path, nth) => path switch
        {
            "/flaky" => nth <= 2 ? 500 : 200,
            "/moved" => 302,
            _ => 200,
        });
        var captured = new CapturedLog();
        await using var app = await TestApp.StartAsync(Options(o => o.Webhooks = Quick(o.Webhooks, ["127.0.0.1"], attempts: 4)), kestrel: true, log: captured);
        string key = app.NewKey(ApiScopes.Cameras);
        var flaky = await RegisterAsync(app, key, new WebhookRequest(new Uri(receiver.Url, "/flaky").AbsoluteUri, new WebhookFilterJson(Camera: "door")));
        var moved = await RegisterAsync(app, key, new WebhookRequest(new Uri(receiver.Url, "/moved").AbsoluteUri));

        var hub = app.Services.GetRequiredService<CameraEventHub>();
        hub.Publish(Event(hub, "hall"));
        var door = Event(hub, "door");
        hub.Publish(door);
        await receiver.WaitForAsync(c => c.Count(x => x.Path == "/flaky") == 3, Patience, "three attempts at /flaky");
        await WaitForLogAsync(app, key, moved.Id, 2 * 4);

        // Only the door's event (the filter), three times, the same id and bytes, each signed afresh.
        var calls = receiver.At("/flaky");
        Assert.All(calls, c => Assert.Equal(door.Id, c.EventId));
        Assert.All(calls, c => Assert.Equal(calls[0].Body, c.Body));
        Assert.All(calls, c => Assert.True(c.IsSignedWith(flaky.Secret!)));
        var log = await DeliveriesAsync(app, key, flaky.Id);
        Assert.Equal([(1, 500), (2, 500), (3, 200)], log.Select(e => (e.Attempt, e.Status ?? 0)));
        Assert.All(log, e => Assert.Equal(door.Id, e.EventId));
        Assert.True(log[0].NextAttemptUtc is not null && log[1].NextAttemptUtc is not null && log[2].NextAttemptUtc is null);
        Assert.True(log[1].NextAttemptUtc - log[1].TimeUtc > log[0].NextAttemptUtc - log[0].TimeUtc, "the wait grows");
        var timers = TimeSpan.FromMilliseconds(20);   // a timer may fire a little before the wall clock says
        Assert.True(log[1].TimeUtc >= log[0].NextAttemptUtc - timers && log[2].TimeUtc >= log[1].NextAttemptUtc - timers, "attempts wait their turn");
        Assert.True(log[2].TimeUtc - log[0].TimeUtc >= TimeSpan.FromMilliseconds(300) - timers, "waits of 100 and 200 ms");

        // The redirect is an answer: retried, never followed, given up after the last attempt.
        var redirected = (await DeliveriesAsync(app, key, moved.Id)).Where(e => e.EventId == door.Id).ToList();
        Assert.Equal([(1, 302), (2, 302), (3, 302), (4, 302)], redirected.Select(e => (e.Attempt, e.Status ?? 0)));
        Assert.Null(redirected[^1].NextAttemptUtc);
        Assert.Empty(receiver.At("/elsewhere"));

        // Giving up is logged by ids; no secret and no target URL (it may carry the receiver's token) reaches the log.
        Assert.Contains(captured.Lines, l => l.Contains($"Webhook {moved.Id} gave up on event {door.Id} after 4 attempts", StringComparison.Ordinal));
        Assert.DoesNotContain(captured.Lines, l => l.Contains(flaky.Secret!, StringComparison.Ordinal) || l.Contains(moved.Secret!, StringComparison.Ordinal));
        Assert.DoesNotContain(captured.Lines, l => l.Contains("/flaky", StringComparison.Ordinal) || l.Contains("/moved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_target_that_keeps_failing_loses_its_oldest_events_to_a_bounded_line_logged_while_publishing_never_waits()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, _) => 500);
        await using var app = await TestApp.StartAsync(Options(o => o.Webhooks = Quick(o.Webhooks, ["127.0.0.1"], attempts: 1000)), kestrel: true);
        string key = app.NewKey(ApiScopes.Cameras);
        var dead = await RegisterAsync(app, key, new WebhookRequest(new Uri(receiver.Url, "/dead").AbsoluteUri));
        var hub = app.Services.GetRequiredService<CameraEventHub>();
        var first = Event(hub, "door");
        hub.Publish(first);
        await receiver.WaitForAsync(c => c.Count > 0, Patience, "the first attempt");

        // The webhook is stuck retrying the first event: 300 more go to its line of 256 at once, and the oldest go.
        var published = Enumerable.Range(0, 300).Select(_ => Event(hub, "door")).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        published.ForEach(hub.Publish);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"publishing took {watch.Elapsed}");
        var dropped = (await DeliveriesAsync(app, key, dead.Id)).Where(e => e.Attempt == 0).Select(e => e.EventId).ToList();
        Assert.Equal(published.Take(300 - CameraEventHub.LineLength).Select(e => e.Id), dropped);
        Assert.All(receiver.Calls, c => Assert.Equal(first.Id, c.EventId));
    }

    [Fact]
    public async Task Targets_are_refused_unless_the_operator_allows_them_at_registration_and_again_on_the_addresses_at_delivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        string local = new Uri(receiver.Url, "/hook").AbsoluteUri;

        // The default: no host allowed, every webhook refused with a reason.
        await using (var closed = await TestApp.StartAsync(Options(_ => { }, "closed.db")))
        {
            var refused = await Send(closed, closed.NewKey(ApiScopes.Cameras), HttpMethod.Post, "/v1/webhooks", new WebhookRequest(local));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("AllowedHosts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // 127.0.0.1 allowed (as configuration, the way an operator's appsettings give it): other addresses and malformed URLs refused.
        await using (var open = await TestApp.StartAsync(Options(o => o.Webhooks.AllowedHosts = ["127.0.0.1"], "open.db")))
        {
            string key = open.NewKey(ApiScopes.Cameras);
            foreach (string url in new[] { "http://10.0.0.1/hook", "http://127.0.0.2/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/hook" })
            {
                Assert.True((await Send(open, key, HttpMethod.Post, "/v1/webhooks", new WebhookRequest(url))).StatusCode == HttpStatusCode.Forbidden, url);
            }

            foreach (string? url in new[] { null, "ftp://127.0.0.1/hook", "file:///etc/passwd", "http://user:pw@127.0.0.1/hook", "/hook", "http://127.0.0.1/hook#x" })
            {
                Assert.True((await Send(open, key, HttpMethod.Post, "/v1/webhooks", new WebhookRequest(url))).StatusCode == HttpStatusCode.BadRequest, url);
            }

            Assert.Equal(HttpStatusCode.Created, (await Send(open, key, HttpMethod.Post, "/v1/webhooks", new WebhookRequest(local))).StatusCode);
        }

        // A name allowed, but it resolves to loopback, which is not: refused at registration; and a webhook stored
        // before the operator narrowed the list is refused at delivery, on the addresses, with the receiver never called.
        string localhost = new UriBuilder(receiver.Url) { Host = "localhost", Path = "/hook" }.Uri.AbsoluteUri;
        var named = Options(o => o.Webhooks = Quick(o.Webhooks, ["localhost"], attempts: 1), "named.db");
        string token;
        await using (var first = await TestApp.StartAsync(named, kestrel: true))
        {
            token = first.NewKey(ApiScopes.Cameras);
            var refused = await Send(first, token, HttpMethod.Post, "/v1/webhooks", new WebhookRequest(localhost));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("resolves to", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await ((IWebhookStore)first.Store).AddWebhookAsync(new StoredWebhook(0, KeyId(token), localhost, "{}", "whsec_test", DateTimeOffset.UtcNow), "test");
        }

        await using var second = await TestApp.StartAsync(named, kestrel: true);
        var hub = second.Services.GetRequiredService<CameraEventHub>();
        var e = Event(hub, "door");
        hub.Publish(e);
        long id = Assert.Single(await ListAsync(second, token)).Id;
        var entry = Assert.Single(await WaitForLogAsync(second, token, id, 1));
        Assert.Equal((e.Id, 1, (int?)null), (entry.EventId, entry.Attempt, entry.Status));
        Assert.Contains("resolves to", entry.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Calls);
    }

    [Fact]
    public async Task A_key_without_the_cameras_scope_cannot_register_or_list_and_a_key_sees_and_removes_only_its_own_webhooks_whose_secret_is_never_shown_again_and_unknown_kinds_are_refused()
    {
        await using var app = await TestApp.StartAsync(Options(o =>
        {
            o.Webhooks.AllowedHosts = ["127.0.0.1"];
            o.Webhooks.MaxPerKey = 2;
        }));
        string readWrite = app.NewKey(ApiScopes.Read | ApiScopes.Write), mine = app.NewKey(ApiScopes.Cameras, "mine"), theirs = app.NewKey(ApiScopes.Cameras, "theirs");
        var request = new WebhookRequest("http://127.0.0.1:9/hook");
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(app, readWrite, HttpMethod.Post, "/v1/webhooks", request)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(app, readWrite, HttpMethod.Get, "/v1/webhooks")).StatusCode);

        var misspelt = await Send(app, mine, HttpMethod.Post, "/v1/webhooks", request with { Filter = new WebhookFilterJson(Kinds: ["arrived", "arrive"]) });
        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        Assert.Contains("'arrive'", await misspelt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var created = await RegisterAsync(app, mine, request with { Filter = new WebhookFilterJson(Kinds: [.. CameraEventKinds.All]) });
        await RegisterAsync(app, mine, request);
        Assert.Equal(HttpStatusCode.Conflict, (await Send(app, mine, HttpMethod.Post, "/v1/webhooks", request)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(app, readWrite, HttpMethod.Get, $"/v1/webhooks/{created.Id}/deliveries")).StatusCode);
        Assert.Empty(await ListAsync(app, theirs));
        Assert.Equal(HttpStatusCode.NotFound, (await Send(app, theirs, HttpMethod.Delete, $"/v1/webhooks/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(app, theirs, HttpMethod.Get, $"/v1/webhooks/{created.Id}/deliveries")).StatusCode);

        string listed = await (await Send(app, mine, HttpMethod.Get, "/v1/webhooks")).Content.ReadAsStringAsync();
        Assert.Equal(2, (await ListAsync(app, mine)).Count);
        Assert.DoesNotContain(created.Secret!, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", listed, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(app, mine, HttpMethod.Delete, $"/v1/webhooks/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(app, mine, HttpMethod.Get, $"/v1/webhooks/{created.Id}/deliveries")).StatusCode);
        Assert.Single(await ListAsync(app, mine));
    }

    [Fact]
    public async Task A_webhook_survives_a_server_restart_and_delivers_after_it_under_the_secret_given_at_registration_until_its_key_is_revoked()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var options = Options(o => o.Webhooks.AllowedHosts = ["127.0.0.1"]);
        string key;
        WebhookJson created;
        await using (var first = await TestApp.StartAsync(options, kestrel: true))
        {
            key = first.NewKey(ApiScopes.Cameras);
            created = await RegisterAsync(first, key, new WebhookRequest(new Uri(receiver.Url, "/kept").AbsoluteUri, new WebhookFilterJson(Kinds: ["arrived"])));
        }

        await using var second = await TestApp.StartAsync(options, kestrel: true);
        var kept = Assert.Single(await ListAsync(second, key));
        Assert.Equal((created.Id, created.Url, (string?)null), (kept.Id, kept.Url, kept.Secret));
        Assert.Equal(["arrived"], kept.Filter.Kinds);
        var hub = second.Services.GetRequiredService<CameraEventHub>();
        hub.Publish(Event(hub, "door") with { Kind = "left" });
        var arrived = Event(hub, "door");
        hub.Publish(arrived);
        await receiver.WaitForAsync(c => c.Count > 0, Patience, "delivery after the restart");
        var call = Assert.Single(receiver.Calls);
        Assert.Equal(arrived.Id, call.EventId);
        Assert.True(call.IsSignedWith(created.Secret!));

        // Its key revoked, the webhook gets nothing more (the log, read past the key, says why).
        Assert.True(await second.Keys.RevokeKeyAsync(KeyId(key), "test"));
        var after = Event(hub, "door");
        hub.Publish(after);
        var dispatcher = second.Services.GetRequiredService<WebhookDispatcher>();
        var until = DateTime.UtcNow + Patience;
        while (!dispatcher.Deliveries(created.Id, KeyId(key))!.Any(e => e.EventId == after.Id))
        {
            Assert.True(DateTime.UtcNow < until, "the event after the revocation is not in the log");
            await Task.Delay(50);
        }

        var refused = dispatcher.Deliveries(created.Id, KeyId(key))!.Single(e => e.EventId == after.Id);
        Assert.Equal((0, (int?)null), (refused.Attempt, refused.Status));
        Assert.Contains("revoked", refused.Error, StringComparison.Ordinal);
        Assert.Single(receiver.Calls);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ServerOptions Options(Action<ServerOptions> more, string file = "webhooks.db")
    {
        var options = TestModels.Options(o => o.SqlitePath = Path.Combine(_folder, file));
        more(options);
        return options;
    }

    /// <summary>Retries a tenth of a second apart, doubling, so a test sees every attempt.</summary>
    private static WebhookOptions Quick(WebhookOptions options, string[] allowed, int attempts)
    {
        options.AllowedHosts = allowed;
        options.MaxAttempts = attempts;
        options.RetryDelay = TimeSpan.FromMilliseconds(100);
        options.MaxRetryDelay = TimeSpan.FromSeconds(1);
        return options;
    }

    private static CameraEventJson Event(CameraEventHub hub, string camera)
    {
        var now = DateTimeOffset.UtcNow;
        return new CameraEventJson(hub.NextId(), "arrived", camera, 1, "webcam-man", null, 0.8f, now, now, now, null, null);
    }

    /// <summary>A key's id, the middle of its token (afk_ID_SECRET).</summary>
    private static string KeyId(string token) => token.Split('_')[1];

    private static async Task<HttpResponseMessage> Send(TestApp app, string key, HttpMethod method, string path, object? body = null) =>
        await app.Client.SendAsync(TestApp.With(key, method, path, body is null ? null : JsonContent.Create(body)));

    private static async Task<WebhookJson> RegisterAsync(TestApp app, string key, WebhookRequest request)
    {
        using var answer = await Send(app, key, HttpMethod.Post, "/v1/webhooks", request);
        Assert.True(answer.StatusCode == HttpStatusCode.Created, await answer.Content.ReadAsStringAsync());
        return (await answer.Content.ReadFromJsonAsync<WebhookJson>())!;
    }

    private static async Task<IReadOnlyList<WebhookJson>> ListAsync(TestApp app, string key) =>
        (await (await Send(app, key, HttpMethod.Get, "/v1/webhooks")).Content.ReadFromJsonAsync<List<WebhookJson>>())!;

    private static async Task<IReadOnlyList<WebhookDeliveryJson>> DeliveriesAsync(TestApp app, string key, long id)
    {
        using var answer = await Send(app, key, HttpMethod.Get, $"/v1/webhooks/{id}/deliveries");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<List<WebhookDeliveryJson>>())!;
    }

    private static async Task<IReadOnlyList<WebhookDeliveryJson>> WaitForLogAsync(TestApp app, string key, long id, int entries)
    {
        var until = DateTime.UtcNow + Patience;
        IReadOnlyList<WebhookDeliveryJson> log;
        while ((log = await DeliveriesAsync(app, key, id)).Count < entries)
        {
            Assert.True(DateTime.UtcNow < until, $"{log.Count} of {entries} delivery log entries");
            await Task.Delay(50);
        }

        return log;
    }

    private static async Task<CameraJson> CameraAsync(TestApp app, string key) =>
        (await (await Send(app, key, HttpMethod.Get, "/v1/cameras/door")).Content.ReadFromJsonAsync<CameraJson>())!;
}
