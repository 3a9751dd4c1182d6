using System.Threading.RateLimiting;
using ArcFaceKit.Server.Api;

namespace ArcFaceKit.Server.Security;

/// <summary>
/// A token bucket per API key: every request takes one token as it arrives, and a request that turns out to carry more
/// work (an enrolment of several photos) takes one more per extra photo once its form is read. Requests without a
/// valid key never get this far.
/// </summary>
internal sealed class RateLimits(ServerOptions options) : IDisposable
{
    public PartitionedRateLimiter<HttpContext> Limiter { get; } = PartitionedRateLimiter.Create<HttpContext, string>(http =>
        ApiKeyMiddleware.CallerOrNull(http) is { } key
            ? RateLimitPartition.GetTokenBucketLimiter(key.Id, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.RateLimitBurst,
                TokensPerPeriod = options.RateLimitPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("unauthenticated"));

    public string Refusal => $"This key may make {options.RateLimitPerSecond} requests a second (bursts of {options.RateLimitBurst}), each photo of an enrolment counting as one; retry shortly.";

    /// <summary>Takes <paramref name="tokens"/> more from the caller's bucket, or refuses the request with 429.</summary>
    public void Charge(HttpContext http, int tokens)
    {
        if (tokens <= 0)
        {
            return;
        }

        using var lease = Limiter.AttemptAcquire(http, tokens);
        if (!lease.IsAcquired)
        {
            throw new ApiProblem(StatusCodes.Status429TooManyRequests, "Too many requests", Refusal);
        }
    }

    public void Dispose() => Limiter.Dispose();
}
