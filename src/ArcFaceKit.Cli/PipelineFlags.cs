using Spectre.Console.Cli;

namespace ArcFaceKit.Flags;

/// <summary>The CLI's base of the shared model and pipeline flags (src/Common/PipelineFlags.cs): settings of their own.</summary>
public partial class PipelineFlags : CommandSettings;
