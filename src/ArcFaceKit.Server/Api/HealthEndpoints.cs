using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ArcFaceKit.Server.Api;

/// <summary>Liveness for load balancers and the page: the one /v1 route without a key.</summary>
internal static class HealthEndpoints
{
    public static void Map(RouteGroupBuilder v1) =>
        v1.MapGet("/health", GetAsync).WithSummary("Liveness, the store kind and the model (no key needed).");

    public static async Task<Ok<HealthResponse>> GetAsync(IFaceGallery gallery, CancellationToken cancellationToken) =>
        TypedResults.Ok(new HealthResponse("ok", gallery.Kind, gallery.Model.ToString(), gallery.Model.Dimension, await gallery.CountFacesAsync(cancellationToken)));
}
