using System.Net.Http.Headers;
using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Api;
using ArcFaceKit.Server.Cameras;

namespace ArcFaceKit.Server.Webhooks;

/// <summary>
/// One webhook while the server runs: its line of the hub's events (<see cref="CameraEventLine"/>, so a dead target
/// loses its oldest events, logged, and never holds up a camera), each event posted in turn, signed
/// (<see cref="WebhookSignature"/>), retried with doubling waits up to <see cref="WebhookOptions.MaxAttempts"/>, every
/// attempt in its delivery log; none while the key that registered it is revoked. Its URL (which may carry the
/// receiver's token) and secret are never logged.
/// </summary>
internal sealed partial class WebhookWorker : IAsyncDisposable
{
    private readonly WebhookServices _services;
    private readonly Uri _target;
    private readonly CameraEventLine _line;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WebhookWorker(StoredWebhook webhook, WebhookServices services)
    {
        Webhook = webhook;
        _services = services;
        _target = new Uri(webhook.Url);
        Deliveries = new WebhookDeliveryLog(services.Options.DeliveryLog);
        _line = services.Events.Open(Filter(webhook).ToFilter(), Dropped);
        _loop = Task.Run(RunAsync);
    }

    public StoredWebhook Webhook { get; }

    public WebhookDeliveryLog Deliveries { get; }

    public static WebhookFilterJson Filter(StoredWebhook webhook) =>
        JsonSerializer.Deserialize<WebhookFilterJson>(webhook.Filter, JsonShapes.Options) ?? throw new GalleryException(GalleryError.Invalid, "A stored webhook has no filter.");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _line.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var e in _line.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            try
            {
                await DeliverAsync(e).ConfigureAwait(false);
            }
            catch (Exception x) when (!_stop.IsCancellationRequested)
            {
                // The key could not be looked up (the store busy or down): this event is lost, not the webhook.
                Deliveries.Add(new WebhookDeliveryJson(e.Id, e.Kind, 0, _services.Clock.GetUtcNow(), null, $"not sent: {x.Message}", null));
            }
        }
    }

    private async Task DeliverAsync(CameraEventJson e)
    {
        // A revoked key no longer gets events, as it could no longer read them from /v1/events.
        if (await _services.Keys().FindKeyAsync(Webhook.KeyId, _stop.Token).ConfigureAwait(false) is not { IsActive: true })
        {
            Deliveries.Add(new WebhookDeliveryJson(e.Id, e.Kind, 0, _services.Clock.GetUtcNow(), null, "not sent: the key that registered this webhook is revoked", null));
            return;
        }

        byte[] body = JsonSerializer.SerializeToUtf8Bytes(e, JsonShapes.Options);
        var options = _services.Options;
        for (int attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            var started = _services.Clock.GetUtcNow();
            var (status, error) = await SendAsync(e, body).ConfigureAwait(false);
            bool delivered = status is >= 200 and < 300;
            var wait = delivered || attempt == options.MaxAttempts ? (TimeSpan?)null : Backoff(attempt);
            Deliveries.Add(new WebhookDeliveryJson(e.Id, e.Kind, attempt, started, status, error, _services.Clock.GetUtcNow() + wait));
            if (wait is not { } delay)
            {
                if (!delivered)
                {
                    GaveUp(_services.Log, Webhook.Id, e.Id, attempt);
                }

                return;
            }

            await Task.Delay(delay, _services.Clock, _stop.Token).ConfigureAwait(false);
        }
    }

    /// <summary>The wait after a failed attempt (from 1): the first delay, doubled each time, at most the longest.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var options = _services.Options;
        double ticks = options.RetryDelay.Ticks * Math.Pow(2, attempt - 1);
        return ticks >= options.MaxRetryDelay.Ticks ? options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>One attempt: the HTTP status answered (redirects are answers, not followed), or why there was none.</summary>
    private async Task<(int? Status, string? Error)> SendAsync(CameraEventJson e, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(Webhook.Secret, _services.Clock.GetUtcNow(), body));
        request.Headers.Add("X-ArcFace-Event", e.Kind);
        request.Headers.Add("X-ArcFace-Event-Id", e.Id);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        attempt.CancelAfter(_services.Options.Timeout);
        try
        {
            using var response = await _services.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            return (null, $"no answer within {_services.Options.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException x)
        {
            // The allow-list's refusal at connection time, or the network's error (they name the host and port, never the path).
            return (null, (x.InnerException as ApiProblem)?.Message ?? x.Message);
        }
        catch (Exception x) when (!_stop.IsCancellationRequested)
        {
            // Anything else fails this attempt, not the webhook: its loop must go on to the next attempt and event.
            return (null, x.Message);
        }
    }

    /// <summary>Called by the line, under the hub's lock, when it is full: cheap, and never waits.</summary>
    private void Dropped(CameraEventJson e)
    {
        Deliveries.Add(new WebhookDeliveryJson(e.Id, e.Kind, 0, _services.Clock.GetUtcNow(), null, $"dropped unsent: the webhook's line of {CameraEventHub.LineLength} events was full", null));
        DroppedLogged(_services.Log, Webhook.Id, e.Id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook} gave up on event {Event} after {Attempts} attempts")]
    private static partial void GaveUp(ILogger logger, long webhook, string @event, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook} dropped event {Event} unsent: its line is full (the target is down or slow)")]
    private static partial void DroppedLogged(ILogger logger, long webhook, string @event);
}
