using System.Threading.RateLimiting;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Recognition;
using ArcFaceKit.Server.Api;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace ArcFaceKit.Server;

/// <summary>Builds the web application: the pipeline, the store, keys, limits, the /v1 API, OpenAPI and the page.</summary>
public static class ServerApp
{
    public static WebApplication Create(ServerOptions options, string[]? args = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [], ContentRootPath = AppContext.BaseDirectory });
        var analyzer = OpenAnalyzer(options);
        IFaceStore store;
        try
        {
            store = Stores.Open(options, analyzer.Pipeline.Embedder.Identity);
        }
        catch
        {
            analyzer.Dispose();
            throw;
        }

        builder.Services.AddSingleton(options);
        // Factories, so the container disposes the models and the store when the app stops.
        builder.Services.AddSingleton(_ => analyzer);
        builder.Services.AddSingleton(_ => store);
        builder.Services.AddSingleton(_ => Stores.Keys(store));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemMapping>();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals);
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = options.MaxUploadBytes);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                ApiKeyMiddleware.CallerOrNull(http) is { } key
                    ? RateLimitPartition.GetTokenBucketLimiter(key.Id, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.RateLimitBurst,
                        TokensPerPeriod = options.RateLimitPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter("unauthenticated"));
            limiter.OnRejected = async (context, cancel) =>
            {
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = 429, Title = "Too many requests", Detail = $"This key may make {options.RateLimitPerSecond} requests a second (bursts of {options.RateLimitBurst}); retry shortly." },
                });
            };
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        app.MapOpenApi();

        var v1 = app.MapGroup("/v1");
        v1.MapGet("/health", (IFaceStore s, FaceAnalyzer a) =>
            new HealthResponse("ok", s.Kind, a.Pipeline.Embedder.Identity.ToString(), a.Pipeline.Embedder.Identity.Dimension, s.FaceCount))
            .WithSummary("Liveness, the store kind and the model (no key needed).");
        FaceEndpoints.Map(v1);
        SubjectEndpoints.Map(v1);
        return app;
    }

    private static FaceAnalyzer OpenAnalyzer(ServerOptions options)
    {
        var detector = FaceDetectors.Open(options.Detector ?? ModelStore.DefaultDetector(), new DetectorOptions { InputSize = options.DetectorInputSize });
        try
        {
            var embedder = OnnxFaceEmbedder.Open(options.Embedder ?? ModelStore.DefaultEmbedder());
            return new FaceAnalyzer(new FacePipeline(detector, embedder), new DecodeOptions { MaxPixels = options.MaxPixels });
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }
}
