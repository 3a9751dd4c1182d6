using System.Net.ServerSentEvents;
using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// The cameras' events as Server-Sent Events (the cameras scope): each with its id (Last-Event-ID resumes after it) and
/// its kind as the SSE event type; filtered by camera, subject, unknown people only, or kinds (a comma list).
/// </summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder v1) =>
        v1.MapGet("/events", Events).RequireScope(ApiScopes.Cameras).ProducesProblems(400)
            .WithSummary("Camera events as they happen (text/event-stream): camera, subject or unknown=true, kind=arrived,left to filter.");

    public static ServerSentEventsResult<CameraEventJson> Events(
        string? camera, string? subject, bool? unknown, string? kind, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, CameraEventHub events, CancellationToken cancellationToken)
    {
        var kinds = kind?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var filter = new CameraEventFilter(camera, subject, unknown ?? false, kinds);
        return TypedResults.ServerSentEvents(Items(events.SubscribeAsync(filter, lastEventId, cancellationToken)));
    }

    private static async IAsyncEnumerable<SseItem<CameraEventJson>> Items(IAsyncEnumerable<CameraEventJson> events)
    {
        await foreach (var e in events.ConfigureAwait(false))
        {
            yield return new SseItem<CameraEventJson>(e, e.Kind) { EventId = e.Id };
        }
    }
}
