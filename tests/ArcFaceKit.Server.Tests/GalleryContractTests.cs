using ArcFaceKit.Bench;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;

namespace ArcFaceKit.Server.Tests;

/// <summary>The behaviour every gallery backend must have; run against SQLite and against PostgreSQL + pgvector.</summary>
public abstract class GalleryContractTests : IAsyncDisposable
{
    private static readonly Lazy<Dictionary<string, NewFace>> Faces = new(() => new[]
    {
        "Abel_Pacheco_0001.jpg", "Abel_Pacheco_0002.jpg", "Abel_Pacheco_0004.jpg", "Dean_Barker_0001.jpg",
        "Aaron_Eckhart_0001.jpg", "AJ_Lamas_0001.jpg", "Aaron_Guiel_0001.jpg",
    }.ToDictionary(f => f, TestModels.Face));

    private readonly List<FaceGallery> _opened = [];

    /// <summary>Opens the test's gallery (the same one on every call) for <paramref name="model"/>, or keys-only for null.</summary>
    private protected abstract Task<IFaceGallery> OpenGalleryAsync(ModelIdentity? model);

    /// <summary>The index file the test's gallery keeps.</summary>
    protected abstract string IndexFile { get; }

    /// <summary>The library's gallery type, which the backends return: the tests reach its keys and index probes.</summary>
    private protected async Task<FaceGallery> Open(ModelIdentity? model = null)
    {
        var gallery = (FaceGallery)await OpenGalleryAsync(model ?? TestModels.Model);
        _opened.Add(gallery);
        return gallery;
    }

    protected static NewFace Face(string file) => Faces.Value[file];

    protected static float[] Probe(string file) => Face(file).Embedding;

    private static async Task<GalleryError> Refused(Func<Task> action) => (await Assert.ThrowsAsync<GalleryException>(action)).Error;

