namespace ArcFaceKit.Training.Training;

/// <summary>SGD with momentum and weight decay, linear warmup then polynomial decay, gradient clipping.</summary>
public sealed record TrainerOptions
{
    public int Epochs { get; init; } = 10;

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 0.1;

    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Steps over which the learning rate rises linearly from 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>After warmup: lr * (1 - progress)^power down to 0 at the last step.</summary>
    public double PolyPower { get; init; } = 2;

    /// <summary>Gradients are scaled so their global L2 norm is at most this (0: no clipping).</summary>
    public double ClipNorm { get; init; } = 5;

    public int Seed { get; init; }

    public bool Flip { get; init; } = true;

    /// <summary>Jitter each training image (<see cref="Data.Augmentation"/>); for sets with few photos per person.</summary>
    public bool Augment { get; init; }

    /// <summary>"cpu" (TorchSharp's CUDA packages are not served here; "cuda" works where they are installed).</summary>
    public string Device { get; init; } = "cpu";
}
