using Npgsql;

namespace ArcFaceKit.TestSupport;

/// <summary>
/// A private PostgreSQL 15 (with pgvector) for the test run: initdb into a temporary folder, listening on 127.0.0.1
/// on a free port, stopped and deleted at the end. initdb refuses root, so as root it runs as the postgres user.
/// `.ci/install-pgvector.sh` installs what it needs. Compiled into the bench (its pgvector suite), whose copy the
/// server's tests use (they reference the bench for its load tester).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    /// <summary>pgvector's control file for PostgreSQL 15: present when the extension is installed, and it names its version.</summary>
    public const string PgvectorControl = "/usr/share/postgresql/15/extension/vector.control";

    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _folder;
    private readonly bool _asPostgresUser = Environment.UserName == "root";

    public PostgresServer()
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")) || !File.Exists(PgvectorControl))
        {
            throw new InvalidOperationException("PostgreSQL 15 with pgvector is not installed; run .ci/install-pgvector.sh (as root) first.");
        }

        _folder = Directory.CreateTempSubdirectory("arcface-pg-").FullName;
        if (_asPostgresUser)
        {
            Run("chown", ["postgres:postgres", _folder]);
        }

        Port = Ports.Free();
        string data = Path.Combine(_folder, "data");
        Run(Path.Combine(Bin, "initdb"), ["-D", data, "-U", "arcface", "--auth=trust", "-E", "UTF8", "--no-sync"], asPostgres: true);
        // max_connections 300: a test may hold three gallery nodes (a pool each), a server process and raw connections at once.
        Run(Path.Combine(Bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(_folder, "log"), "-w", "-o", $"-k {_folder} -p {Port} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300", "start"], asPostgres: true);
        ConnectionString = $"Host=127.0.0.1;Port={Port};Username=arcface;Database=postgres;Pooling=true;Maximum Pool Size=50";
    }

    public int Port { get; }

    public string ConnectionString { get; }

    /// <summary>The cluster's data directory (tables, TOAST, WAL), for tests that look at what PostgreSQL keeps on disk.</summary>
    public string DataDirectory => Path.Combine(_folder, "data");

    /// <summary>A new key file path (a gallery's per-subject keys), deleted with the server's folder.</summary>
    public string NewKeyFile() => Path.Combine(_folder, $"keys-{Guid.NewGuid():N}.bin");

    /// <summary>A new schema name, so every test has a gallery of its own.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..16];

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            Run(Path.Combine(Bin, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "stop"], asPostgres: true);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private void Run(string file, string[] args, bool asPostgres = false)
    {
        var (code, stdout, stderr) = asPostgres && _asPostgresUser
            ? ChildProcess.Run("runuser", ["-u", "postgres", "--", file, .. args], _folder)
            : ChildProcess.Run(file, args, _folder);
        if (code != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed: {stdout}{stderr}");
        }
    }
}
