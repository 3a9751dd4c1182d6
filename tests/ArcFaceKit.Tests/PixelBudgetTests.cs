using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Tests;

/// <summary>The decoding budget: photos wait in order until their pixels fit, a full line is refused, a cancelled wait gives its place up.</summary>
public sealed class PixelBudgetTests
{
    [Fact]
    public async Task Photos_wait_in_order_until_their_pixels_fit_and_a_full_line_is_refused()
    {
        var budget = new PixelBudget(100, queue: 2);
        var first = await budget.TryTakeAsync(60, CancellationToken.None);
        Assert.NotNull(first);

        var big = budget.TryTakeAsync(50, CancellationToken.None).AsTask();      // 40 free: waits
        var small = budget.TryTakeAsync(10, CancellationToken.None).AsTask();    // would fit, but waits behind the first in line
        Assert.Null(await budget.TryTakeAsync(1, CancellationToken.None));        // two already waiting: refused at once
        await Task.Delay(50);
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);

        first!.Dispose();
        using var bigShare = await big.WaitAsync(TimeSpan.FromSeconds(5));
        using var smallShare = await small.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(bigShare);
        Assert.NotNull(smallShare);
    }

    [Fact]
    public async Task A_cancelled_wait_gives_its_place_and_its_pixels_up()
    {
        var budget = new PixelBudget(100, queue: 4);
        var held = await budget.TryTakeAsync(100, CancellationToken.None);
        using var give = new CancellationTokenSource();
        var abandoned = budget.TryTakeAsync(100, give.Token).AsTask();
        var next = budget.TryTakeAsync(30, CancellationToken.None).AsTask();
        await give.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        held!.Dispose();
        using var share = await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(share);
        using var rest = await budget.TryTakeAsync(70, CancellationToken.None);   // nothing leaked: 70 of 100 still free
        Assert.NotNull(rest);
    }

    [Fact]
    public void The_budget_must_hold_two_photos_of_the_largest_size()
    {
        var e = Assert.Throws<ArgumentException>(() => new UploadDecoder(new UploadOptions { MaxPixels = 1_000_000, MaxDecodedPixels = 1_500_000 }));
        Assert.Contains("two photos", e.Message, StringComparison.Ordinal);
    }
}
