using System.Collections.Concurrent;
using System.Security.Cryptography;
using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Server.Api;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Videos;

/// <summary>
/// Video jobs: an upload is written to a private folder (at most <see cref="VideoJobOptions.MaxUploadBytes"/>), probed
/// (a video, at most <see cref="VideoJobOptions.MaxDuration"/> long) and analysed in the background against the
/// server's gallery, one job at a time, as `arcface video` analyses a file (every sampled frame, deterministic). The
/// upload is deleted when its analysis ends; the results are kept for <see cref="VideoJobOptions.Retention"/>.
/// Removing a job cancels its analysis, which kills and waits for its ffmpeg.
/// </summary>
internal sealed partial class VideoJobs : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, VideoJob> _jobs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _analysis = new(1, 1);
    private readonly Lock _admission = new();
    private int _uploading;   // uploads being read count against MaxJobs too
    private readonly FacePipeline _pipeline;
    private readonly GalleryHost _galleries;
    private readonly ServerOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<VideoJobs> _log;
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-videos-").FullName;   // owner-only (0700)
    private readonly OutboundTargets _urls;

    public VideoJobs(FacePipeline pipeline, GalleryHost galleries, ServerOptions options, TimeProvider clock, ILogger<VideoJobs> log)
    {
        (_pipeline, _galleries, _options, _clock, _log) = (pipeline, galleries, options, clock, log);
        _urls = new OutboundTargets(HostAllowList.Parse(options.Videos.AllowedHosts, OutboundPurpose.Videos));
    }

    private VideoJobOptions Limits => _options.Videos;

    /// <summary>Where uploads wait for their analysis (each deleted when it ends).</summary>
    internal string Folder => _folder;

    /// <summary>Takes an upload: refused (an <see cref="ApiProblem"/>) when too many jobs are kept, too large, not a video or too long.</summary>
    public Task<VideoJob> SubmitAsync(Stream body, long? length, string owner, double? fps, CancellationToken cancellationToken)
    {
        if (length > Limits.MaxUploadBytes)
        {
            throw TooLarge();
        }

        return AdmitAsync(async (file, c) =>
        {
            if (await CopyAsync(body, file, c).ConfigureAwait(false) == 0)
            {
                throw new ApiProblem(StatusCodes.Status400BadRequest, "Missing video", "The request has no body: send the video file itself (curl --data-binary @clip.mp4 -H 'Content-Type: video/mp4').");
            }
        }, owner, fps, cancellationToken);
    }

    /// <summary>
    /// Fetches a video from a URL on a host the operator allows (<see cref="VideoJobOptions.AllowedHosts"/>; 403
    /// otherwise), within the upload's size limit and <see cref="VideoJobOptions.DownloadTimeout"/>, then takes it as an upload.
    /// </summary>
    public async Task<VideoJob> SubmitUrlAsync(string? url, string owner, double? fps, CancellationToken cancellationToken)
    {
        var uri = await _urls.CheckAsync(url, cancellationToken).ConfigureAwait(false);
        return await AdmitAsync((file, c) => DownloadAsync(uri, file, c), owner, fps, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new job whose video <paramref name="fill"/> writes to its file, within the limits of jobs, size, format and length.</summary>
    private async Task<VideoJob> AdmitAsync(Func<string, CancellationToken, Task> fill, string owner, double? fps, CancellationToken cancellationToken)
    {
        if (fps is <= 0 or > 1000 || (fps is { } f && !double.IsFinite(f)))
        {
            throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", "fps must be a positive number of frames a second (leave it out for every frame).");
        }

        lock (_admission)
        {
            Trim();
            if (_jobs.Count + _uploading >= Limits.MaxJobs)
            {
                throw new ApiProblem(StatusCodes.Status429TooManyRequests, "Too many video jobs", $"{_jobs.Count + _uploading} video jobs are kept (at most {Limits.MaxJobs}, ArcFace:Videos:MaxJobs): remove finished ones (DELETE /v1/videos/ID) or wait for them to expire.");
            }

            _uploading++;
        }

        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        string file = Path.Combine(_folder, id);
        try
        {
            await fill(file, cancellationToken).ConfigureAwait(false);
            var source = await OpenAsync(file, fps, cancellationToken).ConfigureAwait(false);
            var job = new VideoJob(id, owner, source, fps, _clock.GetUtcNow());
            _jobs[id] = job;
            job.Run = Task.Run(() => RunAsync(job, file), CancellationToken.None);
            Submitted(_log, id, source.Info!.Width, source.Info.Height, source.Info.Duration?.TotalSeconds ?? double.NaN);
            return job;
        }
        catch
        {
            File.Delete(file);
            throw;
        }
        finally
        {
            lock (_admission)
            {
                _uploading--;
            }
        }
    }

    /// <summary>The video at the URL into the job's file; what went wrong (not reachable, not 2xx, a redirect, too slow) is a 422 saying so.</summary>
    private async Task DownloadAsync(Uri uri, string file, CancellationToken cancellationToken)
    {
        using var client = _urls.CreateClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limits.DownloadTimeout);
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Unfetched(uri, $"it answered {(int)response.StatusCode} {response.ReasonPhrase}{((int)response.StatusCode is >= 300 and < 400 ? " (redirects are not followed)" : "")}");
            }

            if (response.Content.Headers.ContentLength > Limits.MaxUploadBytes)
            {
                throw TooLarge();
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            if (await CopyAsync(body, file, timeout.Token).ConfigureAwait(false) == 0)
            {
                throw Unfetched(uri, "it answered with no body");
            }
        }
        catch (HttpRequestException e) when (e.InnerException is ApiProblem refused)
        {
            throw refused;   // the host resolved to an address the operator does not allow (checked at connection)
        }
        catch (HttpRequestException e)
        {
            throw Unfetched(uri, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unfetched(uri, $"it took longer than {Limits.DownloadTimeout.TotalMinutes:0.#} minutes (ArcFace:Videos:DownloadTimeout)");
        }
    }

    private static ApiProblem Unfetched(Uri uri, string why) => new(StatusCodes.Status422UnprocessableEntity, "Video not fetched", $"The video at {uri.Host} could not be fetched: {why}.");

    /// <summary>The caller's job, or null (another key's jobs are not found either).</summary>
    public VideoJob? Find(string id, string owner)
    {
        Trim();
        return _jobs.TryGetValue(id, out var job) && job.Owner == owner ? job : null;
    }

    public IReadOnlyList<VideoJob> List(string owner)
    {
        Trim();
        return [.. _jobs.Values.Where(j => j.Owner == owner).OrderBy(j => j.CreatedUtc)];
    }

    /// <summary>A subject was erased through this server: every job's results forget it (<see cref="VideoJob.Forget"/>).</summary>
    public void Forget(string subject)
    {
        foreach (var job in _jobs.Values)
        {
            job.Forget(subject);
        }
    }

    /// <summary>Cancels the caller's job (its ffmpeg killed and waited for) and forgets it with its results.</summary>
    public async Task<bool> RemoveAsync(string id, string owner)
    {
        if (Find(id, owner) is not { } job || !_jobs.TryRemove(new KeyValuePair<string, VideoJob>(id, job)))
        {
            return false;
        }

        await StopAsync(job).ConfigureAwait(false);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        var jobs = _jobs.Values.ToList();
        _jobs.Clear();
        await Task.WhenAll(jobs.Select(StopAsync)).ConfigureAwait(false);
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task StopAsync(VideoJob job)
    {
        await job.Cancel.CancelAsync().ConfigureAwait(false);
        await job.Run.ConfigureAwait(false);
        job.Cancel.Dispose();
    }

    private ApiProblem TooLarge() => new(StatusCodes.Status413PayloadTooLarge, "Video too large", $"Videos of up to {Limits.MaxUploadBytes / (1024 * 1024)} MiB are accepted (ArcFace:Videos:MaxUploadBytes).");

    /// <summary>A video's bytes into the job's file, refused past the size limit (a body without a length is counted as it comes); returns how many.</summary>
    private async Task<long> CopyAsync(Stream body, string file, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > Limits.MaxUploadBytes)
            {
                throw TooLarge();
            }

            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    private async Task<VideoSource> OpenAsync(string file, double? fps, CancellationToken cancellationToken)
    {
        VideoSource source;
        try
        {
            source = await VideoSource.OpenAsync(file, new VideoSourceOptions { Fps = fps }, cancellationToken).ConfigureAwait(false);
        }
        catch (VideoSourceException e)
        {
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Unusable video", WithoutPath(e.Message, file));
        }

        if (source.Info!.Duration is not { } length || length > Limits.MaxDuration)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Video too long",
                $"The video is {(source.Info.Duration is { } d ? $"{d.TotalMinutes:0.#} minutes" : "of no stated length")} long; videos of up to {Limits.MaxDuration.TotalMinutes:0.#} minutes are accepted (ArcFace:Videos:MaxDuration).");
        }

        return source;
    }

    private async Task RunAsync(VideoJob job, string file)
    {
        var cancellationToken = job.Cancel.Token;
        try
        {
            await _analysis.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var analysis = VideoAnalysisOptions.Default with { Scoring = SubjectScorings.Parse(_options.Scoring) };
                var analyzer = new VideoAnalyzer(_pipeline, _galleries.Gallery, analysis);
                job.Started(analyzer, _clock.GetUtcNow());
                await foreach (var frame in analyzer.AnalyzeAsync(job.Source.ReadFramesAsync(cancellationToken), cancellationToken).ConfigureAwait(false))
                {
                    job.Add(frame, analyzer.EmbeddedFaces);
                }

                job.Finished("done", null, _clock.GetUtcNow());
            }
            finally
            {
                _analysis.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.Finished("cancelled", "cancelled", _clock.GetUtcNow());
        }
        catch (Exception e)
        {
            // A damaged or truncated video: the events up to the damage are kept.
            job.Finished("failed", WithoutPath(e.Message, file), _clock.GetUtcNow());
        }
        finally
        {
            await job.Source.DisposeAsync().ConfigureAwait(false);
            File.Delete(file);
            Ended(_log, job.Id, job.State);
        }
    }

    /// <summary>ffmpeg's reason as a client may read it: without the server's folder.</summary>
    private static string WithoutPath(string message, string file) => message.Replace(file, "the upload", StringComparison.Ordinal);

    /// <summary>Forgets finished jobs past their retention.</summary>
    private void Trim()
    {
        var before = _clock.GetUtcNow() - Limits.Retention;
        foreach (var (id, job) in _jobs)
        {
            if (job.FinishedUtc < before && _jobs.TryRemove(new KeyValuePair<string, VideoJob>(id, job)))
            {
                job.Cancel.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {Job} queued: {Width}x{Height}, {Seconds} s")]
    private static partial void Submitted(ILogger logger, string job, int width, int height, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {Job} {State}")]
    private static partial void Ended(ILogger logger, string job, string state);
}
