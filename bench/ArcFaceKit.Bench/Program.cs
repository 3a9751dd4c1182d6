namespace ArcFaceKit.Bench;

// Prints figures, not pass/fail: medians over repeats, with a baseline measured in the same run.
// Usage: bench [pipeline|models|search|gallery-open|gallery-groups|pgvector|writers|nodes|loadtest|detector-defaults|face-size|decode-memory|video-decode|video|cluster|all] [--models DIR] [--images DIR] [--repeats N] [suite options]
//   loadtest: --clients 1,8,32 --seconds 30 --concurrency N --queue N --detector F --embedder F --batch-wait-ms 0,3 --cameras 4 --camera-clip webcam-b.mp4 (then the same beside N live cameras)
//   decode-memory: --uploads 40 --bursts 3 --side 7000 --budgets 0,100 --decodes 20 --detector F --embedder F
//   detector-defaults: --upscale 1,1.5,2,3,100 --input-size 640 --detector yunet_s_dynamic.onnx
//   face-size: --pairs 1000 --sizes 16,20,24,28,32,40,48,64,96 --embedders mobilefacenet_a.onnx,faceplugin_fr_feature.onnx (a+b: fused) --examples DIR (LFW faces scaled onto 640x360 frames)
//   cluster: --faces 100000 --embedder faceplugin_fr_feature.onnx
//   search: --n 100000,1000000 --dim 128,512 --kernels all (or names: AvxVnni,Avx512BW,Avx2,AdvSimdDp,AdvSimd,Portable; default the one searches run, which ARCFACEKIT_INT8_KERNEL forces)
//   pgvector: --n 1000000 --dim 128 --data real --pg-m 16 --pg-ef-construction 64 --pg-ef-search 40,128 (PostgreSQL: the library's gallery, searched in memory and in the database, pgvector exact and HNSW, the library in memory)
//   writers: --writers 1,2,3 --clients 4 --faces 1 --dim 512 --seconds 10 (PostgreSQL: enrolment faces/s of that many gallery nodes writing one database at once)
//   nodes: --n 1000000 --dim 128 --faces-per-subject 100 --write-rate 50 --search-rate 20 --seconds 20 --remote-writes 10000 (PostgreSQL: a writer and 1, then 2 searcher nodes, each a process: search latency beside writes, a remote write's delay to be found, a restart after remote writes)
//   gallery-open: --faces 1000000 --dim 512 --faces-per-subject 100 --data random|real --approximate-from 0 (a SQLite gallery opened from its database and its index file; N > 0: with its HNSW graph from N faces)
//   gallery-groups: --groups 100000 --adds 200 --dim 512 (a new unnamed face placed among that many groups, SQLite)
//   models: --calibration-images 300 --profile 0|1 (fp32 vs int8, each model alone; 1: time by kind of kernel) --only F,F (these files, fp32 only)
//   video-decode: --clips franck.mp4,webcam-a.mp4 --threads N (ffmpeg decoding alone, then through VideoSource at every frame and at 5 fps)
//   video: --clips A,B (names in --videos or paths) --gallery g.db --stream-clip C --max-streams 6 --stream-seconds 20 --live-queue 2 (decoding, + detection, the analysis, the naive way; live streams kept up with; under taskset -c 0 for one core)
//   pipeline: --calibration-images 300 --allow-spinning 0|1 (ONNX Runtime's idle threads spinning, off by default) --fetched DIR (models fetch's folder)
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var options = BenchOptions.Parse(args);
            switch (options.Suite)
            {
                case "pipeline":
                    PipelineBench.Run(options);
                    break;
                case "models":
                    ModelsBench.Run(options);
                    break;
                case "search":
                    SearchBench.Run(options);
                    break;
                case "loadtest":
                    await LoadTestBench.RunAsync(options);
                    break;
                case "detector-defaults":
                    DetectorDefaultsBench.Run(options);
                    break;
                case "face-size":
                    await FaceSizeBench.RunAsync(options);
                    break;
                case "cluster":
                    ClusterBench.Run(options);
                    break;
                case "gallery-open":
                    await GalleryOpenBench.RunAsync(options);
                    break;
                case "gallery-groups":
                    await GalleryGroupsBench.RunAsync(options);
                    break;
                case "pgvector":
                    await PgvectorBench.RunAsync(options);
                    break;
                case "writers":
                    await WritersBench.RunAsync(options);
                    break;
                case "nodes":
                    await NodesBench.RunAsync(options);
                    break;
                case "nodes-node":
                    await NodesBench.ChildAsync(options);
                    break;
                case "decode-memory":
                    await DecodeMemoryBench.RunAsync(options);
                    break;
                case "video-decode":
                    await VideoDecodeBench.RunAsync(options);
                    break;
                case "video":
                    await VideoAnalysisBench.RunAsync(options);
                    break;
                case "all":
                    PipelineBench.Run(options);
                    SearchBench.Run(options);
                    break;
                default:
                    throw new ArgumentException($"Unknown suite '{options.Suite}': pipeline, models, search, loadtest, detector-defaults, face-size, decode-memory, video-decode, video, cluster, gallery-open, gallery-groups, pgvector, writers, nodes or all.");
            }

            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or ArcFaceKit.Models.ModelContractException or ArcFaceKit.Gallery.GalleryException or ArcFaceKit.Video.VideoSourceException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
