namespace ArcFaceKit.Training.Tests;

/// <summary>
/// Tests that seed TorchSharp's process-wide random generator and then draw from it (weight initialisation) run
/// alone: a test class running beside them draws from the same generator and changes the weights they start from.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeededTorchCollection
{
    public const string Name = "seeded torch generator";
}
