namespace ArcFaceKit.Server.Videos;

/// <summary>A video to fetch and analyse: its http(s) URL, on a host the operator allows, and the frames a second to analyse (null: every frame).</summary>
public sealed record VideoUrlRequest(string? Url = null, double? Fps = null);
