using ArcFaceKit.Server.Cameras;

namespace ArcFaceKit.Server.Webhooks;

/// <summary>Which events a webhook gets, as /v1/events filters them: one camera's, one subject's, unknown people's only, some kinds only (all when left out).</summary>
public sealed record WebhookFilterJson(string? Camera = null, string? Subject = null, bool? Unknown = null, IReadOnlyList<string>? Kinds = null)
{
    internal CameraEventFilter ToFilter() => new(Camera, Subject, Unknown ?? false, Kinds?.ToHashSet(StringComparer.Ordinal));
}
