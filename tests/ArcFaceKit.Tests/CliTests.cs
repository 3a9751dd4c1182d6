using System.Text.Json;

namespace ArcFaceKit.Tests;

/// <summary>The CLI end to end on real models and faces: outputs, errors with clear messages and exit codes, no partial writes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-cli-").FullName;

    private static string[] Models => ["--detector", Shared.Model("yunet_s_dynamic.onnx"), "--embedder", Shared.Model("mobilefacenet_a.onnx"), "--input-size", "320", "--score", "0.5"];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Detect_writes_json_and_an_annotated_png()
    {
        string png = Path.Combine(_dir, "annotated.png");
        var (code, stdout, _) = CliRunner.Run(["detect", Shared.Fixture("images/two_faces.jpg"), "--detector", Shared.Model("yunet_s_dynamic.onnx"), "--json", "--annotate", png]);
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(2, json.GetProperty("faces").GetArrayLength());
        Assert.Equal(5, json.GetProperty("faces")[0].GetProperty("landmarks").GetArrayLength());
        Assert.Equal(300, Imaging.ImageDecoder.DecodeFile(png).Width);
    }

    [Fact]
    public void An_old_flag_name_sets_the_same_option_as_its_new_name_and_says_it_is_deprecated()
    {
        string[] detect = ["detect", Shared.Fixture("images/two_faces.jpg"), "--detector", Shared.Model("yunet_s_dynamic.onnx"), "--json"];
        var (oldCode, oldOut, oldErr) = CliRunner.Run([.. detect, "--detector-size", "160"]);
        var (newCode, newOut, newErr) = CliRunner.Run([.. detect, "--input-size", "160"]);
        var (_, defaultOut, _) = CliRunner.Run(detect);
        Assert.Equal(0, oldCode);
        Assert.Equal(0, newCode);
        Assert.Equal(newOut, oldOut);
        Assert.NotEqual(defaultOut, oldOut);    // 160 is not the default: the old name was read, not ignored
        Assert.Equal("warning: --detector-size is deprecated; use --input-size.", oldErr.Trim());
        Assert.DoesNotContain("deprecated", newErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_quantize_writes_an_int8_detector_that_detect_uses()
    {
        string calibration = Path.Combine(Shared.Root, "datasets", "celeba-299", "images");
        string output = Path.Combine(_dir, "yunet_int8.onnx");
        var (code, stdout, stderr) = CliRunner.Run(["models", "quantize", Shared.Model("yunet_s_dynamic.onnx"), "--calibration", calibration, "--out", output, "--max-images", "8"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("int8 from yunet_s_dynamic", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "yunet_int8.manifest.json")));

        var (detected, json, _) = CliRunner.Run(["detect", Shared.Fixture("images/two_faces.jpg"), "--detector", output, "--json"]);
        Assert.Equal(0, detected);
        Assert.Equal(2, JsonDocument.Parse(json).RootElement.GetProperty("faces").GetArrayLength());
        Assert.Equal(2, CliRunner.Run(["models", "quantize", Shared.Model("yunet_s_dynamic.onnx"), "--out", output]).ExitCode);
    }

    [Fact]
    public void Verify_says_same_and_different_with_the_threshold_and_its_source()
    {
        var same = Verify("Abel_Pacheco_0001.jpg", "Abel_Pacheco_0004.jpg");
        Assert.True(same.GetProperty("match").GetBoolean());
        Assert.Contains("far-1e-3", same.GetProperty("threshold").GetProperty("source").GetString(), StringComparison.Ordinal);
        var different = Verify("Abdel_Madi_Shabneh_0001.jpg", "Dean_Barker_0001.jpg");
        Assert.False(different.GetProperty("match").GetBoolean());
        Assert.True(different.GetProperty("similarity").GetSingle() < same.GetProperty("similarity").GetSingle());
    }

    [Fact]
    public void Enroll_identify_list_remove_through_a_gallery_file()
    {
        string gallery = Path.Combine(_dir, "g.db");
        Assert.Equal(0, CliRunner.Run(["enroll", "Abel", Shared.LfwImage("Abel_Pacheco_0001.jpg"), "--gallery", gallery, .. Models]).ExitCode);
        Assert.Equal(0, CliRunner.Run(["enroll", "Amber", Shared.LfwImage("Amber_Tamblyn_0001.jpg"), "--gallery", gallery, .. Models]).ExitCode);
        var (code, stdout, _) = CliRunner.Run(["identify", Shared.LfwImage("Abel_Pacheco_0004.jpg"), "--gallery", gallery, "--json", .. Models]);
        Assert.Equal(0, code);
        var face = JsonDocument.Parse(stdout).RootElement.GetProperty("faces")[0];
        Assert.Equal("Abel", face.GetProperty("identity").GetString());
        Assert.Equal(0, CliRunner.Run(["gallery", "remove", "Abel", "--gallery", gallery, .. Models]).ExitCode);
        var list = JsonDocument.Parse(CliRunner.Run(["gallery", "list", "--gallery", gallery, "--json", .. Models]).Stdout).RootElement;
        Assert.Equal(["Amber"], list.GetProperty("subjects").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
    }

    [Fact]
    public void Enroll_with_a_bad_image_writes_nothing()
    {
        string gallery = Path.Combine(_dir, "g.db");
        var (code, _, stderr) = CliRunner.Run(["enroll", "Abel", Shared.LfwImage("Abel_Pacheco_0001.jpg"), Shared.Fixture("images/no_face.jpg"), "--gallery", gallery, .. Models]);
        Assert.Equal(2, code);
        Assert.Contains("no face found", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(gallery));
    }

    [Fact]
    public void Enroll_refuses_an_image_with_two_faces_unless_told_to_take_the_largest()
    {
        string gallery = Path.Combine(_dir, "g.db");
        var (code, _, stderr) = CliRunner.Run(["enroll", "X", Shared.Fixture("images/two_faces.jpg"), "--gallery", gallery, .. Models]);
        Assert.Equal(2, code);
        Assert.Contains("2 faces found", stderr, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run(["enroll", "X", Shared.Fixture("images/two_faces.jpg"), "--largest", "--gallery", gallery, .. Models]).ExitCode);
    }

    [Fact]
    public void A_gallery_made_with_another_embedder_is_refused()
    {
        string gallery = Path.Combine(_dir, "g.db");
        Assert.Equal(0, CliRunner.Run(["enroll", "Abel", Shared.LfwImage("Abel_Pacheco_0001.jpg"), "--gallery", gallery, .. Models]).ExitCode);
        var (code, _, stderr) = CliRunner.Run(["identify", Shared.LfwImage("Abel_Pacheco_0004.jpg"), "--gallery", gallery, "--detector", Shared.Model("yunet_s_dynamic.onnx"), "--embedder", Shared.Model("faceplugin_fr_feature.onnx"), "--threshold", "0.3"]);
        Assert.Equal(2, code);
        Assert.Contains("cannot be used with faceplugin_fr_feature", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_embedders_fuse_into_a_model_of_its_own()
    {
        string[] fused = ["--detector", Shared.Model("yunet_s_dynamic.onnx"), "--embedder", Shared.Model("faceplugin_fr_feature.onnx"), "--embedder", Shared.Model("mobilefacenet_b.onnx")];
        var (code, stdout, stderr) = CliRunner.Run(["verify", Shared.LfwImage("Abel_Pacheco_0001.jpg"), Shared.LfwImage("Abel_Pacheco_0004.jpg"), "--json", .. fused]);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.True(json.GetProperty("match").GetBoolean());
        Assert.Contains("faceplugin_fr_feature+mobilefacenet_b", json.GetProperty("threshold").GetProperty("source").GetString(), StringComparison.Ordinal);

        string gallery = Path.Combine(_dir, "g.db");
        Assert.Equal(0, CliRunner.Run(["enroll", "Abel", Shared.LfwImage("Abel_Pacheco_0001.jpg"), "--gallery", gallery, "--detector", Shared.Model("yunet_s_dynamic.onnx"), "--embedder", Shared.Model("faceplugin_fr_feature.onnx")]).ExitCode);
        (code, _, stderr) = CliRunner.Run(["identify", Shared.LfwImage("Abel_Pacheco_0004.jpg"), "--gallery", gallery, .. fused]);
        Assert.Equal(2, code);
        Assert.Contains("cannot be used with faceplugin_fr_feature+mobilefacenet_b", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_writes_people_contact_sheets_and_noise_for_a_folder()
    {
        string photos = Path.Combine(_dir, "photos"), output = Path.Combine(_dir, "people");
        Directory.CreateDirectory(Path.Combine(photos, "trip"));
        foreach (var person in new[] { "Norah_Jones", "Muhammad_Ali", "Tom_Ridge" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Shared.Lfw, "images"), person + "_*.jpg").Order(StringComparer.Ordinal).Take(3))
            {
                File.Copy(file, Path.Combine(photos, "trip", Path.GetFileName(file)));
            }
        }

        File.Copy(Shared.LfwImage("Dean_Barker_0001.jpg"), Path.Combine(photos, "Dean_Barker_0001.jpg"));
        File.WriteAllText(Path.Combine(photos, "broken.jpg"), "not an image");
        var (code, stdout, stderr) = CliRunner.Run(["cluster", photos, "--out", output, "--json", .. Models]);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        var people = json.GetProperty("people").EnumerateArray().ToList();
        Assert.Equal(3, people.Count);
        foreach (var person in people)
        {
            var files = person.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("file").GetString()!).ToList();
            Assert.Equal(3, files.Count);
            Assert.Single(files.Select(f => Evaluation.LfwIdentification.PersonOf(f)).Distinct());
            Assert.True(File.Exists(Path.Combine(output, person.GetProperty("sheet").GetString()!)));
        }

        Assert.Equal("Dean_Barker_0001.jpg", Assert.Single(json.GetProperty("noise").EnumerateArray()).GetProperty("file").GetString());
        Assert.Contains("broken.jpg", Assert.Single(json.GetProperty("skipped").EnumerateArray()).GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "overview.png")));
        Assert.Equal(stdout.Trim(), File.ReadAllText(Path.Combine(output, "people.json")).Trim());
    }

    [Fact]
    public void Eval_cluster_scores_ours_beside_the_baselines_with_its_headroom()
    {
        string photos = Path.Combine(_dir, "labelled");
        Directory.CreateDirectory(photos);
        foreach (var person in new[] { "Norah_Jones", "Muhammad_Ali", "Tom_Ridge" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Shared.Lfw, "images"), person + "_*.jpg").Order(StringComparer.Ordinal).Take(3))
            {
                File.Copy(file, Path.Combine(photos, Path.GetFileName(file)));
            }
        }

        File.Copy(Shared.LfwImage("Dean_Barker_0001.jpg"), Path.Combine(photos, "Dean_Barker_0001.jpg"));
        var (code, stdout, stderr) = CliRunner.Run(["eval", "cluster", "--images", photos, "--json", .. Models]);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["ours", "DBSCAN (Immich)", "DBSCAN (PhotoPrism)"], rows.Select(r => r.GetProperty("method").GetString()));

        // Three people found whole, the one-photo person alone and with no group of its own: nothing left to mend.
        Assert.Equal(1.0, rows[0].GetProperty("bCubedF1").GetDouble(), 6);
        var headroom = json.GetProperty("headroom");
        Assert.Equal((1, 0), (headroom.GetProperty("loneFaces").GetInt32(), headroom.GetProperty("loneNearestHome").GetInt32()));
        Assert.Equal(1.0, headroom.GetProperty("boundBCubedF1").GetDouble(), 6);
    }

    [Theory]
    [InlineData("empty.jpg", "empty")]
    [InlineData("truncated.jpg", "truncated")]
    [InlineData("not_an_image.jpg", "not an image")]
    [InlineData("pixel_bomb.png", "over the limit")]
    public void Bad_images_exit_2_with_one_clear_line_and_no_trace(string file, string expected)
    {
        var (code, _, stderr) = CliRunner.Run(["detect", Shared.Fixture($"images/{file}"), "--detector", Shared.Model("yunet_s_dynamic.onnx")]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_is_not_a_model_is_refused_clearly()
    {
        var (code, _, stderr) = CliRunner.Run(["detect", Shared.Fixture("images/face.bmp"), "--detector", Shared.Fixture("images/face.bmp")]);
        Assert.Equal(2, code);
        Assert.Contains("has no manifest", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_writes_json_lines_and_npy_for_a_folder()
    {
        string images = Path.Combine(_dir, "images");
        Directory.CreateDirectory(images);
        File.Copy(Shared.Fixture("images/two_faces.jpg"), Path.Combine(images, "two.jpg"));
        File.Copy(Shared.Fixture("images/face.webp"), Path.Combine(images, "one.webp"));
        File.Copy(Shared.Fixture("images/not_an_image.jpg"), Path.Combine(images, "bad.jpg"));
        string output = Path.Combine(_dir, "faces.jsonl");
        var (code, _, _) = CliRunner.Run(["embed", images, "--out", output, "--npy", Path.Combine(_dir, "faces"), "--json", .. Models]);
        Assert.Equal(0, code);
        var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(["one.webp", "two.jpg", "two.jpg"], lines.Select(l => l.GetProperty("file").GetString()));
        Assert.Equal(128, lines[0].GetProperty("embedding").GetArrayLength());
        byte[] npy = File.ReadAllBytes(Path.Combine(_dir, "faces.npy"));
        Assert.Equal("NUMPY", System.Text.Encoding.ASCII.GetString(npy, 1, 5));
        Assert.Contains("'shape': (3, 128)", System.Text.Encoding.ASCII.GetString(npy, 10, 100), StringComparison.Ordinal);
        Assert.Equal(0, (npy.Length - 10 - BitConverter.ToUInt16(npy, 8)) % (128 * 4));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir, "faces.names.txt")).Length);
    }

    [Fact]
    public void Eval_identify_reports_rank_1_with_and_without_distractors()
    {
        string photos = Directory.CreateDirectory(Path.Combine(_dir, "photos")).FullName;
        foreach (var name in new[] { "Abel_Pacheco_0001.jpg", "Abel_Pacheco_0004.jpg", "Jean_Chretien_0002.jpg", "Jean_Chretien_0006.jpg", "AJ_Lamas_0001.jpg", "Dean_Barker_0001.jpg" })
        {
            File.Copy(Shared.LfwImage(name), Path.Combine(photos, name));
        }

        var (code, stdout, stderr) = CliRunner.Run(["eval", "identify", "--images", photos, "--distractors", "0,2", "--json", .. Models]);
        Assert.True(code == 0, stderr);
        var reports = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(2, reports.GetArrayLength());
        Assert.Equal(2, reports[1].GetProperty("distractors").GetInt32());
        Assert.Equal(1.0, reports[1].GetProperty("rank1").GetDouble());
    }

    [Fact]
    public void Every_command_documents_itself()
    {
        foreach (var command in new[] { "detect", "align", "embed", "verify", "enroll", "identify", "gallery list", "gallery remove", "eval lfw", "eval identify", "eval cluster", "cluster", "models fetch", "models quantize" })
        {
            var (code, stdout, _) = CliRunner.Run([.. command.Split(' '), "--help"]);
            Assert.Equal(0, code);
            Assert.Contains("USAGE", stdout, StringComparison.Ordinal);
        }
    }

    private static JsonElement Verify(string a, string b)
    {
        var (code, stdout, stderr) = CliRunner.Run(["verify", Shared.LfwImage(a), Shared.LfwImage(b), "--json", .. Models]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }
}
