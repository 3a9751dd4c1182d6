using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Server.Cameras;

/// <summary>What every camera worker shares: the server's pipeline and gallery, its settings, where events and snapshots go, a log and a clock.</summary>
internal sealed record CameraServices(
    FacePipeline Pipeline, Func<IFaceGallery> Gallery, ServerOptions Options, CameraEventHub Events, SnapshotStore Snapshots, ILogger Log, TimeProvider Clock);
