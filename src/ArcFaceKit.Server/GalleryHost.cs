using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Server;

/// <summary>
/// Opens the gallery asynchronously when the host starts, before the server listens (hosted services start before
/// ASP.NET Core's own), so a bad store fails the start; the container closes it when the app stops.
/// </summary>
internal sealed class GalleryHost(ServerOptions options, FacePipeline pipeline) : IHostedService, IAsyncDisposable
{
    private FaceGallery? _gallery;

    public FaceGallery Gallery => _gallery ?? throw new InvalidOperationException("The gallery opens when the app starts; start it first.");

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _gallery ??= await Galleries.OpenAsync(options, pipeline.Embedder.Identity, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // Registered both as itself and as a hosted service: the container may dispose it twice.
        var gallery = Interlocked.Exchange(ref _gallery, null);
        if (gallery is not null)
        {
            await gallery.DisposeAsync();
        }
    }
}
