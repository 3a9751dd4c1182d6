using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Api;
using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Server.Videos;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Webhooks;
using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ArcFaceKit.Server;

/// <summary>
/// Builds the web application: HTTP mapped onto the library's <see cref="FacePipeline"/> and <see cref="FaceGallery"/>
/// (the same ones the CLI uses), with keys, limits, the /v1 API, OpenAPI and the page.
/// </summary>
public static class ServerApp
{
    /// <summary>
    /// Builds the app. Settings come from <paramref name="options"/> when given, else from configuration section
    /// "ArcFace" (command line --ArcFace:Store=postgres, environment ArcFace__Store, appsettings.json): everything that
    /// depends on them is resolved through DI, so a host that adds configuration late (WebApplicationFactory) works too.
    /// The models are opened before this returns, so a bad model or limit fails here with a clear error; the gallery opens
    /// when the app starts (<see cref="GalleryHost"/>), before it listens, so a bad store fails the start.
    /// </summary>
    public static WebApplication Create(string[] args, ServerOptions? options = null, Action<WebApplicationBuilder>? configure = null)
    {
        bool contentRootGiven = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRootGiven ? null : AppContext.BaseDirectory });

        // ASP.NET Core's own request logs carry whole URLs (subject names, keys sent in a query): RequestLog replaces them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        AddServices(builder.Services, options);
        configure?.Invoke(builder);

        var app = builder.Build();
        try
        {
            // Fail here, not at the first request: models and the upload budget's bounds.
            app.Services.GetRequiredService<GalleryService>();
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }

        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<RequestLog>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<ScopeCheck>();
        app.UseMiddleware<UploadForms>();
        app.MapOpenApi();

        var v1 = app.MapGroup("/v1");
        HealthEndpoints.Map(v1);
        FaceEndpoints.Map(v1);
        SubjectEndpoints.Map(v1);
        GroupEndpoints.Map(v1);
        CameraEndpoints.Map(v1);
        VideoEndpoints.Map(v1);
        EventEndpoints.Map(v1);
        WebhookEndpoints.Map(v1);
        return app;
    }

    private static void AddServices(IServiceCollection services, ServerOptions? options)
    {
        if (options is not null)
        {
            services.AddSingleton(options);
        }
        else
        {
            services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions());
        }

        // Singletons from factories: the container disposes the models and the gallery when the app stops.
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<ServerOptions>();
            settings.Validate();
            return FacePipeline.Open(settings.ModelsInForce(), settings.Pipeline);
        });
        services.AddSingleton(sp => new UploadDecoder(sp.GetRequiredService<ServerOptions>().Upload));
        services.AddSingleton(sp => new GalleryService(sp.GetRequiredService<FacePipeline>(), sp.GetRequiredService<ServerOptions>().Gallery, sp.GetRequiredService<UploadDecoder>()));
        services.AddSingleton<GalleryHost>();
        services.AddHostedService(sp => sp.GetRequiredService<GalleryHost>());
        services.AddSingleton<IFaceGallery>(sp => sp.GetRequiredService<GalleryHost>().Gallery);
        services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<GalleryHost>().Gallery);

        // Cameras start after the gallery opens (hosted services start in order) and stop before it closes; webhooks
        // start before the cameras and stop after them, so no event of theirs is missed.
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CameraEventHub>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<SnapshotStore>();
        services.AddHostedService(sp => sp.GetRequiredService<SnapshotStore>());
        services.AddSingleton<CameraManager>();
        services.AddHostedService(sp => sp.GetRequiredService<CameraManager>());
        services.AddSingleton<VideoJobs>();   // disposed by the container, which cancels its jobs and deletes their uploads
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemMapping.Explain);
        services.AddExceptionHandler<ProblemMapping>();
        services.AddOpenApi();

        // A request the framework cannot bind (k=abc, a body that is not JSON) is refused with the reason, as in development.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(json => JsonShapes.Configure(json.SerializerOptions));
        services.AddOptions<FormOptions>().Configure<ServerOptions>((form, o) =>
        {
            form.MultipartBodyLengthLimit = o.MaxUploadBytes;
            form.ValueCountLimit = o.MaxPhotosPerRequest + 32;     // parts beyond the photos and a few fields are refused while parsing
        });
        services.AddOptions<KestrelServerOptions>().Configure<ServerOptions>((kestrel, o) => kestrel.Limits.MaxRequestBodySize = o.MaxUploadBytes);
        services.AddSingleton<RateLimits>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<RateLimits>(ConfigureRateLimits);
    }

    /// <summary>The per-key token buckets guard every request; a refusal is a 429 problem with Retry-After.</summary>
    private static void ConfigureRateLimits(RateLimiterOptions limiter, RateLimits limits)
    {
        limiter.GlobalLimiter = limits.Limiter;
        limiter.OnRejected = async (context, cancellationToken) =>
        {
            context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.HttpContext.Response.Headers.RetryAfter = "1";
            await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails = { Status = 429, Title = "Too many requests", Detail = limits.Refusal },
            });
        };
    }
}