    [Fact]
    public async Task Subjects_are_created_listed_renamed_and_deleted()
    {
        var store = await Open();
        Assert.Equal("alice", (await store.CreateSubjectAsync("alice", "k1")).Name);
        await store.CreateSubjectAsync("bob", "k1");
        Assert.Equal(GalleryError.Conflict, await Refused(() => store.CreateSubjectAsync("alice", "k1")));
        Assert.Equal(["alice", "bob"], (await store.ListSubjectsAsync()).Select(s => s.Name));

        Assert.Equal("carol", (await store.RenameSubjectAsync("alice", "carol", "k1")).Name);
        Assert.Null(await store.GetSubjectAsync("alice"));
        Assert.Equal(GalleryError.Conflict, await Refused(() => store.RenameSubjectAsync("carol", "bob", "k1")));
        Assert.Equal(GalleryError.NotFound, await Refused(() => store.RenameSubjectAsync("nobody", "x", "k1")));

        Assert.True(await store.DeleteSubjectAsync("carol", "k1"));
        Assert.False(await store.DeleteSubjectAsync("carol", "k1"));
        Assert.Equal(["bob"], (await store.ListSubjectsAsync()).Select(s => s.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" padded ")]
    [InlineData("line\nbreak")]
    [InlineData("a/b")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("evil\u202Egnp.exe")]
    [InlineData("zero\u200Bwidth")]
    public async Task Bad_subject_names_are_refused(string name)
    {
        var store = await Open();
        Assert.Equal(GalleryError.Invalid, await Refused(() => store.CreateSubjectAsync(name, "k1")));
        Assert.Equal(GalleryError.Invalid, await Refused(() => store.AddFacesAsync(name, [Face("Abel_Pacheco_0001.jpg")], "k1")));
    }

    [Fact]
    public async Task Look_alike_spellings_are_one_subject_stored_in_nfc()
    {
        var store = await Open();
        await store.AddFacesAsync("Zo\u00E9", [Face("Abel_Pacheco_0001.jpg")], "k1");           // composed
        await store.AddFacesAsync("Zoe\u0301", [Face("Abel_Pacheco_0002.jpg")], "k1");          // decomposed
        var subject = Assert.Single(await store.ListSubjectsAsync());
        Assert.Equal(("Zo\u00E9", 2), (subject.Name, subject.FaceCount));
        Assert.Equal(GalleryError.Conflict, await Refused(() => store.CreateSubjectAsync("Zoe\u0301", "k1")));
        Assert.True(await store.DeleteSubjectAsync("Zoe\u0301", "k1"));
    }

    [Fact]
    public async Task Enrolled_faces_are_found_by_another_photo_of_the_same_person()
    {
        var store = await Open();
        var added = await store.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        Assert.Equal(2, added.Count);
        await store.AddFacesAsync("dean", [Face("Dean_Barker_0001.jpg")], "k1");
        await store.AddFacesAsync("aaron", [Face("Aaron_Eckhart_0001.jpg")], "k1");

        var hits = await store.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 5, SubjectScoring.BestFace);
        Assert.Equal("abel", hits[0].Subject);
        Assert.Contains(hits[0].FaceId, added.Select(f => f.Id));
        Assert.True(hits[0].Similarity > 0.5f, $"same person scored {hits[0].Similarity}");
        Assert.Equal(3, hits.Count);                                   // each subject once, by its best face
        Assert.Equal(hits.Count, hits.Select(h => h.Subject).Distinct().Count());
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity));

        var best = (await store.ScoreSubjectAsync("abel", Probe("Abel_Pacheco_0004.jpg"), SubjectScoring.BestFace))!;
        Assert.Equal(hits[0].FaceId, best.FaceId);
        Assert.Equal(hits[0].Similarity, best.Similarity, 4);
        Assert.Equal(GalleryError.NotFound, await Refused(() => store.ScoreSubjectAsync("nobody", Probe("Abel_Pacheco_0004.jpg"), SubjectScoring.BestFace)));

        // Every scoring rule ranks the same person first here, and reports both component scores.
        foreach (var scoring in Enum.GetValues<SubjectScoring>())
        {
            var top = (await store.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 3, scoring))[0];
            Assert.Equal("abel", top.Subject);
            Assert.Equal(hits[0].FaceSimilarity, top.FaceSimilarity, 4);
            Assert.True(top.TemplateSimilarity > 0.5f);
        }
    }

    [Fact]
    public async Task Unnamed_faces_are_grouped_split_merged_named_and_erased_and_never_proposed_by_search()
    {
        var store = await Open();
        float threshold = TestModels.GroupThreshold;
        var abel1 = await store.AddToGroupsAsync(Face("Abel_Pacheco_0001.jpg"), threshold, "k1");
        var abel2 = await store.AddToGroupsAsync(Face("Abel_Pacheco_0002.jpg") with { Source = "two.jpg" }, threshold, "k1");
        var dean = await store.AddToGroupsAsync(Face("Dean_Barker_0001.jpg"), threshold, "k1");
        Assert.Equal(abel1.Group, abel2.Group);
        Assert.NotEqual(abel1.Group, dean.Group);
        var groups = await store.ListGroupsAsync();
        Assert.Equal([abel1.Group, dean.Group], groups.Select(g => g.Id));                 // largest first
        Assert.Equal([abel1.Id, abel2.Id], groups[0].Faces.Select(f => f.Id));
        Assert.Equal("two.jpg", groups[0].Faces[1].Source);
        Assert.Contains(groups[0].Representative, groups[0].Faces.Select(f => f.Id));
        Assert.NotNull(await store.GetGroupFaceCropAsync(abel1.Group, abel1.Id));
        Assert.Null(await store.GetGroupFaceCropAsync(dean.Group, abel1.Id));

        // Not subjects: not listed, not counted, never proposed by a search.
        Assert.Empty(await store.ListSubjectsAsync());
        Assert.Equal(0, await store.CountFacesAsync());
        Assert.Empty(await store.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 5, SubjectScoring.Both));

        var split = await store.SplitFaceAsync(abel1.Group, abel2.Id, "k1");
        Assert.Equal([abel2.Id], split.Faces.Select(f => f.Id));
        Assert.Equal([abel1.Id], (await store.GetGroupAsync(abel1.Group))!.Faces.Select(f => f.Id));
        Assert.Equal(split.Id, (await store.SplitFaceAsync(split.Id, abel2.Id, "k1")).Id);   // alone already: stays
        var merged = await store.MergeGroupsAsync(abel1.Group, split.Id, "k1");
        Assert.Equal([abel1.Id, abel2.Id], merged.Faces.Select(f => f.Id));
        Assert.Null(await store.GetGroupAsync(split.Id));
        Assert.Equal(GalleryError.NotFound, await Refused(() => store.MergeGroupsAsync(abel1.Group, split.Id, "k1")));
        Assert.Equal(GalleryError.Invalid, await Refused(() => store.MergeGroupsAsync(abel1.Group, abel1.Group, "k1")));

        // Naming enrolls the group's faces (same ids) for the subject, in one step; naming into an existing subject adds to it.
        var abel = await store.NameGroupAsync(abel1.Group, "abel", "k2");
        Assert.Equal(("abel", 2), (abel.Name, abel.FaceCount));
        Assert.Equal([dean.Group], (await store.ListGroupsAsync()).Select(g => g.Id));
        Assert.Equal("abel", (await store.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 1, SubjectScoring.BestFace))[0].Subject);
        Assert.NotNull(await store.GetFaceCropAsync("abel", abel2.Id));
        var abel4 = await store.AddToGroupsAsync(Face("Abel_Pacheco_0004.jpg"), threshold, "k1");
        Assert.Equal(3, (await store.NameGroupAsync(abel4.Group, "abel", "k2")).FaceCount);
        Assert.Equal(GalleryError.Invalid, await Refused(() => store.NameGroupAsync(dean.Group, "a/b", "k2")));

        // A fresh open (index from the database or its file) has the same groups and still searches subjects only.
        var reopened = await Open();
        Assert.Equal([dean.Group], (await reopened.ListGroupsAsync()).Select(g => g.Id));
        Assert.Equal(3, await reopened.CountFacesAsync());

        Assert.True(await store.DeleteGroupAsync(dean.Group, "k2"));
        Assert.False(await store.DeleteGroupAsync(dean.Group, "k2"));
        Assert.Empty(await store.ListGroupsAsync());
        Assert.Null(await store.GetGroupFaceCropAsync(dean.Group, dean.Id));
        var audit = (await store.ReadAuditAsync(20)).Select(a => a.Action).ToList();
        Assert.Equal(["group.delete", "group.name", "group.add", "group.name", "group.merge", "group.split", "group.add", "group.add", "group.add"], audit);
    }

    [Fact]
    public async Task An_empty_store_finds_nobody()
    {
        var store = await Open();
        Assert.Empty(await store.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 3, SubjectScoring.BestFace));
        await store.CreateSubjectAsync("empty", "k1");
        foreach (var scoring in Enum.GetValues<SubjectScoring>())
        {
            Assert.Empty(await store.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 3, scoring));
        }

        Assert.Null(await store.ScoreSubjectAsync("empty", Probe("Abel_Pacheco_0004.jpg"), SubjectScoring.BestFace));
    }

    [Fact]
    public async Task Faces_are_listed_served_as_png_and_deleted_one_by_one()
    {
        var store = await Open();
        var added = await store.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        Assert.Equal(added.Select(f => f.Id), (await store.ListFacesAsync("abel")).Select(f => f.Id));
        byte[] png = (await store.GetFaceCropAsync("abel", added[0].Id))!;
        Assert.Equal(Face("Abel_Pacheco_0001.jpg").CropPng, png);
        Assert.Null(await store.GetFaceCropAsync("dean", added[0].Id));

        Assert.True(await store.DeleteFaceAsync("abel", added[0].Id, "k1"));
        Assert.False(await store.DeleteFaceAsync("abel", added[0].Id, "k1"));
        Assert.Equal([added[1].Id], (await store.ListFacesAsync("abel")).Select(f => f.Id));
        Assert.Equal(1, await store.CountFacesAsync());
        Assert.DoesNotContain(await store.SearchAsync(Probe("Abel_Pacheco_0001.jpg"), 5, SubjectScoring.BestFace), h => h.FaceId == added[0].Id);

        // The template follows the faces: with one face left, it is that face.
        var left = (await store.ScoreSubjectAsync("abel", Probe("Abel_Pacheco_0002.jpg"), SubjectScoring.MeanTemplate))!;
        Assert.Equal(1f, left.Similarity, 4);
        Assert.Equal(GalleryError.NotFound, await Refused(() => store.ListFacesAsync("nobody")));
    }

    [Fact]
    public async Task Deleting_a_subject_erases_every_embedding_and_crop_and_is_audited()
    {
        var store = await Open();
        var abel = await store.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "writer-1");
        await store.AddFacesAsync("dean", [Face("Dean_Barker_0001.jpg")], "writer-1");

        Assert.True(await store.DeleteSubjectAsync("abel", "writer-2"));
        Assert.Equal(1, await store.CountFacesAsync());
        foreach (var f in abel)
        {
            Assert.Null(await store.GetFaceCropAsync("abel", f.Id));
        }

        Assert.All(await store.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 10, SubjectScoring.Both), h => Assert.Equal("dean", h.Subject));

        // Gone for good: a fresh open (index rebuilt from the database) does not bring it back.
        var reopened = await Open();
        Assert.Equal(1, await reopened.CountFacesAsync());
        Assert.Null(await reopened.GetSubjectAsync("abel"));

        var audit = await store.ReadAuditAsync(10);
        Assert.Equal(("subject.delete", "writer-2"), (audit[0].Action, audit[0].Actor));
        Assert.Equal(audit[0].Subject, audit[2].Subject);
        Assert.DoesNotContain(audit, a => a.Subject == "abel");
        Assert.Equal(("face.add", "writer-1", "dean"), (audit[1].Action, audit[1].Actor, audit[1].Subject));
    }

    [Fact]
    public async Task A_retried_enrolment_with_its_request_key_adds_nothing_even_when_it_races_the_first()
    {
        var store = await Open();
        NewFace[] abel = [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")];
        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.AddFacesOnceAsync("abel", abel, "k1", "req-1")));
        Assert.Single(attempts, a => !a.Replayed);
        Assert.All(attempts, a => Assert.Equal(attempts[0].Faces.Select(f => f.Id), a.Faces.Select(f => f.Id)));
        Assert.Equal(2, await store.CountFacesAsync());

        var found = await store.FindAddedFacesAsync("abel", "k1", "req-1");
        Assert.Equal(attempts[0].Faces.Select(f => f.Id), found!.Faces.Select(f => f.Id));
        Assert.Null(await store.FindAddedFacesAsync("abel", "k2", "req-1"));                  // keys belong to their caller
        Assert.Equal(GalleryError.Conflict, await Refused(() => store.AddFacesOnceAsync("dean", [Face("Dean_Barker_0001.jpg")], "k1", "req-1")));
        Assert.Equal(GalleryError.Invalid, await Refused(() => store.AddFacesOnceAsync("abel", abel, "k1", "has space")));
        Assert.False((await store.AddFacesOnceAsync("abel", abel, "k2", "req-1")).Replayed);
        Assert.Equal(4, await store.CountFacesAsync());

        // Erasing the subject forgets its request keys with it.
        Assert.True(await store.DeleteSubjectAsync("abel", "k1"));
        Assert.Null(await store.FindAddedFacesAsync("abel", "k1", "req-1"));
    }

    [Fact]
    public async Task Two_galleries_on_one_store_see_each_others_writes_at_once()
    {
        // As two API nodes (or the server and the CLI): separate connections and separate in-memory indexes.
        var a = await Open();
        var b = await Open();
        await a.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        Assert.Equal("abel", (await b.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 1, SubjectScoring.Both))[0].Subject);
        Assert.Equal(2, await b.CountFacesAsync());

        // One face deleted through a (on PostgreSQL the other is re-sealed under a new key): b still reads the other.
        var faces = await b.ListFacesAsync("abel");
        Assert.True(await a.DeleteFaceAsync("abel", faces[0].Id, "k1"));
        Assert.Equal(1, await b.CountFacesAsync());
        Assert.NotNull(await b.GetFaceCropAsync("abel", faces[1].Id));
        Assert.Equal("abel", (await b.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 1, SubjectScoring.Both))[0].Subject);

        Assert.True(await b.DeleteSubjectAsync("abel", "k2"));
        Assert.Empty(await a.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 1, SubjectScoring.Both));
        Assert.Equal(0, await a.CountFacesAsync());
    }

    [Fact]
    public async Task A_reopened_store_has_every_face_and_searches_the_same()
    {
        var store = await Open();
        await store.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg")], "k1");
        await store.AddFacesAsync("dean", [Face("Dean_Barker_0001.jpg")], "k1");
        var before = await store.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 2, SubjectScoring.Both);

        var reopened = await Open();
        Assert.Equal(2, await reopened.CountFacesAsync());
        var after = await reopened.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 2, SubjectScoring.Both);
        Assert.Equal(before.Select(h => (h.Subject, h.FaceId)), after.Select(h => (h.Subject, h.FaceId)));
        Assert.All(before.Zip(after), p => Assert.Equal(p.First.Similarity, p.Second.Similarity, 4));
    }

    [Fact]
    public virtual async Task A_gallery_reopened_unchanged_is_read_from_its_index_file_and_never_from_a_stale_or_damaged_one()
    {
        var first = await Open();
        await first.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        await first.AddFacesAsync("dean", [Face("Dean_Barker_0001.jpg")], "k1");
        var before = await first.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 2, SubjectScoring.Both);
        await first.DisposeAsync();   // a clean close writes the file

        var fromFile = await Open();
        Assert.Equal("file", fromFile.IndexLoadedFrom);
        Assert.Equal(!OperatingSystem.IsWindows(), fromFile.IndexCopiesMapped);   // the copies stay in the file, not in memory
        Assert.Equal(3, await fromFile.CountFacesAsync());
        Assert.Equal(before, await fromFile.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 2, SubjectScoring.Both));
        byte[] old = await File.ReadAllBytesAsync(IndexFile);

        // A commit deletes the file first; a file left from before it (as a crash at the wrong moment would leave, or
        // another node's own file) is behind, and the change feed brings it up to date before it is written again.
        await fromFile.AddFacesAsync("aj", [Face("AJ_Lamas_0001.jpg")], "k1");
        Assert.False(File.Exists(IndexFile));
        await File.WriteAllBytesAsync(IndexFile, old);
        var afterCrash = await Open();
        Assert.Equal("file and change feed", afterCrash.IndexLoadedFrom);
        Assert.Equal(0, afterCrash.IndexFullLoads);
        Assert.Equal(!OperatingSystem.IsWindows(), afterCrash.IndexCopiesMapped);  // brought up to date, written, mapped back
        Assert.Equal("aj", (await afterCrash.SearchAsync(Probe("AJ_Lamas_0001.jpg"), 1, SubjectScoring.Both))[0].Subject);
        Assert.NotEqual(old, await File.ReadAllBytesAsync(IndexFile));

        // A file of the current version cut short (a damaged disk) is read past its stamp, refused, and the database read.
        await afterCrash.DisposeAsync();
        byte[] current = await File.ReadAllBytesAsync(IndexFile);
        await File.WriteAllBytesAsync(IndexFile, current[..(current.Length / 2)]);
        var afterDamage = await Open();
        Assert.Equal("database", afterDamage.IndexLoadedFrom);
        Assert.Equal(4, await afterDamage.CountFacesAsync());
        Assert.Equal(before, await afterDamage.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 2, SubjectScoring.Both));
    }

    [Fact]
    public virtual async Task Another_nodes_commits_reach_a_gallery_through_the_change_feed_without_loading_everything()
    {
        var writer = await Open();
        var reader = await Open();
        int loads = reader.IndexFullLoads;   // 0 when it opened from the file the writer left, else 1
        var grouped = await WriteSomeOfEachAsync(writer);

        // Each search holds what a fresh load of the database holds; the group's template came too, so the same face
        // added on the reader joins the writer's group.
        var fresh = await Open();
        foreach (var probe in new[] { "Abel_Pacheco_0004.jpg", "Dean_Barker_0001.jpg", "AJ_Lamas_0001.jpg" })
        {
            Assert.Equal(await fresh.SearchAsync(Probe(probe), 3, SubjectScoring.Both), await reader.SearchAsync(Probe(probe), 3, SubjectScoring.Both));
        }

        Assert.Equal(await fresh.CountFacesAsync(), await reader.CountFacesAsync());
        Assert.Equal(grouped.Group, (await reader.AddToGroupsAsync(Face("Aaron_Eckhart_0001.jpg"), TestModels.GroupThreshold, "k2")).Group);
        Assert.Equal(loads, reader.IndexFullLoads);
        Assert.Equal(4, reader.IndexChangesApplied);   // abel, dean, aj, the group: each once, however many commits touched it
    }

    /// <summary>Commits of each kind another node must see: enrolments, a rename, an erasure and an unnamed face's group.</summary>
    private protected static async Task<GroupFace> WriteSomeOfEachAsync(FaceGallery writer)
    {
        await writer.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        await writer.AddFacesAsync("dean", [Face("Dean_Barker_0001.jpg")], "k1");
        await writer.RenameSubjectAsync("dean", "dean barker", "k1");
        await writer.AddFacesAsync("aj", [Face("AJ_Lamas_0001.jpg")], "k1");
        Assert.True(await writer.DeleteSubjectAsync("aj", "k1"));
        return await writer.AddToGroupsAsync(Face("Aaron_Eckhart_0001.jpg"), TestModels.GroupThreshold, "k1");
    }

    [Fact]
    public async Task A_store_refuses_another_model_and_embeddings_of_the_wrong_dimension()
    {
        var store = await Open();
        await store.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg")], "k1");
        var other = TestModels.Model with { Sha256 = new string('0', 64), Name = "other" };
        Assert.Equal(GalleryError.WrongModel, await Refused(() => Open(other)));

        var wrong = new NewFace(new float[TestModels.Model.Dimension + 1], [1]);
        Assert.Equal(GalleryError.Invalid, await Refused(() => store.AddFacesAsync("abel", [wrong], "k1")));
        Assert.Equal(GalleryError.Invalid, await Refused(() => store.SearchAsync(new float[3], 1, SubjectScoring.BestFace)));
        Assert.Equal(1, await store.CountFacesAsync());
    }

    [Fact]
    public async Task Keys_are_stored_as_hashes_checked_and_revoked()
    {
        var keys = await Open();
        var (key, token) = await ApiKeys.CreateAsync(keys, "door", ApiScopes.Read, "cli");
        Assert.DoesNotContain(await keys.ListKeysAsync(), k => k.SecretHash.Contains(token, StringComparison.Ordinal) || token.Contains(k.SecretHash, StringComparison.Ordinal));
        Assert.Equal(key.Id, (await ApiKeys.AuthenticateAsync(keys, token))?.Id);
        Assert.Null(await ApiKeys.AuthenticateAsync(keys, token[..^2] + "xx"));
        Assert.Null(await ApiKeys.AuthenticateAsync(keys, "afk_nothing"));
        Assert.Null(await ApiKeys.AuthenticateAsync(keys, null));

        // A keys-only open (the server's key commands) sees the same keys.
        await using (var keysOnly = (FaceGallery)await OpenGalleryAsync(null))
        {
            Assert.True(await keysOnly.RevokeKeyAsync(key.Id, "cli"));
        }

        Assert.Null(await ApiKeys.AuthenticateAsync(keys, token));
        Assert.False(await keys.RevokeKeyAsync(key.Id, "cli"));
    }

    [Fact]
    public async Task Concurrent_writers_and_searchers_lose_nothing()
    {
        var store = await Open();
        string[] photos = ["Abel_Pacheco_0001.jpg", "Dean_Barker_0001.jpg", "Aaron_Eckhart_0001.jpg", "AJ_Lamas_0001.jpg"];
        _ = Faces.Value;
        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Parallel.ForAsync(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (worker, cancellationToken) =>
        {
            for (int i = 0; i < 6; i++)
            {
                foreach (var f in await store.AddFacesAsync($"person-{worker}", [Face(photos[(worker + i) % photos.Length])], $"k{worker}", cancellationToken))
                {
                    ids.Add(f.Id);
                }

                var hits = await store.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 3, (SubjectScoring)(i % 3), cancellationToken);
                Assert.NotEmpty(hits);
                Assert.Equal(hits.Count, hits.Select(h => h.Subject).Distinct().Count());
            }
        });

        Assert.Equal(48, ids.Distinct().Count());
        Assert.Equal(48, await store.CountFacesAsync());
        Assert.All(await store.ListSubjectsAsync(), s => Assert.Equal(6, s.FaceCount));
        Assert.Equal(48, await (await Open()).CountFacesAsync());
    }

    [Fact]
    public async Task Camera_snapshots_belong_to_their_subject_group_or_camera_move_with_its_faces_and_are_erased_with_it()
    {
        var store = await Open();
        var now = DateTimeOffset.UtcNow;
        await store.AddCameraAsync(new StoredCamera("door", "rtsp://10.0.0.1/s", "{}", now, now), "k1");
        await store.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        byte[] abel = Face("Abel_Pacheco_0004.jpg").CropPng, dean = Face("Dean_Barker_0001.jpg").CropPng, aj = Face("AJ_Lamas_0001.jpg").CropPng;
        var kept = now.AddHours(-1);

        Assert.True(await store.AddSnapshotAsync(new NewSnapshot("e1", "door", "abel", now, abel)));
        Assert.False(await store.AddSnapshotAsync(new NewSnapshot("e2", "door", "nobody", now, abel)));   // names no subject: not kept
        Assert.False(await store.AddSnapshotAsync(new NewSnapshot("e3", "hall", null, now, abel)));       // no such camera
        Assert.True(await store.AddSnapshotAsync(new NewSnapshot("v1", "door", null, now, dean)));        // a visitor's: the camera's
        Assert.Equal(abel, await store.FindSnapshotAsync("door", "e1", kept));
        Assert.Null(await store.FindSnapshotAsync("hall", "e1", kept));
        Assert.Null(await store.FindSnapshotAsync("door", "e1", now.AddSeconds(1)));                      // past its retention
        Assert.Null(await store.FindSnapshotAsync("door", "e2", kept));

        // The visitor's face kept in a group takes the visitor's snapshot along (a subject's stays the subject's).
        var grouped = await store.AddToGroupsAsync(Face("Dean_Barker_0001.jpg"), TestModels.GroupThreshold, "k1");
        Assert.Equal(1, await store.AttachSnapshotsAsync("door", ["v1", "e1"], grouped.Group));

        // Keys renewed (a face of abel's deleted; the camera's source changed): the snapshots are sealed again and open.
        Assert.True(await store.AddSnapshotAsync(new NewSnapshot("v2", "door", null, now, aj)));
        Assert.True(await store.DeleteFaceAsync("abel", (await store.ListFacesAsync("abel"))[0].Id, "k1"));
        Assert.True(await store.UpdateCameraAsync(new StoredCamera("door", "rtsp://10.0.0.2/s", "{}", now, now), "k1"));
        Assert.Equal(abel, await store.FindSnapshotAsync("door", "e1", kept));
        Assert.Equal(aj, await store.FindSnapshotAsync("door", "v2", kept));

        // Naming the group moves its snapshot to the subject; erasing a subject erases its snapshots.
        await store.NameGroupAsync(grouped.Group, "dean", "k1");
        Assert.Equal(dean, await store.FindSnapshotAsync("door", "v1", kept));
        Assert.True(await store.DeleteSubjectAsync("dean", "k1"));
        Assert.Null(await store.FindSnapshotAsync("door", "v1", kept));
        Assert.True(await store.DeleteSubjectAsync("abel", "k1"));
        Assert.Null(await store.FindSnapshotAsync("door", "e1", kept));
        Assert.False(await store.AddSnapshotAsync(new NewSnapshot("e4", "door", "abel", now, abel)));   // an erased subject's: refused

        // Retention: those older than the time go, then the oldest beyond the number kept; removing the camera takes the rest.
        Assert.True(await store.AddSnapshotAsync(new NewSnapshot("v3", "door", null, now.AddHours(-2), aj)));
        Assert.True(await store.AddSnapshotAsync(new NewSnapshot("v4", "door", null, now.AddMinutes(-1), aj)));
        Assert.Equal(2, await store.TrimSnapshotsAsync(kept, keep: 1));   // v3 expired, v4 older than v2
        Assert.Null(await store.FindSnapshotAsync("door", "v4", kept.AddHours(-2)));
        Assert.Equal(aj, await store.FindSnapshotAsync("door", "v2", kept));
        Assert.True(await store.DeleteCameraAsync("door", "k1"));
        Assert.Equal(0, await store.TrimSnapshotsAsync(kept, keep: 10));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();   // a second dispose (of one a test closed) does nothing
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteGalleryTests : GalleryContractTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-store-").FullName;

    private protected override Task<IFaceGallery> OpenGalleryAsync(ModelIdentity? model) => SqliteGallery.OpenAsync(Path.Combine(_folder, "store.db"), model);

    protected override string IndexFile => Path.Combine(_folder, "store.db-index");

    [Fact]
    public async Task Erased_faces_and_names_are_in_no_file_of_the_store()
    {
        var store = await Open();
        await store.AddFacesAsync("Erasable Zyxwvu", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        var kept = await store.AddFacesAsync("kept", [Face("Dean_Barker_0001.jpg"), Face("AJ_Lamas_0001.jpg")], "k1");
        await store.AddCameraAsync(new StoredCamera("door", "rtsp://10.0.0.1/s", "{}", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), "k1");
        Assert.True(await store.AddSnapshotAsync(new NewSnapshot("e1", "door", "Erasable Zyxwvu", DateTimeOffset.UtcNow, Face("Abel_Pacheco_0004.jpg").CropPng)));
        await store.RenameSubjectAsync("Erasable Zyxwvu", "Renamed Qwvzxy", "k1");
        await (await Open()).DisposeAsync();   // the index file written at close holds them too
        string[] files = [.. new[] { "", "-wal", "-shm", "-index" }.Select(suffix => Path.Combine(_folder, "store.db" + suffix))];
        var abel = new[] { "Abel_Pacheco_0001.jpg", "Abel_Pacheco_0002.jpg" }.SelectMany(f => ErasureScan.Slices(Face(f)).Concat(ErasureScan.HalfSlices(Face(f)))).ToList();
        var aj = ErasureScan.Slices(Face("AJ_Lamas_0001.jpg"));
        byte[][] names = [ErasureScan.Text("Erasable Zyxwvu"), ErasureScan.Text("Renamed Qwvzxy")];
        var snapshot = ErasureScan.Slices(Face("Abel_Pacheco_0004.jpg").CropPng);
        Assert.Equal(abel.Count, ErasureScan.Found(files, abel));
        Assert.Equal(snapshot.Count, ErasureScan.Found(files, snapshot));
        Assert.Equal(names.Length, ErasureScan.Found(files, names));

        Assert.True(await store.DeleteFaceAsync("kept", kept[1].Id, "k2"));
        Assert.True(await store.DeleteSubjectAsync("Renamed Qwvzxy", "k2"));
        await (await Open()).DisposeAsync();

        Assert.Equal(0, ErasureScan.Found(files, aj));
        Assert.Equal(0, ErasureScan.Found(files, abel));
        Assert.Equal(0, ErasureScan.Found(files, names));
        Assert.Equal(0, ErasureScan.Found(files, snapshot));
        var dean = ErasureScan.Slices(Face("Dean_Barker_0001.jpg"));
        Assert.Equal(dean.Count, ErasureScan.Found(files, dean));
        var audit = await store.ReadAuditAsync(10);
        Assert.Equal("subject.delete", audit[0].Action);
        Assert.StartsWith("(erased subject #", audit[0].Subject, StringComparison.Ordinal);
        Assert.DoesNotContain(audit, a => a.Subject is "Erasable Zyxwvu" or "Renamed Qwvzxy" || (a.Detail ?? "").Contains("Zyxwvu", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gap_in_the_change_feed_makes_a_gallery_load_everything_again()
    {
        var writer = await Open();
        var reader = await Open();
        await writer.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg")], "k1");
        Assert.Equal(1, await reader.CountFacesAsync());
        int loads = reader.IndexFullLoads;

        // Commits the feed does not hold (trimmed, or made by a version without it) cannot be applied one by one.
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder, "store.db")}"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "DELETE FROM gallery_changes";
            await cmd.ExecuteNonQueryAsync();
        }

        await writer.AddFacesAsync("dean", [Face("Dean_Barker_0001.jpg")], "k1");
        await writer.AddFacesAsync("aj", [Face("AJ_Lamas_0001.jpg")], "k1");
        Assert.Equal(3, await reader.CountFacesAsync());
        Assert.Equal(loads + 1, reader.IndexFullLoads);
        Assert.Equal("aj", (await reader.SearchAsync(Probe("AJ_Lamas_0001.jpg"), 1, SubjectScoring.Both))[0].Subject);
    }

    [Fact]
    public async Task An_erased_group_of_unnamed_faces_is_in_no_file_of_the_store()
    {
        var store = await Open();
        var added = await store.AddToGroupsAsync(Face("Aaron_Eckhart_0001.jpg"), TestModels.GroupThreshold, "k1");
        await (await Open()).DisposeAsync();
        string[] files = [.. new[] { "", "-wal", "-shm", "-index" }.Select(suffix => Path.Combine(_folder, "store.db" + suffix))];
        var slices = ErasureScan.Slices(Face("Aaron_Eckhart_0001.jpg"));
        Assert.Equal(slices.Count, ErasureScan.Found(files, slices));

        Assert.True(await store.DeleteGroupAsync(added.Group, "k2"));
        await (await Open()).DisposeAsync();
        Assert.Equal(0, ErasureScan.Found(files, slices));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_refused_clearly()
    {
        string path = Path.Combine(_folder, "junk.db");
        await File.WriteAllTextAsync(path, "not sqlite at all, just text that is long enough to be a header........");
        var e = await Assert.ThrowsAsync<GalleryException>(() => SqliteGallery.OpenAsync(path, TestModels.Model));
        Assert.Contains("not a usable gallery database", e.Message, StringComparison.Ordinal);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGalleryTests(PostgresServer server) : GalleryContractTests
{
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly string _keys = server.NewKeyFile();

    protected override string IndexFile { get; } = Path.Combine(Path.GetTempPath(), $"arcface-pg-index-{Guid.NewGuid():N}");

    private protected override Task<IFaceGallery> OpenGalleryAsync(ModelIdentity? model) =>
        PostgresGallery.OpenAsync(new PostgresGalleryOptions(server.ConnectionString) { Schema = _schema, KeyFile = _keys, IndexFile = IndexFile }, model);

    [Fact]
    public async Task Faces_are_sealed_in_the_database_and_erasure_destroys_the_keys_that_open_them()
    {
        var store = await Open();
        // Faces no other test of this PostgreSQL server stores in plain (the version-1 migration test does, for Abel_Pacheco_0001).
        await store.AddFacesAsync("Erasable Zyxwvu", [Face("Aaron_Eckhart_0001.jpg"), Face("Aaron_Guiel_0001.jpg")], "k1");
        var kept = await store.AddFacesAsync("kept", [Face("Dean_Barker_0001.jpg"), Face("AJ_Lamas_0001.jpg")], "k1");
        await store.AddCameraAsync(new StoredCamera("door", "rtsp://10.0.0.1/s", "{}", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), "k1");
        Assert.True(await store.AddSnapshotAsync(new NewSnapshot("e1", "door", "Erasable Zyxwvu", DateTimeOffset.UtcNow, Face("Abel_Pacheco_0004.jpg").CropPng)));
        await Checkpoint();
        var faces = new[] { "Aaron_Eckhart_0001.jpg", "Aaron_Guiel_0001.jpg", "Dean_Barker_0001.jpg", "AJ_Lamas_0001.jpg" }.SelectMany(f => ErasureScan.Slices(Face(f)))
            .Concat(ErasureScan.Slices(Face("Abel_Pacheco_0004.jpg").CropPng)).ToList();
        Assert.Equal(0, ErasureScan.Found(DatabaseFiles(), faces));                                       // sealed: no plain bytes anywhere, snapshots neither
        Assert.Equal(1, ErasureScan.Found(DatabaseFiles(), [ErasureScan.Text("Erasable Zyxwvu")]));       // the scan does see the database
        var before = Keys();

        Assert.True(await store.DeleteFaceAsync("kept", kept[1].Id, "k2"));   // the subject's other face is re-sealed under a new key
        Assert.True(await store.DeleteSubjectAsync("Erasable Zyxwvu", "k2"));
        await Checkpoint();
        var destroyed = before.Except(Keys(), ByteArrays).ToList();
        Assert.Equal(2, destroyed.Count);                                      // the erased subject's key (its snapshot's too) and the kept one's old key
        Assert.Equal(0, ErasureScan.Found([.. DatabaseFiles(), _keys], destroyed));

        // What is left still opens, from a fresh start too.
        var reopened = await Open();
        Assert.Equal(1, await reopened.CountFacesAsync());
        Assert.Equal("kept", (await reopened.SearchAsync(Probe("Dean_Barker_0001.jpg"), 1, SubjectScoring.BestFace))[0].Subject);
        Assert.NotNull(await reopened.GetFaceCropAsync("kept", kept[0].Id));
    }

    [Fact]
    public async Task Moved_unnamed_faces_are_resealed_and_the_keys_that_opened_them_destroyed()
    {
        var store = await Open();
        var first = await store.AddToGroupsAsync(Face("Aaron_Eckhart_0001.jpg"), -1f, "k1");   // threshold -1: both join one group
        var second = await store.AddToGroupsAsync(Face("Aaron_Guiel_0001.jpg"), -1f, "k1");
        Assert.Equal(first.Group, second.Group);
        await Checkpoint();
        var before = Keys();

        var split = await store.SplitFaceAsync(first.Group, second.Id, "k1");   // the group is re-keyed: its old key opened the moved face
        await store.NameGroupAsync(split.Id, "guiel", "k1");                   // the emptied group's key goes
        await Checkpoint();
        var destroyed = before.Except(Keys(), ByteArrays).ToList();
        Assert.Single(destroyed);
        Assert.Equal(0, ErasureScan.Found([.. DatabaseFiles(), _keys], destroyed));
        var faces = new[] { "Aaron_Eckhart_0001.jpg", "Aaron_Guiel_0001.jpg" }.SelectMany(f => ErasureScan.Slices(Face(f))).ToList();
        Assert.Equal(0, ErasureScan.Found(DatabaseFiles(), faces));

        var reopened = await Open();
        Assert.NotNull(await reopened.GetFaceCropAsync("guiel", second.Id));
        Assert.NotNull(await reopened.GetGroupFaceCropAsync(first.Group, first.Id));
        Assert.Equal("guiel", (await reopened.SearchAsync(Probe("Aaron_Guiel_0001.jpg"), 1, SubjectScoring.BestFace))[0].Subject);
    }

    [Fact]
    public async Task A_node_too_far_behind_for_the_change_feed_serves_searches_while_it_loads_everything_again()
    {
        var writer = await Open();
        var reader = await Open();
        await writer.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg")], "k1");
        Assert.Equal(1, await reader.CountFacesAsync());
        int loads = reader.IndexFullLoads;
        await writer.AddFacesAsync("dean", [Face("Dean_Barker_0001.jpg")], "k1");

        // A gap the feed cannot cover: trimmed past a commit the reader has not read, as a trim does it (the bound raised with the rows' deletion).
        await Sql("UPDATE meta SET value = pg_current_xact_id()::text WHERE key = 'feed_trimmed_below'; DELETE FROM gallery_changes");

        // The faces table locked: the reader's rebuild waits at its first row, as a long load of a million faces does.
        await using var blocker = new Npgsql.NpgsqlConnection(server.ConnectionString);
        await blocker.OpenAsync();
        await using var locked = await blocker.BeginTransactionAsync();
        await using (var lockFaces = new Npgsql.NpgsqlCommand($"LOCK TABLE \"{_schema}\".faces IN ACCESS EXCLUSIVE MODE", blocker, locked))
        {
            await lockFaces.ExecuteNonQueryAsync();
        }

        var rebuilding = reader.SearchAsync(Probe("Dean_Barker_0001.jpg"), 1, SubjectScoring.Both);
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); !reader.IndexRebuilding; await Task.Delay(20))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20) && !rebuilding.IsCompleted, "the rebuild did not start");
        }

        // Meanwhile searches are served by the index held, not queued behind the load.
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(1, await reader.CountFacesAsync(patience.Token));
            Assert.Equal("abel", (await reader.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 1, SubjectScoring.Both, patience.Token))[0].Subject);
        }

        Assert.False(rebuilding.IsCompleted);
        await locked.RollbackAsync();
        Assert.Equal("dean", (await rebuilding)[0].Subject);   // the read that started it is answered from the new index
        Assert.False(reader.IndexRebuilding);
        Assert.Equal(loads + 1, reader.IndexFullLoads);
        Assert.Equal(2, await reader.CountFacesAsync());
        Assert.Equal(loads + 1, reader.IndexFullLoads);         // swapped in at the version read before the load: caught up since
    }

    private async Task Sql(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"SET search_path = \"{_schema}\", public; {sql}", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_key_file_of_another_gallery_is_refused()
    {
        await Open();
        var e = await Assert.ThrowsAsync<GalleryException>(() => PostgresGallery.OpenAsync(
            new PostgresGalleryOptions(server.ConnectionString) { Schema = PostgresServer.NewSchema(), KeyFile = _keys }, TestModels.Model));
        Assert.Contains("belongs to another gallery", e.Message, StringComparison.Ordinal);
    }

    private static readonly IEqualityComparer<byte[]> ByteArrays = EqualityComparer<byte[]>.Create((a, b) => a!.AsSpan().SequenceEqual(b), a => BitConverter.ToInt32(a));

    private IEnumerable<string> DatabaseFiles() => Directory.EnumerateFiles(server.DataDirectory, "*", SearchOption.AllDirectories);

    /// <summary>The live keys in the key file (records flagged 1: bytes 16-47).</summary>
    private List<byte[]> Keys()
    {
        byte[] file = File.ReadAllBytes(_keys);
        return [.. Enumerable.Range(0, file.Length / 48).Select(i => file.AsSpan(i * 48, 48).ToArray()).Where(r => BitConverter.ToInt32(r, 12) == 1).Select(r => r[16..])];
    }

    private async Task Checkpoint()
    {
        await using var conn = new Npgsql.NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("CHECKPOINT", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_bad_schema_name_is_refused_before_any_sql()
    {
        var e = await Assert.ThrowsAsync<GalleryException>(() => PostgresGallery.OpenAsync(new PostgresGalleryOptions(server.ConnectionString) { Schema = "x\"; DROP TABLE y; --", KeyFile = _keys }, TestModels.Model));
        Assert.Equal(GalleryError.Invalid, e.Error);
    }

    [Fact]
    public async Task A_store_of_schema_3_with_groups_kept_as_subjects_opens_migrated()
    {
        // Schema 3 kept a group of unnamed faces as a subject named "/…" under the group's id (so under its sealing key):
        // made here from a schema-4 store by moving its group back, as the SQLite migration test writes one by hand.
        var store = await Open();
        await store.AddFacesAsync("dean", [Face("Dean_Barker_0001.jpg")], "k1");
        var first = await store.AddToGroupsAsync(Face("Aaron_Eckhart_0001.jpg"), -1f, "k1");
        var second = await store.AddToGroupsAsync(Face("Aaron_Guiel_0001.jpg"), -1f, "k1");
        Assert.Equal(first.Group, second.Group);
        await store.DisposeAsync();
        await using (var conn = new Npgsql.NpgsqlConnection(server.ConnectionString))
        {
            await conn.OpenAsync();
            using var downgrade = new Npgsql.NpgsqlCommand($"""
                SET search_path = "{_schema}", public;
                INSERT INTO subjects(id, name, created_utc, template) SELECT id, '/' || to_hex(id), created_utc, template FROM face_groups;
                UPDATE faces SET subject_id = group_id WHERE group_id IS NOT NULL;
                ALTER TABLE faces DROP COLUMN group_id;
                DROP TABLE snapshots;
                DROP TABLE face_groups;
                UPDATE meta SET value = '3' WHERE key = 'schema';
                """, conn);
            await downgrade.ExecuteNonQueryAsync();
        }

        File.Delete(IndexFile);   // a schema-3 node's index file held the group as a subject: the migrated store is read afresh
        var gallery = await Open();
        Assert.Equal(["dean"], (await gallery.ListSubjectsAsync()).Select(s => s.Name));
        Assert.Equal(1, await gallery.CountFacesAsync());
        var group = Assert.Single(await gallery.ListGroupsAsync());
        Assert.Equal(first.Group, group.Id);
        Assert.Equal([first.Id, second.Id], group.Faces.Select(f => f.Id));
        Assert.NotNull(await gallery.GetGroupFaceCropAsync(first.Group, second.Id));   // same id, same key: the sealed crop still opens
        Assert.Equal("dean", Assert.Single(await gallery.SearchAsync(Probe("Aaron_Eckhart_0001.jpg"), 5, SubjectScoring.BestFace)).Subject);   // the group is not proposed
        Assert.Equal(first.Group, (await gallery.AddToGroupsAsync(Face("Aaron_Eckhart_0001.jpg"), 0.6f, "k1")).Group);   // found in the index by its template (the mean of two people: about 0.7 to each)
        Assert.Equal("eckhart", (await gallery.NameGroupAsync(first.Group, "eckhart", "k1")).Name);
        Assert.Equal(4, await gallery.CountFacesAsync());
    }

    [Fact]
    public async Task A_store_of_the_servers_version_1_schema_opens_migrated()
    {
        // The version-1 PostgreSQL tables (no templates, no sources), filled the way that version did.
        await using (var conn = new Npgsql.NpgsqlConnection(server.ConnectionString))
        {
            await conn.OpenAsync();
            using var setup = new Npgsql.NpgsqlCommand($"""
                CREATE EXTENSION IF NOT EXISTS vector SCHEMA public;
                CREATE SCHEMA "{_schema}";
                SET search_path = "{_schema}", public;
                CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL);
                CREATE TABLE subjects(id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, created_utc timestamptz NOT NULL DEFAULT now());
                CREATE TABLE api_keys(id text PRIMARY KEY, name text NOT NULL, scopes int NOT NULL, secret_hash text NOT NULL, created_utc timestamptz NOT NULL, revoked_utc timestamptz);
                CREATE TABLE audit(id bigserial PRIMARY KEY, time_utc timestamptz NOT NULL DEFAULT now(), key_id text NOT NULL, action text NOT NULL, subject text, detail text);
                CREATE TABLE faces(id bigserial PRIMARY KEY, subject_id bigint NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                    created_utc timestamptz NOT NULL DEFAULT now(), embedding vector({TestModels.Model.Dimension}) NOT NULL, crop bytea NOT NULL);
                INSERT INTO meta VALUES ('model_key', '{TestModels.Model.Key}'), ('model_name', 'mobilefacenet_a'), ('dimension', '{TestModels.Model.Dimension}');
                INSERT INTO subjects(name) VALUES ('abel');
                INSERT INTO faces(subject_id, embedding, crop) VALUES (1, '[{string.Join(',', Probe("Abel_Pacheco_0001.jpg").Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}]', '\x89');
                """, conn);
            await setup.ExecuteNonQueryAsync();
        }

        var gallery = await Open();
        Assert.Equal(1, await gallery.CountFacesAsync());
        var top = (await gallery.SearchAsync(Probe("Abel_Pacheco_0001.jpg"), 1, SubjectScoring.MeanTemplate))[0];
        Assert.Equal(("abel", 1f), (top.Subject, MathF.Round(top.Similarity, 4)));
        await gallery.AddFacesAsync("abel", [Face("Abel_Pacheco_0002.jpg")], "k1");
        Assert.Equal(2, (await gallery.GetSubjectAsync("abel"))!.FaceCount);
    }
}
