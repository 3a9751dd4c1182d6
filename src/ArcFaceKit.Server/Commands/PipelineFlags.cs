namespace ArcFaceKit.Flags;

/// <summary>The server's base of the shared model and pipeline flags (src/Common/PipelineFlags.cs): the store flags, which `serve` needs too.</summary>
public partial class PipelineFlags : ArcFaceKit.Server.Commands.StoreSettings;
