using ArcFaceKit.Models;

namespace ArcFaceKit.Recognition;

/// <summary>An embedder opened from model files: it has a manifest and owns native sessions to release.</summary>
public interface IModelEmbedder : IFaceEmbedder, IModelInfo, IDisposable
{
}
