using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Tests.Support;
using Npgsql;

namespace ArcFaceKit.Server.Tests;

/// <summary>
/// The cameras (schema 5) and their webhooks (schema 6) kept in the gallery's store, on both stores: kept across opens,
/// sealed where the store seals, gone when deleted.
/// </summary>
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

    private protected static StoredWebhook Webhook(string key, string url) => new(0, key, url, """{"kinds":["arrived"]}""", $"whsec-{Password}",
        DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));   // whole seconds: PostgreSQL keeps microseconds

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

    [Fact]
    public async Task A_webhook_is_kept_across_opens_with_its_secret_and_deleted()
    {
        var store = (IWebhookStore)await Open();
        var first = await store.AddWebhookAsync(Webhook("k1", "http://127.0.0.1:9/hook"), "k1");
        var second = await store.AddWebhookAsync(Webhook("k2", "https://hooks.example/in?token=t"), "k2");
        Assert.True(first.Id > 0 && second.Id != first.Id, $"{first.Id}, {second.Id}");
        await DisposeAsync();

        var again = (IWebhookStore)await Open();
        Assert.Equal([first, second], await again.ListWebhooksAsync());
        Assert.True(await again.DeleteWebhookAsync(first.Id, "k1"));
        Assert.False(await again.DeleteWebhookAsync(first.Id, "k1"));
        Assert.Equal([second], await again.ListWebhooksAsync());
        Assert.Contains(await ((IFaceGallery)again).ReadAuditAsync(10), a => a.Action == "webhook.delete" && a.Detail == $"webhook {first.Id}");
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

    [Fact]
    public async Task A_deleted_webhooks_secret_is_overwritten_in_the_file_and_its_log()
    {
        var store = (IWebhookStore)await Open();
        var hook = await store.AddWebhookAsync(Webhook("k1", "http://127.0.0.1:9/hook"), "k1");
        string[] files = [File, File + "-wal"];
        Assert.True(ErasureScan.Found(files.Where(System.IO.File.Exists), [ErasureScan.Text(Password)]) > 0);
        Assert.True(await store.DeleteWebhookAsync(hook.Id, "k1"));
        Assert.Equal(0, ErasureScan.Found(files.Where(System.IO.File.Exists), [ErasureScan.Text(Password)]));
    }

    [Fact]
    public async Task A_schema_5_file_gets_the_webhooks_table_when_opened()
    {
        await using (var gallery = await OpenGalleryAsync())
        {
            await ((ICameraStore)gallery).AddCameraAsync(Camera("door", "rtsp://10.0.0.1/s"), "k1");
        }

        // The file as schema 5 wrote it: no webhooks table, version 5 recorded.
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={File};Pooling=False"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "DROP TABLE webhooks; UPDATE meta SET value = '5' WHERE key = 'schema'";
            await cmd.ExecuteNonQueryAsync();
        }

        var store = await Open();
        Assert.Single(await store.ListCamerasAsync());
        Assert.Empty(await ((IWebhookStore)store).ListWebhooksAsync());
        await ((IWebhookStore)store).AddWebhookAsync(Webhook("k1", "http://127.0.0.1:9/hook"), "k1");
        await using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={File};Mode=ReadOnly;Pooling=False");
        await check.OpenAsync();
        await using var version = check.CreateCommand();
        version.CommandText = "SELECT value FROM meta WHERE key = 'schema'";
        Assert.Equal(FaceGallery.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), await version.ExecuteScalarAsync());
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

    [Fact]
    public async Task A_webhooks_secret_is_sealed_in_the_database()
    {
        var store = (IWebhookStore)await Open();
        var hook = await store.AddWebhookAsync(Webhook("k1", "http://127.0.0.1:9/hook"), "k1");
        await using var db = new NpgsqlConnection(server.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT secret FROM \"{_schema}\".webhooks", db);
        var stored = (byte[])(await cmd.ExecuteScalarAsync())!;
        Assert.DoesNotContain(Password, System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.Equal($"whsec-{Password}", Assert.Single(await store.ListWebhooksAsync()).Secret);
        Assert.Equal(hook, Assert.Single(await store.ListWebhooksAsync()));
    }
}
