namespace ArcFaceKit.Gallery;

/// <summary>
/// A webhook kept beside the gallery: its id (0 until stored), the API key that registered it, where events are posted,
/// which events (opaque text to the gallery, as the server writes it), the secret its deliveries are signed with (stored
/// sealed as a camera's source is), and when it was registered.
/// </summary>
internal sealed record StoredWebhook(long Id, string KeyId, string Url, string Filter, string Secret, DateTimeOffset CreatedUtc);
