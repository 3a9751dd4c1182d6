using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.TestSupport;

/// <summary>
/// Holds a service's analysis slot with an analysis that cannot end by itself (however fast the machine), until
/// released. Started once inference moves past what the service had done before, and started again should the slot
/// still have been taken (a request just leaving it). Linked into the test projects that need it.
/// </summary>
internal sealed class SlotHolder : IDisposable
{
    private readonly Task _analysis;
    private readonly CancellationTokenSource _release;

    private SlotHolder(Task analysis, CancellationTokenSource release) => (_analysis, _release) = (analysis, release);

    /// <summary>Still holding: false would mean the test proved nothing.</summary>
    public bool Holding => !_analysis.IsCompleted;

    public static async Task<SlotHolder> StartAsync(FacePipeline service, RgbImage image)
    {
        var release = new CancellationTokenSource();
        var inferred = service.InferenceTime;
        Task analysis;
        do
        {
            analysis = Task.Run(() => service.AnalyzeBatchAsync(Enumerable.Repeat(image, 1_000_000).ToList(), FaceSelection.All, release.Token));
            while (!analysis.IsCompleted && service.InferenceTime == inferred)
            {
                await Task.Delay(2);
            }
        }
        while (analysis.IsFaulted && analysis.Exception?.InnerException is ServiceBusyException);

        return new SlotHolder(analysis, release);
    }

    /// <summary>Cancels the analysis and waits for it to give the slot back; throws if it had ended any other way.</summary>
    public async Task ReleaseAsync()
    {
        await _release.CancelAsync();
        try
        {
            await _analysis;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        throw new InvalidOperationException("The holding analysis ended before it was released.");
    }

    public void Dispose() => _release.Dispose();
}
