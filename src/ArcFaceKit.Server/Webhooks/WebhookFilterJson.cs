using ArcFaceKit.Server.Api;
using ArcFaceKit.Server.Cameras;

namespace ArcFaceKit.Server.Webhooks;

/// <summary>Which events a webhook gets, as /v1/events filters them: one camera's, one subject's, unknown people's only, some kinds only (all when left out).</summary>
public sealed record WebhookFilterJson(string? Camera = null, string? Subject = null, bool? Unknown = null, IReadOnlyList<string>? Kinds = null)
{
    /// <summary>This filter when its kinds are known ones (a misspelt kind would match nothing, silently); an <see cref="ApiProblem"/> (400) otherwise.</summary>
    internal WebhookFilterJson Checked() => Kinds?.FirstOrDefault(k => !CameraEventKinds.All.Contains(k)) is { } unknown
        ? throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", $"Unknown event kind '{unknown}' in the filter; the kinds are {string.Join(", ", CameraEventKinds.All)}.")
        : this;

    internal CameraEventFilter ToFilter() => new(Camera, Subject, Unknown ?? false, Kinds?.ToHashSet(StringComparer.Ordinal));
}
