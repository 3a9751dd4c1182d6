using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Text;
using ArcFaceKit.Search;
using Npgsql;

namespace ArcFaceKit.Gallery;

/// <summary>
/// A PostgreSQL gallery searched in the database (<see cref="PostgresSearch.Database"/>): beside the sealed rows,
/// pgvector tables hold plain half-precision copies of the subjects' faces (face_vectors), of the subjects' templates
/// (subject_vectors) and of the groups' templates (group_vectors), each with an HNSW index by inner product, written
/// in each write's transaction. Their foreign keys are checked at commit, so no write can commit while a copy
/// outlives the face, subject or group it copies. A search asks PostgreSQL for candidates (by HNSW from
/// <see cref="PgvectorOptions.ApproximateFrom"/> rows, else by an exact scan) with their copies, and
/// scores them here as the in-memory index does (<see cref="HalfDot"/> over the same half-precision values, templates
/// the same means), so both modes give the same scores and, wherever both search exactly, the same answers. No index
/// is held in memory. The copies are plain: docs/server.md says what of them PostgreSQL keeps after an erasure.
/// </summary>
internal sealed class PgvectorSearch(PostgresGalleryOptions options, SubjectSealing sealing) : IDatabaseSearch
{
    /// <summary>The meta entry of a gallery searched in the database.</summary>
    private const string MetaKey = "search";

    // An exact scan's order comes from pgvector's own sums, which may differ from HalfDot's in the last bits (about
    // 1e-4 at most for unit vectors): candidates are fetched until the n-th score here clears the last one fetched by more.
    private const float ScanError = 1e-3f;

    private static readonly Copies Faces = new("face_vectors", "embedding", "subject_id");
    private static readonly Copies SubjectTemplates = new("subject_vectors", "template", "id");
    private static readonly Copies GroupTemplates = new("group_vectors", "template", "id");

    private readonly int _width = Int8Kernels.RescoreWidth(Int8Kernels.Default);

    /// <summary>
    /// The search a gallery opens with: its own choice (recorded in meta) unless <see cref="PostgresGalleryOptions.Search"/>
    /// says otherwise. A gallery searched in the database and opened <see cref="PostgresSearch.InMemory"/> drops its
    /// copies here (the switch back); one searched in memory and opened <see cref="PostgresSearch.Database"/> with a model
    /// gets them in <see cref="PrepareAsync"/>. Null: searched in memory.
    /// </summary>
    public static async Task<PgvectorSearch?> ChooseAsync(NpgsqlDataSource source, PostgresGalleryOptions options, SubjectSealing sealing, bool withModel, CancellationToken cancellationToken)
    {
        await using var db = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        bool stored = await GalleryDb.ScalarAsync<bool>(db, null, cancellationToken, "SELECT to_regclass('meta') IS NOT NULL").ConfigureAwait(false)
            && await GalleryDb.ScalarAsync<string?>(db, null, cancellationToken, $"SELECT value FROM meta WHERE key = '{MetaKey}'").ConfigureAwait(false) == "database";
        var wanted = options.Search ?? (stored ? PostgresSearch.Database : PostgresSearch.InMemory);
        if (wanted == PostgresSearch.InMemory && stored)
        {
            await using var tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, "SELECT pg_advisory_xact_lock(hashtext('arcfacekit:' || @s))", ("s", options.Schema)).ConfigureAwait(false);
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, $"""
                DROP TABLE IF EXISTS face_vectors, subject_vectors, group_vectors;
                DROP INDEX IF EXISTS faces_id_subject;
                DELETE FROM meta WHERE key = '{MetaKey}';
                """).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (wanted == PostgresSearch.InMemory || (!stored && !withModel))
        {
            return null;   // a keys-only open of a gallery searched in memory leaves it so: making the copies needs the model's dimension
        }

        if (options.IndexFile is not null)
        {
            throw new GalleryException(GalleryError.Invalid, "A gallery searched in the database keeps no index in memory, so no index file (PostgresGalleryOptions.IndexFile, --index-file).");
        }

