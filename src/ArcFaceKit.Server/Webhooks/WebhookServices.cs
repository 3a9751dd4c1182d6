using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Cameras;

namespace ArcFaceKit.Server.Webhooks;

/// <summary>What every webhook worker shares: the guarded HTTP client, the retry settings, the events, the keys, a log and a clock.</summary>
internal sealed record WebhookServices(HttpClient Client, WebhookOptions Options, CameraEventHub Events, Func<IApiKeyStore> Keys, ILogger Log, TimeProvider Clock);
