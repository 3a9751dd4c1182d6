using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Tests.Support;
using Npgsql;

namespace ArcFaceKit.Server.Tests;

/// <summary>The cameras kept in the gallery's store (schema 5), on both stores: kept across opens, sealed where the store seals, gone when deleted.</summary>
public abstract class CameraStoreTests : IAsyncDisposable
{
    protected const string Password = "cam-Pa55word-Zq";
    private readonly List<IFaceGallery> _opened = [];

    private protected abstract Task<IFaceGallery> OpenGalleryAsync();

    private protected async Task<ICameraStore> Open()
    {
        var gallery = await OpenGalleryAsync();
        _opened.Add(gallery);
        return (ICameraStore)gallery;
    }

    private protected static StoredCamera Camera(string name, string source) => new(name, source, """{"fps":5}""", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_camera_is_kept_across_opens_changed_refused_twice_and_deleted()
    {
        var store = await Open();
        await store.AddCameraAsync(Camera("door", $"rtsp://u:{Password}@10.0.0.1/s"), "k1");
        Assert.Equal(GalleryError.Conflict, (await Assert.ThrowsAsync<GalleryException>(() => store.AddCameraAsync(Camera("door", "rtsp://10.0.0.2/s"), "k1"))).Error);
        Assert.True(await store.UpdateCameraAsync(Camera("door", $"rtsp://u:{Password}@10.0.0.3/s") with { Settings = """{"fps":2}""" }, "k1"));
        Assert.False(await store.UpdateCameraAsync(Camera("hall", "rtsp://10.0.0.4/s"), "k1"));
        await DisposeAsync();

        var again = await Open();
        var door = Assert.Single(await again.ListCamerasAsync());
        Assert.Equal(("door", $"rtsp://u:{Password}@10.0.0.3/s", """{"fps":2}"""), (door.Name, door.Source, door.Settings));
        Assert.True(await again.DeleteCameraAsync("door", "k2"));
        Assert.False(await again.DeleteCameraAsync("door", "k2"));
        Assert.Null(await again.FindCameraAsync("door"));
        Assert.Contains(await ((IFaceGallery)again).ReadAuditAsync(10), a => a.Action == "camera.delete" && a.Detail == "door");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gallery in _opened)
        {
            await gallery.DisposeAsync();
        }

        _opened.Clear();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteCameraStoreTests : CameraStoreTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-camstore-").FullName;

    private string File => Path.Combine(_folder, "c.db");

    private protected override Task<IFaceGallery> OpenGalleryAsync() => SqliteGallery.OpenAsync(File, TestModels.Model);

    [Fact]
    public async Task A_deleted_cameras_credentials_are_overwritten_in_the_file_and_its_log()
    {
        var store = await Open();
        await store.AddCameraAsync(Camera("door", $"rtsp://u:{Password}@10.0.0.1/s"), "k1");
        string[] files = [File, File + "-wal"];
        Assert.True(ErasureScan.Found(files.Where(System.IO.File.Exists), [ErasureScan.Text(Password)]) > 0);   // the scan sees it while kept
        Assert.True(await store.DeleteCameraAsync("door", "k1"));
        Assert.Equal(0, ErasureScan.Found(files.Where(System.IO.File.Exists), [ErasureScan.Text(Password)]));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCameraStoreTests(PostgresServer server) : CameraStoreTests
{
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly string _keys = server.NewKeyFile();

    private protected override Task<IFaceGallery> OpenGalleryAsync() =>
        PostgresGallery.OpenAsync(new PostgresGalleryOptions(server.ConnectionString) { Schema = _schema, KeyFile = _keys }, TestModels.Model);

    [Fact]
    public async Task A_cameras_source_is_sealed_in_the_database()
    {
        var store = await Open();
        await store.AddCameraAsync(Camera("door", $"rtsp://u:{Password}@10.0.0.1/s"), "k1");
        await using var db = new NpgsqlConnection(server.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT source FROM \"{_schema}\".cameras", db);
        var stored = (byte[])(await cmd.ExecuteScalarAsync())!;
        Assert.DoesNotContain(Password, System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.Equal($"rtsp://u:{Password}@10.0.0.1/s", (await store.FindCameraAsync("door"))!.Source);
    }
}