        return new PgvectorSearch(options, sealing);
    }

    public async Task PrepareAsync(DbConnection db, DbTransaction tx, int dimension, CancellationToken cancellationToken)
    {
        Task Run(string sql) => GalleryDb.ExecuteAsync(db, tx, cancellationToken, sql);
        if (dimension == 0)
        {
            return;   // keys and audit only: the copies exist (ChooseAsync), and writes of this open only delete
        }

        await Run($"""
            CREATE EXTENSION IF NOT EXISTS vector SCHEMA public;
            CREATE UNIQUE INDEX IF NOT EXISTS faces_id_subject ON faces(id, subject_id);
            CREATE TABLE IF NOT EXISTS face_vectors(id bigint PRIMARY KEY, subject_id bigint NOT NULL, embedding halfvec({dimension}) NOT NULL,
                FOREIGN KEY (id, subject_id) REFERENCES faces(id, subject_id) DEFERRABLE INITIALLY DEFERRED);
            CREATE INDEX IF NOT EXISTS face_vectors_subject ON face_vectors(subject_id);
            CREATE TABLE IF NOT EXISTS subject_vectors(id bigint PRIMARY KEY REFERENCES subjects(id) DEFERRABLE INITIALLY DEFERRED, template halfvec({dimension}) NOT NULL);
            CREATE TABLE IF NOT EXISTS group_vectors(id bigint PRIMARY KEY REFERENCES face_groups(id) DEFERRABLE INITIALLY DEFERRED, template halfvec({dimension}) NOT NULL);
            """).ConfigureAwait(false);
        if (await GalleryDb.ScalarAsync<string?>(db, tx, cancellationToken, $"SELECT value FROM meta WHERE key = '{MetaKey}'").ConfigureAwait(false) is null)
        {
            // A gallery searched in memory until now: every owner copied, then the graphs built in bulk (faster than one by one).
            var owners = new List<FaceOwner>();
            foreach (var (table, group) in new[] { ("subjects", false), ("face_groups", true) })
            {
                await using var cmd = GalleryDb.Command(db, tx, $"SELECT id FROM {table} ORDER BY id");
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    owners.Add(new FaceOwner(group, reader.GetInt64(0)));
                }
            }

            await WrittenAsync(db, tx, owners, cancellationToken).ConfigureAwait(false);
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, "INSERT INTO meta(key, value) VALUES (@k, 'database')", ("k", MetaKey)).ConfigureAwait(false);

            // The planner's row counts, which choose between the exact scan and HNSW, known from the start (autovacuum keeps them).
            await Run("ANALYZE face_vectors, subject_vectors, group_vectors").ConfigureAwait(false);
        }

        // The copies' foreign keys checked now: an index cannot be built over rows with checks pending.
        await Run("SET CONSTRAINTS ALL IMMEDIATE").ConfigureAwait(false);
        foreach (var copies in new[] { Faces, SubjectTemplates, GroupTemplates })
        {
            await Run($"CREATE INDEX IF NOT EXISTS {copies.Table}_hnsw ON {copies.Table} USING hnsw ({copies.Column} halfvec_ip_ops) WITH (m = {options.Pgvector.M}, ef_construction = {options.Pgvector.EfConstruction})").ConfigureAwait(false);
        }
    }

    public async Task WrittenAsync(DbConnection db, DbTransaction tx, IReadOnlyCollection<FaceOwner> owners, CancellationToken cancellationToken)
    {
        foreach (var owner in owners)
        {
            var faces = await OpenFacesAsync(db, tx, owner, cancellationToken).ConfigureAwait(false);
            if (!owner.IsGroup)
            {
                // Faces gone (or moved) lose their copies; new ones (or moved here) get one; the others are unchanged.
                long[] ids = [.. faces.Select(f => f.Id)];
                await GalleryDb.ExecuteAsync(db, tx, cancellationToken, "DELETE FROM face_vectors WHERE subject_id = @s AND id <> ALL(@i)", ("s", owner.Id), ("i", ids)).ConfigureAwait(false);
                var copied = new HashSet<long>();
                await using (var cmd = GalleryDb.Command(db, tx, "SELECT id FROM face_vectors WHERE subject_id = @s", ("s", owner.Id)))
                await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        copied.Add(reader.GetInt64(0));
                    }
                }

                var added = faces.Where(f => !copied.Contains(f.Id)).ToList();
                if (added.Count > 0)
                {
                    await GalleryDb.ExecuteAsync(db, tx, cancellationToken, """
                        INSERT INTO face_vectors(id, subject_id, embedding) SELECT i, @s, e::halfvec FROM unnest(@i::bigint[], @e::text[]) AS u(i, e)
                        ON CONFLICT (id) DO UPDATE SET subject_id = excluded.subject_id, embedding = excluded.embedding
                        """, ("s", owner.Id), ("i", added.Select(f => f.Id).ToArray()), ("e", added.Select(f => Literal(f.Embedding, half: true)).ToArray())).ConfigureAwait(false);
                }
            }

            // The template as the in-memory index computes it: the mean of the faces in id order.
            string table = owner.IsGroup ? GroupTemplates.Table : SubjectTemplates.Table;
            if (faces.Count == 0)
            {
                await GalleryDb.ExecuteAsync(db, tx, cancellationToken, $"DELETE FROM {table} WHERE id = @o", ("o", owner.Id)).ConfigureAwait(false);
            }
            else
            {
                string template = Literal(Templates.Mean(faces.Select(f => f.Embedding), faces[0].Embedding.Length), half: true);
                await GalleryDb.ExecuteAsync(db, tx, cancellationToken, $"INSERT INTO {table}(id, template) VALUES (@o, @t::halfvec) ON CONFLICT (id) DO UPDATE SET template = excluded.template",
                    ("o", owner.Id), ("t", template)).ConfigureAwait(false);
            }
        }
    }

    public async Task<int> CountFacesAsync(DbConnection db, CancellationToken cancellationToken) =>
        (int)await GalleryDb.ScalarAsync<long>(db, null, cancellationToken, "SELECT COUNT(*) FROM face_vectors").ConfigureAwait(false);

    public async Task<IReadOnlyList<FaceHit>> NearestFacesAsync(DbConnection db, float[] probe, int n, CancellationToken cancellationToken) =>
        [.. (await NearestAsync(db, null, Faces, probe, n, cancellationToken).ConfigureAwait(false)).Select(h => new FaceHit(h.Id, h.Owner, h.Similarity))];

    public async Task<IReadOnlyList<TemplateHit>> NearestTemplatesAsync(DbConnection db, float[] probe, int n, CancellationToken cancellationToken) =>
        [.. (await NearestAsync(db, null, SubjectTemplates, probe, n, cancellationToken).ConfigureAwait(false)).Select(h => new TemplateHit(h.Id, h.Similarity))];

    public async Task<TemplateHit?> NearestGroupAsync(DbConnection db, DbTransaction tx, float[] probe, CancellationToken cancellationToken) =>
        (await NearestAsync(db, tx, GroupTemplates, probe, 1, cancellationToken).ConfigureAwait(false)) is [var hit, ..] ? new TemplateHit(hit.Id, hit.Similarity) : null;

    public async Task<IReadOnlyList<SubjectMatch>> ScoreAsync(DbConnection db, float[] probe, IReadOnlyCollection<long> subjects, CancellationToken cancellationToken)
    {
        long[] ids = [.. subjects];
        var faces = new Dictionary<long, (long Id, float Similarity)>();
        await using (var cmd = GalleryDb.Command(db, null, "SELECT subject_id, id, halfvec_send(embedding) FROM face_vectors WHERE subject_id = ANY(@s) ORDER BY subject_id, id", ("s", ids)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // In id order, the first of equal scores stays: the face the in-memory index names.
                long subject = reader.GetInt64(0);
                float similarity = Score(reader, 2, probe);
                if (!faces.TryGetValue(subject, out var best) || similarity > best.Similarity)
                {
                    faces[subject] = (reader.GetInt64(1), similarity);
                }
            }
        }

        var templates = new Dictionary<long, (string Name, float Similarity)>();
        await using (var cmd = GalleryDb.Command(db, null, "SELECT t.id, s.name, halfvec_send(t.template) FROM subject_vectors t JOIN subjects s ON s.id = t.id WHERE t.id = ANY(@s)", ("s", ids)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                templates[reader.GetInt64(0)] = (reader.GetString(1), Score(reader, 2, probe));
            }
        }

        return [.. ids.Where(id => templates.ContainsKey(id) && faces.ContainsKey(id))
            .Select(id => new SubjectMatch(templates[id].Name, faces[id].Similarity, faces[id].Id, faces[id].Similarity, templates[id].Similarity))];
    }

    /// <summary>
    /// The n rows nearest the probe, scored here, best first (ties by id, as the in-memory index orders them): through
    /// the HNSW index (its ef_search candidates, at least n, re-scored) once PostgreSQL counts at least
    /// <see cref="PgvectorOptions.ApproximateFrom"/> rows, else by an exact scan.
    /// </summary>
    private async Task<List<(long Id, long Owner, float Similarity)>> NearestAsync(DbConnection db, DbTransaction? tx, Copies copies, float[] probe, int n, CancellationToken cancellationToken)
    {
        float rows = await GalleryDb.ScalarAsync<float>(db, tx, cancellationToken, "SELECT reltuples FROM pg_class WHERE oid = @t::regclass", ("t", copies.Table)).ConfigureAwait(false);
        bool approximate = options.Pgvector.ApproximateFrom > 0 && rows >= options.Pgvector.ApproximateFrom;
        if (approximate)
        {
            int take = Math.Max(n, options.Pgvector.EfSearch);
            await using var own = tx is null ? await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
            var inTx = tx ?? own;

            // ef_search stops at 1,000 in pgvector; past it, iterative scans go on until the LIMIT is met.
            await GalleryDb.ExecuteAsync(db, inTx, cancellationToken, FormattableString.Invariant(
                $"SET LOCAL hnsw.ef_search = {Math.Min(take, 1000)}; SET LOCAL hnsw.iterative_scan = {(take > 1000 ? "relaxed_order" : "off")}")).ConfigureAwait(false);
            var found = await CandidatesAsync(db, inTx, copies, $"ORDER BY {copies.Column} <#> @q::halfvec LIMIT @n", probe, take, cancellationToken).ConfigureAwait(false);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return Best(found, n);
        }

        // The stored copy widened to vector keeps the index out and the probe whole: PostgreSQL scans every row.
        for (int take = n + 16; ; take *= 4)
        {
            var found = await CandidatesAsync(db, tx, copies, $"ORDER BY {copies.Column}::vector <#> @q::vector LIMIT @n", probe, take, cancellationToken).ConfigureAwait(false);
            var best = Best(found, n);
            if (found.Count < take || best.Count == 0 || best[^1].Similarity > found.Min(f => f.Similarity) + ScanError)
            {
                return best;
            }
        }
    }

    private async Task<List<(long Id, long Owner, float Similarity)>> CandidatesAsync(DbConnection db, DbTransaction? tx, Copies copies, string order, float[] probe, int take, CancellationToken cancellationToken)
    {
        var found = new List<(long, long, float)>(take);
        await using var cmd = GalleryDb.Command(db, tx, $"SELECT id, {copies.Owner}, halfvec_send({copies.Column}) FROM {copies.Table} {order}",
            ("q", Literal(probe, half: false)), ("n", take));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add((reader.GetInt64(0), reader.GetInt64(1), Score(reader, 2, probe)));
        }

        return found;
    }

    private static List<(long Id, long Owner, float Similarity)> Best(List<(long Id, long Owner, float Similarity)> found, int n) =>
        [.. found.OrderByDescending(f => f.Similarity).ThenBy(f => f.Id).Take(n)];

    /// <summary>The similarity of a copy (halfvec_send: dimension, a reserved int16, then each value's bits, big-endian) to the probe, as the in-memory index scores it.</summary>
    private float Score(DbDataReader reader, int ordinal, float[] probe)
    {
        byte[] sent = (byte[])reader.GetValue(ordinal);
        int dimension = BinaryPrimitives.ReadInt16BigEndian(sent);
        var copy = new Half[dimension];
        for (int i = 0; i < dimension; i++)
        {
            copy[i] = BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(4 + (2 * i))));
        }

        return HalfDot.Dot(copy, probe, _width);
    }

    /// <summary>An owner's faces in id order, unsealed; none when its key is destroyed (an erasure not yet finished: its rows go when it is repeated).</summary>
    private async Task<List<(long Id, float[] Embedding)>> OpenFacesAsync(DbConnection db, DbTransaction tx, FaceOwner owner, CancellationToken cancellationToken)
    {
        var faces = new List<(long, float[])>();
        await using var cmd = GalleryDb.Command(db, tx, $"SELECT id, embedding FROM faces WHERE {owner.Column} = @o ORDER BY id", ("o", owner.Id));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                faces.Add((reader.GetInt64(0), sealing.OpenFloats(owner.Id, (byte[])reader.GetValue(1))));
            }
        }
        catch (SubjectErasedException)
        {
            faces.Clear();
        }

        return faces;
    }

    /// <summary>
    /// A vector as pgvector reads it: in half precision (each value rounded as the in-memory index rounds it, then written
    /// exactly, so PostgreSQL stores the same bits), or whole (a probe).
    /// </summary>
    private static string Literal(float[] vector, bool half)
    {
        var text = new StringBuilder("[", vector.Length * 12);
        for (int i = 0; i < vector.Length; i++)
        {
            float value = half ? (float)(Half)vector[i] : vector[i];
            text.Append(i == 0 ? "" : ",").Append(value.ToString("R", CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }

    /// <summary>A table of copies: its vector column, and the column naming the row's owner (a face's subject; a template's own id).</summary>
    private sealed record Copies(string Table, string Column, string Owner);
}
