namespace ArcFaceKit.Training.Training;

/// <summary>One optimisation step: loss, batch accuracy of the head's logits, learning rate, throughput.</summary>
public sealed record StepReport(long Step, long TotalSteps, int Epoch, double Loss, double Accuracy, double LearningRate, double ImagesPerSecond);
