using System.Net.ServerSentEvents;
using System.Text.Json;
using ArcFaceKit.Server.Security;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>A client of /v1/events reading the stream in the background, as a browser's EventSource would.</summary>
public sealed class EventListener : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Type, string? Id, JsonElement Data)> _events = [];
    private readonly Task _reading;

    /// <summary>Follows the events from now on, or, with <paramref name="lastEventId"/>, from after that one (the kept events the server replays).</summary>
    public EventListener(Uri server, string key, string query = "", string? lastEventId = null)
    {
        _client = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.Add(ApiKeys.Header, key);
        if (lastEventId is not null)
        {
            _client.DefaultRequestHeaders.Add("Last-Event-ID", lastEventId);
        }

        _reading = Task.Run(() => ReadAsync($"/v1/events{query}"));
    }

    /// <summary>The content type the stream was answered with, once it began.</summary>
    public string? ContentType { get; private set; }

    public IReadOnlyList<(string Type, string? Id, JsonElement Data)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Waits until the events satisfy <paramref name="done"/>; fails with what came when they do not in time.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<(string Type, string? Id, JsonElement Data)>, bool> done, TimeSpan patience, string what)
    {
        var until = DateTime.UtcNow + patience;
        while (!done(Events))
        {
            Assert.True(DateTime.UtcNow < until, $"no {what} within {patience.TotalSeconds} s; events: {string.Join(", ", Events.Select(e => e.Type))}");
            Assert.False(_reading.IsFaulted, $"the event stream failed: {_reading.Exception}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync(string path)
    {
        using var response = await _client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        response.EnsureSuccessStatusCode();
        ContentType = response.Content.Headers.ContentType?.MediaType;
        await using var body = await response.Content.ReadAsStreamAsync(_stop.Token);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
        {
            lock (_events)
            {
                _events.Add((item.EventType, item.EventId, JsonDocument.Parse(item.Data).RootElement.Clone()));
            }
        }
    }
}
