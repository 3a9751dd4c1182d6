using System.Diagnostics;

namespace ArcFaceKit.Video;

/// <summary>A count of events and their rate over the last few seconds (as Frigate's EventsPerSecond); not thread-safe.</summary>
internal sealed class EventRate
{
    private static readonly long Window = Stopwatch.Frequency * 5;
    private readonly Queue<long> _recent = new();
    private readonly long _started = Stopwatch.GetTimestamp();

    public long Total { get; private set; }

    public void Add()
    {
        long now = Stopwatch.GetTimestamp();
        _recent.Enqueue(now);
        Total++;
        Trim(now);
    }

    public double PerSecond()
    {
        long now = Stopwatch.GetTimestamp();
        Trim(now);
        double seconds = (double)Math.Min(Window, now - _started) / Stopwatch.Frequency;
        return seconds > 0 ? _recent.Count / seconds : 0;
    }

    private void Trim(long now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() > Window)
        {
            _recent.Dequeue();
        }
    }
}
