namespace ArcFaceKit.Server.Cameras;

/// <summary>One state change of a camera: the state, its reason (credentials scrubbed) and when.</summary>
public sealed record CameraStateJson(string State, string Message, DateTimeOffset TimeUtc);
