namespace ArcFaceKit.Gallery;

/// <summary>
/// A camera kept beside the gallery: its name, where its frames come from (a URL that may carry credentials, so stored
/// sealed as the store seals faces), and its settings as the server writes them (opaque text to the gallery).
/// </summary>
internal sealed record StoredCamera(string Name, string Source, string Settings, DateTimeOffset CreatedUtc, DateTimeOffset UpdatedUtc);
